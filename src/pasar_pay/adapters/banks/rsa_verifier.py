"""`RsaVerifier` over `snap_rsa`, with parsed public keys cached by PEM text."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import rsa

from pasar_pay.adapters.banks import snap_rsa


@lru_cache(maxsize=256)
def _key(pem: str) -> rsa.RSAPublicKey:
    return snap_rsa.load_public_key(pem)


class SnapRsaVerifier:
    def check_public_key(self, pem: str) -> str:
        """Refuses anything but an RSA ≥ 2048 SubjectPublicKeyInfo PEM; returns a fingerprint."""
        _key(pem)
        return hashlib.sha256(pem.strip().encode()).hexdigest()[:16]

    def verify_token(self, pem: str, client_key: str, timestamp: str, signature: str) -> bool:
        return snap_rsa.verify_token_request(_key(pem), client_key, timestamp, signature)

    def verify_transaction(
        self,
        pem: str,
        signature: str,
        *,
        method: str,
        relative_url: str,
        raw_body: bytes,
        timestamp: str,
    ) -> bool:
        # A non-JSON body raises MinifyError (400xx00): the caller answers Bad Request.
        return snap_rsa.verify_asymmetric(
            _key(pem),
            signature,
            method=method,
            relative_url=relative_url,
            raw_body=raw_body,
            timestamp=timestamp,
        )
