"""Registry use cases: markets, stalls, vendors; scoped to what the caller may manage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import MarketSpec, StallSpec, StallStatus, VendorSpec
from pasar_pay.services.ports import (
    Clock,
    MarketRecord,
    StallFilter,
    UnitOfWork,
    UnitOfWorkFactory,
)

BANKS = ("BNI", "BANKJATENG")
DEMO_SHP_START = date(2026, 1, 1)


def stall_view(stall: StallSpec) -> dict[str, Any]:
    return {
        "code": stall.code,
        "market": stall.market_code,
        "block": stall.block,
        "number": stall.number,
        "type": stall.stall_type,
        "area_m2": f"{stall.area_cm2 // 10_000}.{stall.area_cm2 % 10_000:04d}".rstrip("0").rstrip(
            "."
        ),
        "area_cm2": stall.area_cm2,
        "status": stall.status.value,
        "electricity_meter": stall.electricity_meter,
        "synthetic": stall.synthetic,
    }


@dataclass(frozen=True, slots=True)
class StallPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


class RegistryService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- markets ------------------------------------------------------------------------------
    def add_market(self, caller: Principal, spec: MarketSpec) -> None:
        caller.require_role(Role.FINANCE)
        with self._uow() as uow:
            if uow.markets.get(spec.code) is not None:
                raise Conflict("a market with that code exists", code="market_exists")
            self._save_market(uow, spec)
            uow.commit()

    def edit_market(self, caller: Principal, spec: MarketSpec) -> None:
        caller.require_role(Role.FINANCE)
        with self._uow() as uow:
            if uow.markets.get(spec.code) is None:
                raise NotFound("market not found", code="market_not_found")
            self._save_market(uow, spec)
            uow.commit()

    def _save_market(self, uow: UnitOfWork, spec: MarketSpec) -> None:
        now = self._clock()
        record = MarketRecord(
            code=spec.code,
            name=spec.name,
            kecamatan=spec.kecamatan,
            kelas=spec.kelas,
            source="registry",
            confidence="entered",
        )
        uow.markets.upsert(record, now)
        uow.registry.save_profile(spec.code, spec.cashless_since, spec.channels, now)
        uow.ledger.open_accounts(chart.market_accounts(spec.code, list(BANKS)), now)
        uow.ledger.lock_chain(spec.code)
        uow.audit.append(now, None, "market.save", spec.code, {"name": spec.name})

    def market_profile(self, caller: Principal, code: str) -> dict[str, Any]:
        if caller.role in (Role.MANAGER, Role.COLLECTOR):
            caller.require_market(code)
        with self._uow() as uow:
            if uow.markets.get(code) is None:
                raise NotFound("market not found", code="market_not_found")
            since, channels = uow.registry.profile(code)
        return {"cashless_since": since.isoformat() if since else None, "channels": channels}

    # -- stalls -------------------------------------------------------------------------------
    def add_stall(self, caller: Principal, spec: StallSpec) -> dict[str, Any]:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        caller.require_market(spec.market_code)
        with self._uow() as uow:
            if uow.markets.get(spec.market_code) is None:
                raise ValidationFailed("unknown market", code="market_unknown")
            if uow.registry.stall(spec.code) is not None:
                raise Conflict("a stall with that code exists", code="stall_exists")
            uow.registry.add_stalls([spec], self._clock())
            uow.commit()
        return stall_view(spec)

    def set_stall_status(self, caller: Principal, code: str, status: StallStatus) -> None:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        with self._uow() as uow:
            stall = self._visible_stall(uow, caller, code)
            uow.registry.set_stall_status(stall.code, status)
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "stall.status",
                code,
                {"from": stall.status.value, "to": status.value},
            )
            uow.commit()

    def stall(self, caller: Principal, code: str) -> dict[str, Any]:
        with self._uow() as uow:
            stall = self._visible_stall(uow, caller, code)
            holder = uow.registry.active_placement(code)
        view = stall_view(stall)
        view["holder"] = holder.vendor_code if holder else None
        return view

    def stalls(
        self,
        caller: Principal,
        market: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> StallPage:
        flt = self._stall_scope(caller, market, status)
        with self._uow() as uow:
            found = uow.registry.list_stalls(flt, cursor, limit + 1)
        more = len(found) > limit
        return StallPage(
            [stall_view(s) for s in found[:limit]], found[limit - 1].code if more else None
        )

    @staticmethod
    def _stall_scope(caller: Principal, market: str | None, status: str | None) -> StallFilter:
        if caller.role is Role.VENDOR:
            return StallFilter(vendor=caller.vendor_code, market=market, status=status)
        caller.require_role(Role.FINANCE, Role.MANAGER, Role.COLLECTOR)
        if market is not None:
            caller.require_market(market)
        return StallFilter(
            markets=None if caller.city_wide else caller.markets, market=market, status=status
        )

    def _visible_stall(self, uow: UnitOfWork, caller: Principal, code: str) -> StallSpec:
        stall = uow.registry.stall(code)
        if stall is None:
            raise NotFound("stall not found", code="stall_not_found")
        if caller.role is Role.VENDOR:
            holder = uow.registry.active_placement(code)
            if holder is None or holder.vendor_code != caller.vendor_code:
                raise NotFound("stall not found", code="stall_not_found")
        elif not caller.sees_market(stall.market_code):
            raise NotFound("stall not found", code="stall_not_found")
        return stall

    # -- vendors ------------------------------------------------------------------------------
    def add_vendor(self, caller: Principal, spec: VendorSpec) -> None:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        with self._uow() as uow:
            if uow.registry.vendor(spec.code) is not None:
                raise Conflict("a vendor with that code exists", code="vendor_exists")
            now = self._clock()
            uow.registry.add_vendors([spec], now)
            uow.ledger.open_accounts(chart.vendor_accounts(spec.code, []), now)
            uow.commit()

    def vendor(self, caller: Principal, code: str) -> dict[str, Any]:
        with self._uow() as uow:
            vendor = uow.registry.vendor(code)
            markets = uow.registry.vendor_markets(code) if vendor else set()
        visible = vendor is not None and (
            caller.city_wide
            or (caller.role is Role.VENDOR and caller.vendor_code == code)
            or (caller.role in (Role.MANAGER, Role.COLLECTOR) and bool(markets & caller.markets))
        )
        if not visible or vendor is None:
            raise NotFound("vendor not found", code="vendor_not_found")
        return {
            "code": vendor.code,
            "name": vendor.name,
            "phone": vendor.phone,
            "trader_card": vendor.trader_card,
            "cadence": vendor.cadence.value,
            "markets": sorted(markets),
            "synthetic": vendor.synthetic,
        }

    # -- synthetic demo data ------------------------------------------------------------------
    def load_demo(self, demo: DemoRegistry, batch: int = 2000) -> tuple[int, int]:
        """Insert the generated SYNTHETIC registry (idempotent: existing codes are skipped)."""
        stalls_by_code = {s.code: s for s in demo.stalls}
        markets_of: dict[str, set[str]] = {}
        for stall_code, vendor_code in demo.holdings:
            markets_of.setdefault(vendor_code, set()).add(stalls_by_code[stall_code].market_code)
        created_stalls = created_vendors = 0
        for start in range(0, max(len(demo.stalls), len(demo.vendors)), batch):
            with self._uow() as uow:
                now = self._clock()
                created_stalls += uow.registry.add_stalls(demo.stalls[start : start + batch], now)
                vendors = demo.vendors[start : start + batch]
                created_vendors += uow.registry.add_vendors(vendors, now)
                specs = [
                    spec
                    for v in vendors
                    for spec in chart.vendor_accounts(v.code, sorted(markets_of[v.code]))
                ]
                uow.ledger.open_accounts(specs, now)
                uow.commit()
        rows = [
            {
                "id": f"SHP-{stall}",
                "stall_code": stall,
                "vendor_code": vendor,
                "status": "active",
                "valid_from": DEMO_SHP_START,
                "valid_to": None,
                "updated_at": self._clock(),
            }
            for stall, vendor in demo.holdings
        ]
        for start in range(0, len(rows), batch):
            with self._uow() as uow:
                uow.registry.bulk_placements(rows[start : start + batch])
                uow.commit()
        return created_stalls, created_vendors

    def markets_for_demo(self) -> Sequence[MarketRecord]:
        with self._uow() as uow:
            return uow.markets.list(None)
