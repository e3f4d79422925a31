"""Objections to bills and their resolution."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from pasar_pay.adapters.db.tables import objections


class SqlObjectionStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    def add(self, row: dict[str, Any]) -> None:
        self._c.execute(insert(objections), [row])

    def get(self, objection_id: str, lock: bool = False) -> dict[str, Any] | None:
        stmt = select(objections).where(objections.c.id == objection_id)
        if lock and self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return dict(row._mapping) if row else None

    def for_bill(self, bill_id: str) -> list[dict[str, Any]]:
        stmt = select(objections).where(objections.c.bill_id == bill_id)
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def resolve(
        self,
        objection_id: str,
        status: str,
        resolution: str,
        by: str,
        at: datetime,
        entry_id: str | None,
    ) -> None:
        self._c.execute(
            update(objections)
            .where(objections.c.id == objection_id)
            .values(
                status=status,
                resolution=resolution,
                resolved_by=by,
                resolved_at=at,
                entry_id=entry_id,
            )
        )
