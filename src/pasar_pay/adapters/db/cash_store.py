"""Cash receipts from collectors and their deposits (setoran) with STS numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from pasar_pay.adapters.db.tables import cash_receipts, deposits


class SqlCashStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    def receipt(self, receipt_id: str) -> dict[str, Any] | None:
        row = self._c.execute(select(cash_receipts).where(cash_receipts.c.id == receipt_id)).first()
        return dict(row._mapping) if row else None

    def add_receipt(self, row: dict[str, Any]) -> None:
        self._c.execute(insert(cash_receipts), [row])

    def undeposited(self, collector: str) -> list[dict[str, Any]]:
        stmt = (
            select(cash_receipts)
            .where(cash_receipts.c.collector == collector, cash_receipts.c.deposit_id.is_(None))
            .order_by(cash_receipts.c.collected_at)
        )
        if self._postgres:
            stmt = stmt.with_for_update()
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def add_deposit(self, deposit: dict[str, Any], receipt_ids: Sequence[str]) -> None:
        self._c.execute(insert(deposits), [deposit])
        self._c.execute(
            update(cash_receipts)
            .where(cash_receipts.c.id.in_(list(receipt_ids)))
            .values(deposit_id=deposit["id"])
        )

    def deposit(self, deposit_id: str, lock: bool = False) -> dict[str, Any] | None:
        stmt = select(deposits).where(deposits.c.id == deposit_id)
        if lock and self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return dict(row._mapping) if row else None

    def verify_deposit(
        self, deposit_id: str, sts: str, by: str, at: datetime, entry_id: str
    ) -> None:
        self._c.execute(
            update(deposits)
            .where(deposits.c.id == deposit_id)
            .values(
                status="verified", sts_number=sts, verified_by=by, verified_at=at, entry_id=entry_id
            )
        )

    def deposits(self, markets: frozenset[str] | None, status: str | None) -> list[dict[str, Any]]:
        stmt = select(deposits).order_by(deposits.c.submitted_at)
        if markets is not None:
            stmt = stmt.where(deposits.c.market_code.in_(sorted(markets)))
        if status:
            stmt = stmt.where(deposits.c.status == status)
        return [dict(r._mapping) for r in self._c.execute(stmt)]
