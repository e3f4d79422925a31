"""Storage for idempotency keys, the audit log, API keys and markets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from pasar_pay.adapters.db.raw import RawSql
from pasar_pay.adapters.db.tables import (
    api_key_markets,
    api_keys,
    audit_log,
    markets,
)
from pasar_pay.adapters.db.upsert import insert_ignore
from pasar_pay.domain.access import Role
from pasar_pay.services.ports import ApiKeyRecord, DuplicateKey, IdempotencyRecord, MarketRecord


class SqlIdempotencyStore:
    """On the driver's cursor: every keyed write reads and writes here (see raw.py)."""

    def __init__(self, connection: Connection) -> None:
        self._raw = RawSql(connection)
        self._integrity_error: type[Exception] = connection.dialect.loaded_dbapi.IntegrityError

    def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        raw = self._raw
        row = raw.one(
            "SELECT operation, request_hash, request, outcome, response, created_at"
            " FROM idempotency_keys WHERE scope = %s AND key = %s",
            [scope, key],
        )
        if row is None:
            return None
        created = raw.read_time(row[5])
        assert created is not None
        return IdempotencyRecord(
            scope=scope,
            key=key,
            operation=row[0],
            request_hash=row[1],
            request=raw.read_json(row[2]),
            outcome=row[3],
            response=raw.read_json(row[4]),
            created_at=created,
        )

    def insert(self, record: IdempotencyRecord) -> None:
        raw = self._raw
        try:
            raw.run(
                "INSERT INTO idempotency_keys (scope, key, operation, request_hash, request,"
                " outcome, response, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    record.scope,
                    record.key,
                    record.operation,
                    record.request_hash,
                    raw.json(record.request),
                    record.outcome,
                    raw.json(record.response),
                    raw.time(record.created_at),
                ],
            )
        except self._integrity_error as error:
            raise DuplicateKey("idempotency") from error


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(
        self, at: datetime, actor: str | None, action: str, subject: str | None, details: Any
    ) -> None:
        self._c.execute(
            insert(audit_log),
            [{"at": at, "actor": actor, "action": action, "subject": subject, "details": details}],
        )


class SqlApiKeyStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def insert(self, record: ApiKeyRecord, created_by: str | None) -> None:
        self._c.execute(
            insert(api_keys),
            [
                {
                    "id": record.id,
                    "prefix": record.prefix,
                    "secret_hash": record.secret_hash,
                    "role": record.role.value,
                    "vendor_code": record.vendor_code,
                    "bank_code": record.bank_code,
                    "label": record.label,
                    "created_at": record.created_at,
                    "created_by": created_by,
                    "revoked_at": None,
                }
            ],
        )
        if record.markets:
            self._c.execute(
                insert(api_key_markets),
                [{"key_id": record.id, "market_code": m} for m in sorted(record.markets)],
            )

    def _records(self, rows: Sequence[Any]) -> list[ApiKeyRecord]:
        ids = [r.id for r in rows]
        bound: dict[str, set[str]] = {i: set() for i in ids}
        if ids:
            for link in self._c.execute(
                select(api_key_markets).where(api_key_markets.c.key_id.in_(ids))
            ):
                bound[link.key_id].add(link.market_code)
        return [
            ApiKeyRecord(
                id=r.id,
                prefix=r.prefix,
                secret_hash=r.secret_hash,
                role=Role(r.role),
                markets=frozenset(bound[r.id]),
                vendor_code=r.vendor_code,
                bank_code=r.bank_code,
                label=r.label,
                created_at=r.created_at,
                revoked_at=r.revoked_at,
            )
            for r in rows
        ]

    def by_prefix(self, prefix: str) -> ApiKeyRecord | None:
        rows = self._c.execute(select(api_keys).where(api_keys.c.prefix == prefix)).all()
        found = self._records(rows)
        return found[0] if found else None

    def revoke(self, key_id: str, at: datetime) -> bool:
        done = self._c.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return done.rowcount == 1

    def list(self) -> list[ApiKeyRecord]:
        return self._records(
            self._c.execute(select(api_keys).order_by(api_keys.c.created_at)).all()
        )

    def count_active(self, role: Role) -> int:
        return int(
            self._c.scalar(
                select(func.count()).where(
                    api_keys.c.role == role.value, api_keys.c.revoked_at.is_(None)
                )
            )
            or 0
        )


class SqlMarketStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def upsert(self, market: MarketRecord, now: datetime) -> bool:
        values = {
            "name": market.name,
            "kecamatan": market.kecamatan,
            "kelas": market.kelas,
            "specialty": market.specialty,
            "stalls_estimate": market.stalls_estimate,
            "source": market.source,
            "confidence": market.confidence,
        }
        done = self._c.execute(
            update(markets).where(markets.c.code == market.code).values(**values)
        )
        if done.rowcount:
            return False
        self._c.execute(
            insert_ignore(self._c, markets, ["code"]),
            [{"code": market.code, "created_at": now, **values}],
        )
        return True

    @staticmethod
    def _record(row: Any) -> MarketRecord:
        return MarketRecord(
            code=row.code,
            name=row.name,
            kecamatan=row.kecamatan,
            kelas=row.kelas,
            specialty=row.specialty,
            stalls_estimate=row.stalls_estimate,
            source=row.source,
            confidence=row.confidence,
        )

    def get(self, code: str) -> MarketRecord | None:
        row = self._c.execute(select(markets).where(markets.c.code == code)).first()
        return self._record(row) if row else None

    def list(self, codes: frozenset[str] | None) -> list[MarketRecord]:
        stmt = select(markets).order_by(markets.c.code)
        if codes is not None:
            stmt = stmt.where(markets.c.code.in_(sorted(codes)))
        return [self._record(r) for r in self._c.execute(stmt)]

    def existing_codes(self, codes: Sequence[str]) -> set[str]:
        return set(self._c.scalars(select(markets.c.code).where(markets.c.code.in_(list(codes)))))
