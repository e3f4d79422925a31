"""Reading bills (vendors their own, managers their markets, finance all) and what they owe."""

from __future__ import annotations

from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound
from pasar_pay.domain.money import format_rupiah
from pasar_pay.services.ports import BillRecord, BillsFilter, UnitOfWork, UnitOfWorkFactory


def bill_view(bill: BillRecord, movements: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": bill.id,
        "stall": bill.stall_code,
        "vendor": bill.vendor_code,
        "market": bill.market_code,
        "cadence": bill.cadence,
        "period_start": bill.period_start.isoformat(),
        "period_end": bill.period_end.isoformat(),
        "due_date": bill.due_date.isoformat(),
        "amount": bill.amount,
        "owed": bill.owed,
        "amount_display": format_rupiah(bill.amount),
        "status": "paid"
        if bill.owed <= 0
        else ("partly_paid" if bill.owed < bill.amount else "open"),
        "to_verify": bill.to_verify,
    }
    if movements is not None:
        view["computation"] = bill.computation
        view["movements"] = [
            {
                "kind": m["kind"],
                "amount": int(m["amount"]),
                "entry_id": m["entry_id"],
                "note": m["note"],
                "at": m["at"].isoformat(),
                "as_of": m["as_of"].isoformat() if m["as_of"] else None,
            }
            for m in movements
        ]
    return view


def bills_scope(caller: Principal, vendor: str | None, market: str | None) -> BillsFilter:
    if caller.role is Role.VENDOR:
        return BillsFilter(
            vendor=caller.vendor_code, markets=frozenset({market}) if market else None
        )
    caller.require_role(Role.FINANCE, Role.MANAGER, Role.COLLECTOR)
    if market is not None:
        caller.require_market(market)
        return BillsFilter(vendor=vendor, markets=frozenset({market}))
    return BillsFilter(vendor=vendor, markets=None if caller.city_wide else caller.markets)


def visible_bill(uow: UnitOfWork, caller: Principal, bill_id: str) -> BillRecord:
    found = uow.billing.bills(BillsFilter(ids=frozenset({bill_id})), None, 1)
    bill = found[0] if found else None
    if bill is None:
        raise NotFound("bill not found", code="bill_not_found")
    if caller.role is Role.VENDOR:
        if bill.vendor_code != caller.vendor_code:
            raise NotFound("bill not found", code="bill_not_found")
    elif not caller.sees_market(bill.market_code):
        raise NotFound("bill not found", code="bill_not_found")
    return bill


class BillReader:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def bills(
        self,
        caller: Principal,
        *,
        vendor: str | None,
        market: str | None,
        open_only: bool,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        base = bills_scope(caller, vendor, market)
        flt = BillsFilter(vendor=base.vendor, markets=base.markets, open_only=open_only)
        with self._uow() as uow:
            found = uow.billing.bills(flt, cursor, limit + 1)
        more = len(found) > limit
        return [bill_view(b) for b in found[:limit]], found[limit - 1].id if more else None

    def bill(self, caller: Principal, bill_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            bill = visible_bill(uow, caller, bill_id)
            return bill_view(bill, uow.billing.movements(bill.id))
