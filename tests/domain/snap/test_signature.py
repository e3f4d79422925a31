"""SNAP signatures against the fixed vectors of snap.md §6, recomputed here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.minify import MinifyError, minify
from pasar_pay.domain.snap.signature import (
    EMPTY_BODY_HASH,
    asymmetric_string_to_sign,
    bearer_token,
    body_hash,
    hmac_sign,
    hmac_verify,
    sign_symmetric,
    symmetric_string_to_sign,
    token_string_to_sign,
    verify_symmetric,
)

PAYMENT_BODY = """{
  "partnerServiceId": "   12345",
  "customerNo": "0101000123",
  "virtualAccountNo": "   123450101000123",
  "virtualAccountName": "Sri Rahayu",
  "paymentRequestId": "202501150930001234500001",
  "paidAmount": {"value": "215670.00", "currency": "IDR"},
  "trxDateTime": "2025-01-15T09:30:00+07:00"
}"""
PAYMENT_MINIFIED = (
    '{"partnerServiceId":"   12345","customerNo":"0101000123",'
    '"virtualAccountNo":"   123450101000123","virtualAccountName":"Sri Rahayu",'
    '"paymentRequestId":"202501150930001234500001",'
    '"paidAmount":{"value":"215670.00","currency":"IDR"},'
    '"trxDateTime":"2025-01-15T09:30:00+07:00"}'
)
PAYMENT_HASH = "50f3b92773c16efe9b76d5225bf0328755d8a38d1fde3655faa9f629364ace4f"
NAIVE_HASH = "949c4bc7a64ddfcfef385ead7bea63082f61e2647e8e51200078be185e1051c8"
TOKEN = "tkn_test_0123456789"
TIMESTAMP = "2025-01-15T09:30:05+07:00"
SECRET = "test-client-secret"
PATH = "/openapi/v1.0/transfer-va/payment"
STRING_TO_SIGN = f"POST:{PATH}:{TOKEN}:{PAYMENT_HASH}:{TIMESTAMP}"
X_SIGNATURE = (
    "kVWH58gHlK8OWhJvgK4MdimIwO7woR+rLwHz5nXkW/IbA4dkJT2HJv89OnMXXKY8v+3srCny3uiqLavUouPd4Q=="
)


def sign(body: str | bytes, *, path: str = PATH, secret: str = SECRET) -> str:
    return sign_symmetric(
        secret,
        method="POST",
        relative_url=path,
        access_token=TOKEN,
        raw_body=body,
        timestamp=TIMESTAMP,
    )


def verify(signature: str, body: str | bytes, *, path: str = PATH, secret: str = SECRET) -> bool:
    return verify_symmetric(
        secret,
        signature,
        method="POST",
        relative_url=path,
        access_token=TOKEN,
        raw_body=body,
        timestamp=TIMESTAMP,
    )


def test_payment_vector_minify_hash_string_and_signature() -> None:
    assert minify(PAYMENT_BODY) == PAYMENT_MINIFIED
    assert body_hash(PAYMENT_BODY) == PAYMENT_HASH
    assert body_hash(PAYMENT_BODY.encode()) == PAYMENT_HASH
    sts = symmetric_string_to_sign("post", PATH, TOKEN, PAYMENT_HASH, TIMESTAMP)
    assert sts == STRING_TO_SIGN
    assert hmac_sign(SECRET, sts) == X_SIGNATURE
    assert sign(PAYMENT_BODY) == X_SIGNATURE
    assert verify(X_SIGNATURE, PAYMENT_BODY)


def test_independent_recomputation_of_the_vector() -> None:
    # Same result straight from hashlib/hmac, so the module cannot agree with itself by accident.
    digest = hashlib.sha256(PAYMENT_MINIFIED.encode()).hexdigest()
    mac = hmac.new(SECRET.encode(), STRING_TO_SIGN.encode(), hashlib.sha512).digest()
    assert digest == PAYMENT_HASH
    assert base64.b64encode(mac).decode() == X_SIGNATURE


def test_naive_whitespace_strip_is_a_different_hash() -> None:
    naive = "".join(PAYMENT_BODY.split())
    assert hashlib.sha256(naive.encode()).hexdigest() == NAIVE_HASH != PAYMENT_HASH
    assert '"   12345"' in minify(PAYMENT_BODY)
    assert '"Sri Rahayu"' in minify(PAYMENT_BODY)


def test_empty_body_hash() -> None:
    assert body_hash("") == body_hash(b"") == EMPTY_BODY_HASH
    assert hashlib.sha256(b"").hexdigest() == EMPTY_BODY_HASH
    signature = sign("")
    assert verify(signature, b"")
    assert not verify(signature, "{}")


def test_non_ascii_kept_raw_and_json_dumps_would_differ() -> None:
    body = '{"virtualAccountName": "Bu Tuminah – Pasar Gede"}'
    kept = minify(body)
    assert kept == '{"virtualAccountName":"Bu Tuminah – Pasar Gede"}'
    reserialised = json.dumps(json.loads(body), separators=(",", ":"))
    assert "\\u2013" in reserialised
    assert body_hash(body) == hashlib.sha256(kept.encode()).hexdigest()
    assert body_hash(body) != hashlib.sha256(reserialised.encode()).hexdigest()
    assert verify(sign(body.encode("utf-8")), body.encode("utf-8"))


def test_escapes_kept_as_sent() -> None:
    body = '{"url": "https:\\/\\/pasar.surakarta.go.id\\/x", "n": "caf\\u00e9", "q": "a\\"b"}'
    assert minify(body) == (
        '{"url":"https:\\/\\/pasar.surakarta.go.id\\/x","n":"caf\\u00e9","q":"a\\"b"}'
    )
    # The sender hashed `\/`; a verifier that re-serialises would hash `/` and fail.
    assert body_hash(body) != body_hash(json.dumps(json.loads(body), separators=(",", ":")))
    assert verify(sign(body), body)


def test_whitespace_inside_values_is_signed() -> None:
    signature = sign('{"virtualAccountName": "Setya Wardana"}')
    assert verify(signature, '{ "virtualAccountName" :\n"Setya Wardana" }')
    assert not verify(signature, '{"virtualAccountName":"SetyaWardana"}')


def test_path_prefix_and_query_string_are_signed_as_sent() -> None:
    path = "/openapi/v1.0/transfer-va/inquiry?lang=id&x=1"
    signature = sign(PAYMENT_BODY, path=path)
    assert verify(signature, PAYMENT_BODY, path=path)
    assert not verify(signature, PAYMENT_BODY, path="/openapi/v1.0/transfer-va/inquiry")
    assert not verify(signature, PAYMENT_BODY, path="/v1.0/transfer-va/inquiry?lang=id&x=1")


def test_tampered_body_wrong_secret_and_garbage_signature_fail() -> None:
    tampered = PAYMENT_BODY.replace("215670.00", "215671.00")
    assert not verify(X_SIGNATURE, tampered)
    assert not verify(X_SIGNATURE, PAYMENT_BODY, secret="other-secret")
    assert not verify("not base64 !!", PAYMENT_BODY)
    assert not verify(X_SIGNATURE[:-4], PAYMENT_BODY)
    assert not hmac_verify(SECRET, STRING_TO_SIGN + " ", X_SIGNATURE)


def test_timestamp_used_exactly_as_the_header() -> None:
    # Same instant, different spelling: a different signature.
    other = symmetric_string_to_sign("POST", PATH, TOKEN, PAYMENT_HASH, "2025-01-15T02:30:05Z")
    assert not hmac_verify(SECRET, other, X_SIGNATURE)


def test_non_json_body_is_refused_not_hashed() -> None:
    with pytest.raises(MinifyError) as info:
        verify(X_SIGNATURE, "partnerServiceId=12345")
    assert info.value.code == "snap_body_not_json"


def test_token_and_asymmetric_strings() -> None:
    assert token_string_to_sign("bank-jateng-client-01", TIMESTAMP) == (
        "bank-jateng-client-01|2025-01-15T09:30:05+07:00"
    )
    assert asymmetric_string_to_sign(
        "post", "/v1.0/qr/qr-mpm-notify", EMPTY_BODY_HASH, TIMESTAMP
    ) == (f"POST:/v1.0/qr/qr-mpm-notify:{EMPTY_BODY_HASH}:{TIMESTAMP}")
    with pytest.raises(SnapError) as info:
        token_string_to_sign("", TIMESTAMP)
    assert info.value.status(ServiceCode.ACCESS_TOKEN_B2B).code == "4007302"


@pytest.mark.parametrize(
    "bad",
    ["https://bank.example/v1.0/x", "v1.0/x", "//host/v1.0/x"],
)
def test_relative_url_must_be_a_path(bad: str) -> None:
    with pytest.raises(ValueError, match="relative URL"):
        asymmetric_string_to_sign("POST", bad, EMPTY_BODY_HASH, TIMESTAMP)


def test_body_hash_argument_is_checked() -> None:
    with pytest.raises(ValueError, match="hex"):
        asymmetric_string_to_sign("POST", PATH, PAYMENT_HASH.upper(), TIMESTAMP)


def test_bearer_token() -> None:
    assert bearer_token("Bearer tkn_test_0123456789") == TOKEN
    assert bearer_token("bearer  tkn_test_0123456789 ") == TOKEN
    for bad in (None, "", "Bearer", "Basic abc", "Bearer a b", TOKEN):
        with pytest.raises(SnapError) as info:
            bearer_token(bad)
        assert info.value.case.name == "INVALID_TOKEN"
