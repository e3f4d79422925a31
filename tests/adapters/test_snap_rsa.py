"""SHA256withRSA for SNAP with a key pair made here (RSA vectors are per key by nature)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pasar_pay.adapters.banks import snap_rsa
from pasar_pay.domain.snap.minify import MinifyError
from pasar_pay.domain.snap.signature import body_hash

TIMESTAMP = "2025-01-15T09:30:05+07:00"
CLIENT = "bank-jateng-client-01"
NOTIFY_PATH = "/v1.0/qr/qr-mpm-notify"
BODY = '{"originalReferenceNo": "A1", "latestTransactionStatus": "00", "note": "Bu Tuminah – Gede"}'


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return snap_rsa.generate_private_key()


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return snap_rsa.generate_private_key()


def test_pem_round_trip(key: rsa.RSAPrivateKey) -> None:
    private_pem = snap_rsa.private_key_pem(key)
    public_pem = snap_rsa.public_key_pem(key)
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    loaded = snap_rsa.load_private_key(private_pem)
    assert loaded.private_numbers() == key.private_numbers()
    assert (
        snap_rsa.load_public_key(public_pem).public_numbers() == key.public_key().public_numbers()
    )
    assert key.key_size == 2048


def test_token_request_signature(key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    public = snap_rsa.load_public_key(snap_rsa.public_key_pem(key))
    signature = snap_rsa.sign_token_request(key, CLIENT, TIMESTAMP)
    assert snap_rsa.verify_token_request(public, CLIENT, TIMESTAMP, signature)
    # Independent check with cryptography directly over the documented string.
    public.verify(
        base64.b64decode(signature),
        f"{CLIENT}|{TIMESTAMP}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    assert not snap_rsa.verify_token_request(public, "other-client", TIMESTAMP, signature)
    assert not snap_rsa.verify_token_request(public, CLIENT, "2025-01-15T02:30:05Z", signature)
    wrong = snap_rsa.sign_token_request(other_key, CLIENT, TIMESTAMP)
    assert not snap_rsa.verify_token_request(public, CLIENT, TIMESTAMP, wrong)
    assert not snap_rsa.verify_token_request(public, CLIENT, TIMESTAMP, "%%% not base64")


def test_asymmetric_transaction_signature(key: rsa.RSAPrivateKey) -> None:
    public = key.public_key()
    signature = snap_rsa.sign_asymmetric(
        key, method="POST", relative_url=NOTIFY_PATH, raw_body=BODY, timestamp=TIMESTAMP
    )
    expected_string = f"POST:{NOTIFY_PATH}:{body_hash(BODY)}:{TIMESTAMP}"
    public.verify(
        base64.b64decode(signature), expected_string.encode(), padding.PKCS1v15(), hashes.SHA256()
    )

    def verify(body: str | bytes, path: str = NOTIFY_PATH) -> bool:
        return snap_rsa.verify_asymmetric(
            public, signature, method="POST", relative_url=path, raw_body=body, timestamp=TIMESTAMP
        )

    assert verify(BODY)
    assert verify(BODY.replace(", ", ",").replace(": ", ":").encode())  # same minified bytes
    assert not verify(BODY.replace('"00"', '"03"'))
    assert not verify(BODY, path="/snap" + NOTIFY_PATH)
    with pytest.raises(MinifyError):
        verify("not json")


def test_key_loading_refusals(key: rsa.RSAPrivateKey) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ValueError, match="2048"):
        snap_rsa.load_public_key(snap_rsa.public_key_pem(small))
    traditional = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="PKCS#8"):
        snap_rsa.load_private_key(traditional)
    with pytest.raises(ValueError, match="SubjectPublicKeyInfo"):
        snap_rsa.load_public_key(snap_rsa.private_key_pem(key))
