"""Report queries: aggregates computed in the database, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, distinct, func, literal, select

from pasar_pay.adapters.db.tables import (
    bill_movements,
    bills,
    ledger_accounts,
    ledger_entries,
    ledger_postings,
    placements,
    stalls,
)
from pasar_pay.services.ports import AgingRow, CollectionRow

_B = bills.c
_E = ledger_entries.c
_A = ledger_accounts.c
_P = ledger_postings.c
_S = stalls.c
_PL = placements.c
# Accounts that money comes in through; a payment entry debits one of them.
MONEY_IN_KINDS = ("bank_clearing", "collector_cash")
JAKARTA_OFFSET = timedelta(hours=7)  # WIB has no daylight saving


class SqlReportStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # -- arrears aging ------------------------------------------------------------------------
    def aging(
        self,
        markets: frozenset[str] | None,
        buckets: Sequence[tuple[str, date | None, date | None]],
        by_vendor: bool,
    ) -> list[AgingRow]:
        moved = (
            select(bill_movements.c.bill_id, func.sum(bill_movements.c.amount).label("moved"))
            .group_by(bill_movements.c.bill_id)
            .subquery()
        )
        owed = _B.amount + func.coalesce(moved.c.moved, 0)
        whens = []
        for label, due_from, due_to in buckets:
            conditions = []
            if due_from is not None:
                conditions.append(_B.due_date >= due_from)
            if due_to is not None:
                conditions.append(_B.due_date <= due_to)
            whens.append((and_(*conditions) if conditions else literal(True), label))
        bucket = case(*whens, else_="unbucketed").label("bucket")
        inner = (
            select(
                _B.market_code.label("market"),
                _B.vendor_code.label("vendor"),
                bucket,
                owed.label("owed"),
            )
            .outerjoin(moved, moved.c.bill_id == _B.id)
            .where(owed > 0)
        )
        if markets is not None:
            inner = inner.where(_B.market_code.in_(sorted(markets)))
        sub = inner.subquery()
        keys: list[Any] = [sub.c.market, sub.c.bucket]
        if by_vendor:
            keys.insert(1, sub.c.vendor)
        stmt = (
            select(*keys, func.sum(sub.c.owed).label("owed"), func.count().label("bills"))
            .group_by(*keys)
            .order_by(*keys)
        )
        return [
            AgingRow(
                market=r.market,
                vendor=r.vendor if by_vendor else None,
                bucket=r.bucket,
                owed=int(r.owed),
                bills=int(r.bills),
            )
            for r in self._c.execute(stmt)
        ]

    # -- collection ---------------------------------------------------------------------------
    def _jakarta_day(self) -> Any:
        if self._postgres:
            return func.date(func.timezone("Asia/Jakarta", _E.effective_at))
        return func.date(_E.effective_at, "+7 hours")  # stored as naive UTC text

    def _channel(self) -> Any:
        return ledger_entries.c["metadata"]["channel"].as_string()

    def _money_in(self, markets: frozenset[str] | None, start: datetime, end: datetime) -> Any:
        stmt = (
            select()
            .select_from(ledger_postings)
            .join(ledger_entries, _E.id == _P.entry_id)
            .join(ledger_accounts, _A.id == _P.account_id)
            .where(
                _P.side == "debit",
                _A.kind.in_(MONEY_IN_KINDS),
                _E.effective_at >= start,
                _E.effective_at < end,
                self._channel().is_not(None),
            )
        )
        if markets is not None:
            stmt = stmt.where(_A.market_code.in_(sorted(markets)))
        return stmt

    def collections(
        self, markets: frozenset[str] | None, start: datetime, end: datetime
    ) -> list[CollectionRow]:
        day = self._jakarta_day().label("day")
        channel = self._channel().label("channel")
        stmt = (
            self._money_in(markets, start, end)
            .add_columns(
                _A.market_code.label("market"),
                day,
                channel,
                func.sum(_P.amount).label("amount"),
                func.count(distinct(_E.id)).label("payments"),
            )
            .group_by(_A.market_code, day, channel)
            .order_by(_A.market_code, day, channel)
        )
        return [
            CollectionRow(
                market=r.market,
                day=r.day if isinstance(r.day, date) else date.fromisoformat(r.day),
                channel=r.channel,
                amount=int(r.amount),
                payments=int(r.payments),
            )
            for r in self._c.execute(stmt)
        ]

    def paying_vendors(
        self, markets: frozenset[str] | None, start: datetime, end: datetime
    ) -> dict[str, tuple[int, int]]:
        vendor = ledger_entries.c["metadata"]["vendor"].as_string()
        cashless = case((self._channel() != "cash", vendor), else_=None)
        stmt = (
            self._money_in(markets, start, end)
            .add_columns(
                _A.market_code.label("market"),
                func.count(distinct(vendor)).label("paying"),
                func.count(distinct(cashless)).label("cashless"),
            )
            .group_by(_A.market_code)
        )
        return {r.market: (int(r.paying), int(r.cashless)) for r in self._c.execute(stmt)}

    # -- occupancy ----------------------------------------------------------------------------
    def stall_statuses(self, markets: frozenset[str] | None) -> dict[tuple[str, str], int]:
        stmt = select(_S.market_code, _S.status, func.count()).group_by(_S.market_code, _S.status)
        if markets is not None:
            stmt = stmt.where(_S.market_code.in_(sorted(markets)))
        return {(m, s): int(n) for m, s, n in self._c.execute(stmt)}

    def placement_validity(
        self, markets: frozenset[str] | None, as_of: date, horizon: date
    ) -> dict[str, tuple[int, int, int]]:
        expiring = case((and_(_PL.valid_to >= as_of, _PL.valid_to <= horizon), 1), else_=0)
        expired = case((_PL.valid_to < as_of, 1), else_=0)
        stmt = (
            select(
                _S.market_code,
                func.count(),
                func.sum(expiring),
                func.sum(expired),
            )
            .select_from(placements)
            .join(stalls, _S.code == _PL.stall_code)
            .where(_PL.status == "active")
            .group_by(_S.market_code)
        )
        if markets is not None:
            stmt = stmt.where(_S.market_code.in_(sorted(markets)))
        return {
            m: (int(held), int(soon or 0), int(gone or 0))
            for m, held, soon, gone in self._c.execute(stmt)
        }
