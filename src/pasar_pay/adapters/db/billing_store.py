"""Billing storage: tariffs, bills and what each still owes, runs, outages, dunning."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from pasar_pay.adapters.db.tables import (
    bill_movements,
    billing_runs,
    bills,
    channel_outages,
    days_off,
    dunning_states,
    markets,
    placements,
    stalls,
    tariffs,
    vendors,
)
from pasar_pay.adapters.db.upsert import insert_ignore, insert_ignore_count
from pasar_pay.domain.billing.days_off import DayOff
from pasar_pay.domain.billing.outages import Outage
from pasar_pay.domain.billing.tariffs import MarketClass, StallType, TariffVersion
from pasar_pay.services.ports import Billable, BillRecord, BillRow, BillsFilter

_B = bills.c
_M = bill_movements.c


class SqlBillingStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # -- tariffs ------------------------------------------------------------------------------
    def tariff_versions(self) -> list[TariffVersion]:
        rows = self._c.execute(select(tariffs).order_by(tariffs.c.valid_from, tariffs.c.id))
        return [
            TariffVersion(
                market_class=MarketClass(r.market_class),
                stall_type=StallType(r.stall_type),
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                legal_basis=r.legal_basis,
                service_per_m2_day=r.service_per_m2_day,
                cleaning_per_m2_day=r.cleaning_per_m2_day,
                fixed_per_month=r.fixed_per_month,
                electricity_per_kwh=r.electricity_per_kwh,
                to_verify=r.to_verify,
                note=r.note,
            )
            for r in rows
        ]

    def add_tariffs(self, versions: Sequence[TariffVersion], now: datetime) -> int:
        rows = [
            {
                "market_class": v.market_class.value,
                "stall_type": v.stall_type.value,
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "legal_basis": v.legal_basis,
                "service_per_m2_day": v.service_per_m2_day,
                "cleaning_per_m2_day": v.cleaning_per_m2_day,
                "fixed_per_month": v.fixed_per_month,
                "electricity_per_kwh": v.electricity_per_kwh,
                "to_verify": v.to_verify,
                "note": v.note,
                "created_at": now,
            }
            for v in versions
        ]
        if not rows:
            return 0
        return insert_ignore_count(
            self._c, tariffs, ["market_class", "stall_type", "valid_from"], rows
        )

    # -- billing runs -------------------------------------------------------------------------
    def billable(self, market_codes: Sequence[str] | None) -> list[Billable]:
        """Stalls with an active placement: who is billed for what."""
        stmt = (
            select(
                stalls.c.code,
                stalls.c.market_code,
                stalls.c.stall_type,
                stalls.c.area_cm2,
                stalls.c.status,
                markets.c.kelas,
                placements.c.vendor_code,
                vendors.c.cadence,
                placements.c.valid_from,
            )
            .join(
                placements,
                and_(placements.c.stall_code == stalls.c.code, placements.c.status == "active"),
            )
            .join(markets, markets.c.code == stalls.c.market_code)
            .join(vendors, vendors.c.code == placements.c.vendor_code)
            .order_by(stalls.c.code)
        )
        if market_codes is not None:
            stmt = stmt.where(stalls.c.market_code.in_(list(market_codes)))
        return [
            Billable(
                stall_code=r.code,
                market_code=r.market_code,
                stall_type=r.stall_type,
                area_cm2=r.area_cm2,
                status=r.status,
                kelas=r.kelas,
                vendor_code=r.vendor_code,
                cadence=r.cadence,
                held_from=r.valid_from,
            )
            for r in self._c.execute(stmt)
        ]

    def insert_bills(self, rows: Sequence[BillRow], now: datetime) -> set[str]:
        """Insert bills that do not exist yet for (stall, period start); return the new ids."""
        if not rows:
            return set()
        if self._postgres:
            return self._insert_bills_pg(rows, now)
        values = [
            {
                "id": r.id,
                "stall_code": r.stall_code,
                "vendor_code": r.vendor_code,
                "market_code": r.market_code,
                "cadence": r.cadence,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "due_date": r.due_date,
                "amount": r.amount,
                "computation": r.computation,
                "to_verify": r.to_verify,
                "run_id": r.run_id,
                "created_at": now,
            }
            for r in rows
        ]
        stmt = insert_ignore(self._c, bills, ["stall_code", "period_start"]).returning(_B.id)
        # SQLAlchemy batches the rows (insertmanyvalues); RETURNING lists only new bills.
        return set(self._c.scalars(stmt, values))

    def _insert_bills_pg(self, rows: Sequence[BillRow], now: datetime) -> set[str]:
        """One statement over column arrays: constant text (prepared once), no per-row SQL."""
        sql = (
            "INSERT INTO bills (id, stall_code, vendor_code, market_code, cadence, period_start,"
            " period_end, due_date, amount, computation, to_verify, run_id, created_at)"
            " SELECT i, s, v, m, c, ps, pe, dd, a, j::jsonb, tv, r, %b FROM unnest(%b::text[],"
            " %b::text[], %b::text[], %b::text[], %b::text[], %b::date[], %b::date[],"
            " %b::date[], %b::bigint[], %b::text[], %b::boolean[], %b::text[])"
            " AS t(i, s, v, m, c, ps, pe, dd, a, j, tv, r)"
            " ON CONFLICT (stall_code, period_start) DO NOTHING RETURNING id"
        )
        # Stalls of one class and area share a computation: serialise each object once.
        shown: dict[int, str] = {}
        for r in rows:
            shown.setdefault(id(r.computation), json.dumps(r.computation))
        columns = [
            [r.id for r in rows],
            [r.stall_code for r in rows],
            [r.vendor_code for r in rows],
            [r.market_code for r in rows],
            [r.cadence for r in rows],
            [r.period_start for r in rows],
            [r.period_end for r in rows],
            [r.due_date for r in rows],
            [r.amount for r in rows],
            [shown[id(r.computation)] for r in rows],
            [r.to_verify for r in rows],
            [r.run_id for r in rows],
        ]
        cursor = self._c.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            # %b: binary parameters, so arrays of JSON text go as bytes, not regex-escaped.
            cursor.execute(sql, [now, *columns])
            return {row[0] for row in cursor.fetchall()}
        finally:
            cursor.close()

    def record_run(
        self,
        run_id: str,
        first: date,
        last: date,
        cadence: str,
        by: str | None,
        created: int,
        amount: int,
        now: datetime,
    ) -> None:
        self._c.execute(
            insert(billing_runs),
            [
                {
                    "id": run_id,
                    "period_start": first,
                    "period_end": last,
                    "cadence": cadence,
                    "requested_by": by,
                    "started_at": now,
                    "bills_created": created,
                    "amount_created": amount,
                }
            ],
        )

    # -- what bills still owe -----------------------------------------------------------------
    @staticmethod
    def _owed() -> Any:
        # Correlated per bill (index on bill_movements.bill_id): an uncorrelated GROUP BY over
        # all movements would make every payment aggregate the whole table.
        moved = (
            select(func.coalesce(func.sum(_M.amount), 0))
            .where(_M.bill_id == _B.id)
            .scalar_subquery()
        )
        return (_B.amount + moved).label("owed")

    def bills(self, flt: BillsFilter, after: str | None, limit: int) -> list[BillRecord]:
        owed = self._owed()
        stmt = select(bills, owed).order_by(_B.due_date, _B.id).limit(limit)
        if flt.vendor:
            stmt = stmt.where(_B.vendor_code == flt.vendor)
        if flt.markets is not None:
            stmt = stmt.where(_B.market_code.in_(sorted(flt.markets)))
        if flt.stall:
            stmt = stmt.where(_B.stall_code == flt.stall)
        if flt.open_only:
            stmt = stmt.where(owed > 0)
        if flt.ids is not None:
            stmt = stmt.where(_B.id.in_(sorted(flt.ids)))
        if after:
            stmt = stmt.where(_B.id > after)
        if flt.lock and self._postgres:
            # Lock the bills being paid so two payments cannot both settle the same bill.
            stmt = stmt.with_for_update(of=bills)
        return [self._record(r) for r in self._c.execute(stmt)]

    @staticmethod
    def _record(r: Any) -> BillRecord:
        return BillRecord(
            id=r.id,
            stall_code=r.stall_code,
            vendor_code=r.vendor_code,
            market_code=r.market_code,
            cadence=r.cadence,
            period_start=r.period_start,
            period_end=r.period_end,
            due_date=r.due_date,
            amount=int(r.amount),
            owed=int(r.owed),
            computation=r.computation,
            to_verify=r.to_verify,
        )

    def movements(self, bill_id: str) -> list[dict[str, Any]]:
        stmt = select(bill_movements).where(_M.bill_id == bill_id).order_by(_M.id)
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def add_movements(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._c.execute(insert(bill_movements), list(rows))

    def penalty_months(self, bill_ids: Sequence[str]) -> dict[str, int]:
        stmt = (
            select(_M.bill_id, func.coalesce(func.sum(_M.months), 0))
            .where(_M.kind == "penalty", _M.bill_id.in_(list(bill_ids)))
            .group_by(_M.bill_id)
        )
        return {bill: int(months) for bill, months in self._c.execute(stmt)}

    def principal_paid(self, bill_ids: Sequence[str]) -> dict[str, int]:
        """What has reduced each bill (payments, credit, waivers, adjustments), as a positive."""
        stmt = (
            select(_M.bill_id, func.coalesce(func.sum(_M.amount), 0))
            .where(_M.amount < 0, _M.bill_id.in_(list(bill_ids)))
            .group_by(_M.bill_id)
        )
        return {bill: -int(total) for bill, total in self._c.execute(stmt)}

    # -- outages and dunning ------------------------------------------------------------------
    def outages(self, market: str | None) -> list[Outage]:
        stmt = select(channel_outages)
        if market is not None:
            stmt = stmt.where(
                (channel_outages.c.market_code == market) | channel_outages.c.market_code.is_(None)
            )
        return [
            Outage(first=r.first_day, last=r.last_day, channel=r.channel)
            for r in self._c.execute(stmt)
        ]

    def add_outage(
        self,
        market: str | None,
        channel: str,
        first: date,
        last: date,
        note: str,
        by: str | None,
        now: datetime,
    ) -> None:
        self._c.execute(
            insert(channel_outages),
            [
                {
                    "market_code": market,
                    "channel": channel,
                    "first_day": first,
                    "last_day": last,
                    "note": note,
                    "recorded_by": by,
                    "at": now,
                }
            ],
        )

    # -- days off (the "not trading" policy) ----------------------------------------------------
    def days_off(self, markets: Sequence[str] | None, lo: date, hi: date) -> list[DayOff]:
        d = days_off.c
        stmt = (
            select(days_off)
            .where(d.first_day <= hi, d.last_day >= lo)
            .order_by(d.market_code, d.first_day, d.id)
        )
        if markets is not None:
            stmt = stmt.where(d.market_code.in_(list(markets)))
        return [
            DayOff(r.market_code, r.stall_code, r.first_day, r.last_day, r.reason)
            for r in self._c.execute(stmt)
        ]

    def add_day_off(self, record: DayOff, by: str | None, now: datetime) -> int:
        row = self._c.execute(
            insert(days_off).returning(days_off.c.id),
            {
                "market_code": record.market_code,
                "stall_code": record.stall_code,
                "first_day": record.first,
                "last_day": record.last,
                "reason": record.reason.strip(),
                "recorded_by": by,
                "at": now,
            },
        ).scalar_one()
        return int(row)

    def dunning(self, stall: str) -> tuple[str, date] | None:
        row = self._c.execute(
            select(dunning_states).where(dunning_states.c.stall_code == stall)
        ).first()
        return (row.state, row.since) if row else None

    def save_dunning(self, stall: str, state: str, since: date, now: datetime) -> None:
        done = self._c.execute(
            update(dunning_states)
            .where(dunning_states.c.stall_code == stall)
            .values(state=state, since=since, updated_at=now)
        )
        if done.rowcount == 0:
            self._c.execute(
                insert(dunning_states),
                [{"stall_code": stall, "state": state, "since": since, "updated_at": now}],
            )
