"""API keys: high-entropy secrets shown once, stored as SHA-256 hashes, bound to a role."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from pasar_pay.domain.access import Principal, Role, validate_binding
from pasar_pay.domain.errors import DomainError, NotFound, ValidationFailed
from pasar_pay.services.ports import ApiKeyRecord, Clock, UnitOfWorkFactory

TOKEN_PREFIX = "pp"  # noqa: S105 - a label, not a secret


class Unauthenticated(DomainError):
    code = "unauthenticated"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: str
    token: str  # shown once; only its hash is stored
    role: Role


def _hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str]:
    parts = token.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12 or len(parts[2]) < 40:
        raise Unauthenticated("malformed API key")
    return parts[1], parts[2]


class ApiKeyService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def issue(
        self,
        role: Role,
        *,
        label: str,
        markets: frozenset[str] = frozenset(),
        vendor_code: str | None = None,
        bank_code: str | None = None,
        created_by: str | None = None,
    ) -> IssuedKey:
        validate_binding(role, markets, vendor_code, bank_code)
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        record = ApiKeyRecord(
            id=str(uuid.uuid4()),
            prefix=prefix,
            secret_hash=_hash(secret),
            role=role,
            markets=markets,
            vendor_code=vendor_code,
            bank_code=bank_code,
            label=label,
            created_at=self._clock(),
            revoked_at=None,
        )
        with self._uow() as uow:
            if markets:
                unknown = sorted(set(markets) - uow.markets.existing_codes(sorted(markets)))
                if unknown:
                    raise ValidationFailed("unknown market", code="market_unknown", markets=unknown)
            uow.keys.insert(record, created_by)
            uow.audit.append(
                self._clock(),
                created_by,
                "api_key.issue",
                record.id,
                {
                    "role": role.value,
                    "markets": sorted(markets),
                    "vendor": vendor_code,
                    "bank": bank_code,
                    "label": label,
                },
            )
            uow.commit()
        return IssuedKey(record.id, f"{TOKEN_PREFIX}_{prefix}_{secret}", role)

    def authenticate(self, token: str) -> Principal:
        prefix, secret = _split(token)
        with self._uow() as uow:
            record = uow.keys.by_prefix(prefix)
        if record is None or record.revoked_at is not None:
            raise Unauthenticated("unknown or revoked API key")
        if not hmac.compare_digest(record.secret_hash, _hash(secret)):
            raise Unauthenticated("unknown or revoked API key")
        return Principal(
            key_id=record.id,
            role=record.role,
            markets=record.markets,
            vendor_code=record.vendor_code,
            bank_code=record.bank_code,
            label=record.label,
        )

    def revoke(self, key_id: str, *, by: str | None) -> None:
        with self._uow() as uow:
            if not uow.keys.revoke(key_id, self._clock()):
                raise NotFound("no active key with that id", code="api_key_not_found")
            uow.audit.append(self._clock(), by, "api_key.revoke", key_id, {})
            uow.commit()

    def has_finance_key(self) -> bool:
        with self._uow() as uow:
            return uow.keys.count_active(Role.FINANCE) > 0
