"""SHA256withRSA (RSASSA-PKCS1-v1_5) for SNAP: the token request (A) and mode-C transactions.

The strings to sign come from `pasar_pay.domain.snap.signature`; this module only does the
RSA part, which needs `cryptography` and so cannot live in the domain. Keys: private keys as
PKCS#8 PEM (`BEGIN PRIVATE KEY`), public keys as SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`),
RSA of at least 2048 bits (snap.md §1.5 rule 8).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pasar_pay.domain.snap.signature import (
    asymmetric_string_to_sign,
    body_hash,
    decode_signature,
    token_string_to_sign,
)

MIN_KEY_BITS = 2048


def generate_private_key(bits: int = MIN_KEY_BITS) -> rsa.RSAPrivateKey:
    """A fresh key pair for tests and the bank simulator (never for production onboarding)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: str | bytes, password: bytes | None = None) -> rsa.RSAPrivateKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    if b"BEGIN PRIVATE KEY" not in data and b"BEGIN ENCRYPTED PRIVATE KEY" not in data:
        raise ValueError("expected a PKCS#8 PEM private key (BEGIN PRIVATE KEY)")
    key = serialization.load_pem_private_key(data, password=password)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    _require_size(key.key_size)
    return key


def load_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    if b"BEGIN PUBLIC KEY" not in data:
        raise ValueError("expected a SubjectPublicKeyInfo PEM public key (BEGIN PUBLIC KEY)")
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    _require_size(key.key_size)
    return key


def rsa_sign(key: rsa.RSAPrivateKey, string_to_sign: str) -> str:
    """Base64 SHA256withRSA over the UTF-8 string."""
    signature = key.sign(string_to_sign.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def rsa_verify(key: rsa.RSAPublicKey, string_to_sign: str, signature: str) -> bool:
    """False for a wrong signature and for one that is not even base64 (never raises)."""
    raw = decode_signature(signature)
    if raw is None:
        return False
    try:
        key.verify(raw, string_to_sign.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def sign_token_request(key: rsa.RSAPrivateKey, client_key: str, timestamp: str) -> str:
    """X-SIGNATURE for POST /access-token/b2b: RSA over `clientKey|X-TIMESTAMP`."""
    return rsa_sign(key, token_string_to_sign(client_key, timestamp))


def verify_token_request(
    key: rsa.RSAPublicKey, client_key: str, timestamp: str, signature: str
) -> bool:
    return rsa_verify(key, token_string_to_sign(client_key, timestamp), signature)


def sign_asymmetric(
    key: rsa.RSAPrivateKey,
    *,
    method: str,
    relative_url: str,
    raw_body: bytes | str,
    timestamp: str,
) -> str:
    """Mode C (no token): RSA over `METHOD:relativeUrl:bodyHash:timestamp`."""
    sts = asymmetric_string_to_sign(method, relative_url, body_hash(raw_body), timestamp)
    return rsa_sign(key, sts)


def verify_asymmetric(
    key: rsa.RSAPublicKey,
    signature: str,
    *,
    method: str,
    relative_url: str,
    raw_body: bytes | str,
    timestamp: str,
) -> bool:
    """Raises `MinifyError` (a SnapError, 400xx00) if the body is not JSON."""
    sts = asymmetric_string_to_sign(method, relative_url, body_hash(raw_body), timestamp)
    return rsa_verify(key, sts, signature)


def _require_size(bits: int) -> None:
    if bits < MIN_KEY_BITS:
        raise ValueError(f"RSA keys must be at least {MIN_KEY_BITS} bits, got {bits}")


def private_key_from_file(path: Path, *, create: bool) -> rsa.RSAPrivateKey:
    """Our own SNAP key (outbound token requests). Created 0600 in development when missing;
    give the acquirer `public_key_pem(key)` at onboarding (`pasar-pay banks our-public-key`)."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"SNAP private key {path} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(private_key_pem(generate_private_key()))
    return load_private_key(path.read_bytes())
