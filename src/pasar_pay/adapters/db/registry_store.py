"""Registry storage: market profiles, stalls, vendors, placement rights and their history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from pasar_pay.adapters.db.tables import (
    market_profiles,
    placement_events,
    placements,
    stalls,
    vendors,
)
from pasar_pay.adapters.db.upsert import insert_ignore, insert_ignore_count
from pasar_pay.domain.registry.model import Cadence, StallSpec, StallStatus, VendorSpec
from pasar_pay.services.ports import PlacementFilter, PlacementRecord, StallFilter

_S = stalls.c
_P = placements.c


def _stall(row: Any) -> StallSpec:
    return StallSpec(
        code=row.code,
        market_code=row.market_code,
        block=row.block,
        number=row.number,
        stall_type=row.stall_type,
        area_cm2=row.area_cm2,
        status=StallStatus(row.status),
        electricity_meter=row.electricity_meter,
        synthetic=row.synthetic,
    )


def _vendor(row: Any) -> VendorSpec:
    return VendorSpec(
        code=row.code,
        name=row.name,
        phone=row.phone,
        trader_card=row.trader_card,
        cadence=Cadence(row.cadence),
        synthetic=row.synthetic,
    )


class SqlRegistryStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # -- market profiles ----------------------------------------------------------------------
    def save_profile(
        self, market: str, cashless_since: date | None, channels: Sequence[str], now: datetime
    ) -> None:
        values = {"cashless_since": cashless_since, "channels": list(channels), "updated_at": now}
        done = self._c.execute(
            update(market_profiles).where(market_profiles.c.market_code == market).values(**values)
        )
        if done.rowcount == 0:
            self._c.execute(insert(market_profiles), [{"market_code": market, **values}])

    def profile(self, market: str) -> tuple[date | None, list[str]]:
        row = self._c.execute(
            select(market_profiles).where(market_profiles.c.market_code == market)
        ).first()
        return (row.cashless_since, list(row.channels)) if row else (None, [])

    # -- stalls and vendors -------------------------------------------------------------------
    def add_stalls(self, specs: Sequence[StallSpec], now: datetime) -> int:
        if not specs:
            return 0
        rows = [
            {
                "code": s.code,
                "market_code": s.market_code,
                "block": s.block,
                "number": s.number,
                "stall_type": s.stall_type,
                "area_cm2": s.area_cm2,
                "status": s.status.value,
                "electricity_meter": s.electricity_meter,
                "synthetic": s.synthetic,
                "created_at": now,
            }
            for s in specs
        ]
        return insert_ignore_count(self._c, stalls, ["code"], rows)

    def stall(self, code: str) -> StallSpec | None:
        row = self._c.execute(select(stalls).where(_S.code == code)).first()
        return _stall(row) if row else None

    def set_stall_status(self, code: str, status: StallStatus) -> None:
        self._c.execute(update(stalls).where(_S.code == code).values(status=status.value))

    def list_stalls(self, flt: StallFilter, after: str | None, limit: int) -> list[StallSpec]:
        stmt = select(stalls).order_by(_S.code).limit(limit)
        if flt.markets is not None:
            stmt = stmt.where(_S.market_code.in_(sorted(flt.markets)))
        if flt.market:
            stmt = stmt.where(_S.market_code == flt.market)
        if flt.status:
            stmt = stmt.where(_S.status == flt.status)
        if flt.vendor:
            held = select(_P.stall_code).where(_P.vendor_code == flt.vendor, _P.status == "active")
            stmt = stmt.where(_S.code.in_(held))
        if after:
            stmt = stmt.where(_S.code > after)
        return [_stall(r) for r in self._c.execute(stmt)]

    def add_vendors(self, specs: Sequence[VendorSpec], now: datetime) -> int:
        if not specs:
            return 0
        rows = [
            {
                "code": v.code,
                "name": v.name,
                "phone": v.phone,
                "trader_card": v.trader_card,
                "cadence": v.cadence.value,
                "netting_opt_in": False,
                "synthetic": v.synthetic,
                "created_at": now,
            }
            for v in specs
        ]
        return insert_ignore_count(self._c, vendors, ["code"], rows)

    def vendor(self, code: str) -> VendorSpec | None:
        row = self._c.execute(select(vendors).where(vendors.c.code == code)).first()
        return _vendor(row) if row else None

    def vendor_markets(self, code: str) -> set[str]:
        stmt = (
            select(_S.market_code)
            .join(placements, _P.stall_code == _S.code)
            .where(_P.vendor_code == code)
            .distinct()
        )
        return set(self._c.scalars(stmt))

    # -- placement rights (SHP) ---------------------------------------------------------------
    def placement(self, placement_id: str) -> PlacementRecord | None:
        row = self._c.execute(select(placements).where(_P.id == placement_id)).first()
        return self._placement(row) if row else None

    def active_placement(self, stall: str) -> PlacementRecord | None:
        row = self._c.execute(
            select(placements).where(and_(_P.stall_code == stall, _P.status == "active"))
        ).first()
        return self._placement(row) if row else None

    @staticmethod
    def _placement(row: Any) -> PlacementRecord:
        return PlacementRecord(
            id=row.id,
            stall_code=row.stall_code,
            vendor_code=row.vendor_code,
            status=row.status,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )

    def save_placements(self, records: Sequence[PlacementRecord], now: datetime) -> None:
        for record in records:
            values = {
                "stall_code": record.stall_code,
                "vendor_code": record.vendor_code,
                "status": record.status,
                "valid_from": record.valid_from,
                "valid_to": record.valid_to,
                "updated_at": now,
            }
            done = self._c.execute(update(placements).where(_P.id == record.id).values(**values))
            if done.rowcount == 0:
                self._c.execute(insert(placements), [{"id": record.id, **values}])

    def add_placement_events(self, events: Sequence[dict[str, Any]]) -> None:
        if events:
            self._c.execute(insert(placement_events), list(events))

    def placement_history(self, placement_id: str) -> list[dict[str, Any]]:
        stmt = (
            select(placement_events)
            .where(placement_events.c.placement_id == placement_id)
            .order_by(placement_events.c.id)
        )
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def bulk_placements(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._c.execute(insert_ignore(self._c, placements, ["id"]), list(rows))

    # -- placement lifecycle: row locks serialise changes to one stall or one SHP ------------
    def lock_stall(self, code: str) -> StallSpec | None:
        stmt = select(stalls).where(_S.code == code)
        if self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return _stall(row) if row else None

    def lock_placement(self, placement_id: str) -> PlacementRecord | None:
        stmt = select(placements).where(_P.id == placement_id)
        if self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return self._placement(row) if row else None

    def list_placements(
        self, flt: PlacementFilter, after: str | None, limit: int
    ) -> list[PlacementRecord]:
        stmt = select(placements).order_by(_P.id).limit(limit)
        if flt.markets is not None or flt.market:
            in_market = select(_S.code)
            if flt.markets is not None:
                in_market = in_market.where(_S.market_code.in_(sorted(flt.markets)))
            if flt.market:
                in_market = in_market.where(_S.market_code == flt.market)
            stmt = stmt.where(_P.stall_code.in_(in_market))
        if flt.vendor:
            stmt = stmt.where(_P.vendor_code == flt.vendor)
        if flt.stall:
            stmt = stmt.where(_P.stall_code == flt.stall)
        if flt.status:
            stmt = stmt.where(_P.status == flt.status)
        if after:
            stmt = stmt.where(_P.id > after)
        return [self._placement(r) for r in self._c.execute(stmt)]
