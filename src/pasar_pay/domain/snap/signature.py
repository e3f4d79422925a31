"""SNAP strings-to-sign, body hash and the symmetric (HMAC-SHA512) signature (snap.md §1.5).

Every component is used exactly as the sender used it: the X-TIMESTAMP header string (never
re-formatted: milliseconds or `Z` change the signature), the relative URL with any proxy
prefix (`/openapi/...`) and query string, the bare token without `Bearer `. The asymmetric
RSA counterpart (modes A and C) lives in `pasar_pay.adapters.banks.snap_rsa`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from pasar_pay.domain.snap.codes import SnapCase
from pasar_pay.domain.snap.errors import SnapError, mandatory_error
from pasar_pay.domain.snap.minify import minify

EMPTY_BODY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def body_hash(raw_body: bytes | str) -> str:
    """Lowercase hex SHA-256 of the structurally minified body; "" (no body) -> EMPTY_BODY_HASH."""
    return hashlib.sha256(minify(raw_body).encode("utf-8")).hexdigest()


def token_string_to_sign(client_key: str, timestamp: str) -> str:
    """(A) access-token request, signed with RSA: `clientKey|X-TIMESTAMP`."""
    _require_part("X-CLIENT-KEY", client_key)
    _require_part("X-TIMESTAMP", timestamp)
    return f"{client_key}|{timestamp}"


def symmetric_string_to_sign(
    method: str, relative_url: str, access_token: str, hashed_body: str, timestamp: str
) -> str:
    """(B) transaction with token: `METHOD:relativeUrl:token:bodyHash:timestamp`."""
    _require_part("access token", access_token)
    return ":".join(
        (
            _method(method),
            _relative_url(relative_url),
            access_token,
            _hex(hashed_body),
            _timestamp(timestamp),
        )
    )


def asymmetric_string_to_sign(
    method: str, relative_url: str, hashed_body: str, timestamp: str
) -> str:
    """(C) transaction without token, signed with RSA: `METHOD:relativeUrl:bodyHash:timestamp`."""
    return ":".join(
        (_method(method), _relative_url(relative_url), _hex(hashed_body), _timestamp(timestamp))
    )


def hmac_sign(client_secret: str, string_to_sign: str) -> str:
    """Base64 HMAC-SHA512 (base64, not hex: what every bank and PJP actually sends)."""
    digest = hmac.new(_secret(client_secret), string_to_sign.encode("utf-8"), hashlib.sha512)
    return base64.b64encode(digest.digest()).decode("ascii")


def hmac_verify(client_secret: str, string_to_sign: str, signature: str) -> bool:
    """Constant-time check of a base64 X-SIGNATURE; malformed base64 is simply `False`."""
    received = decode_signature(signature)
    if received is None:
        return False
    expected = hmac.new(_secret(client_secret), string_to_sign.encode("utf-8"), hashlib.sha512)
    return hmac.compare_digest(expected.digest(), received)


def sign_symmetric(
    client_secret: str,
    *,
    method: str,
    relative_url: str,
    access_token: str,
    raw_body: bytes | str,
    timestamp: str,
) -> str:
    """X-SIGNATURE for an outbound request or a test/simulator caller."""
    sts = symmetric_string_to_sign(
        method, relative_url, access_token, body_hash(raw_body), timestamp
    )
    return hmac_sign(client_secret, sts)


def verify_symmetric(
    client_secret: str,
    signature: str,
    *,
    method: str,
    relative_url: str,
    access_token: str,
    raw_body: bytes | str,
    timestamp: str,
) -> bool:
    """True iff `signature` signs this exact request. Raises `MinifyError` on a non-JSON body."""
    sts = symmetric_string_to_sign(
        method, relative_url, access_token, body_hash(raw_body), timestamp
    )
    return hmac_verify(client_secret, sts, signature)


def bearer_token(authorization: str | None) -> str:
    """The bare token from `Authorization: Bearer <token>`; refuse with `401xx01` otherwise."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        raise SnapError(
            "Authorization must be 'Bearer <token>'",
            code="snap_token_missing",
            case=SnapCase.INVALID_TOKEN,
            detail="",
        )
    return token


def decode_signature(signature: str) -> bytes | None:
    """Strict base64 (no stray characters); `None` if it is not base64 at all."""
    try:
        return base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def _secret(client_secret: str) -> bytes:
    if not client_secret:
        raise ValueError("client secret must not be empty")  # a config error, never a request's
    return client_secret.encode("utf-8")


def _require_part(name: str, value: str) -> None:
    # These come from request headers: a missing one is the sender's error (case 02).
    if not value:
        raise mandatory_error(name)


def _method(method: str) -> str:
    if not method:
        raise ValueError("HTTP method must not be empty")
    return method.upper()


def _relative_url(relative_url: str) -> str:
    # Scheme and host are not signed; a full URL here is a caller bug, not a bank's.
    if not relative_url.startswith("/") or relative_url.startswith("//"):
        raise ValueError(f"relative URL must start with a single '/': {relative_url!r}")
    return relative_url


def _hex(hashed_body: str) -> str:
    if len(hashed_body) != 64 or hashed_body != hashed_body.lower() or not _is_hex(hashed_body):
        raise ValueError("body hash must be 64 lowercase hex characters")
    return hashed_body


def _is_hex(value: str) -> bool:
    return all(c in "0123456789abcdef" for c in value)


def _timestamp(timestamp: str) -> str:
    _require_part("X-TIMESTAMP", timestamp)
    return timestamp
