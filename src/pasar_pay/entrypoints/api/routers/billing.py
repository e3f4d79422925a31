"""Tariffs, billing runs, bills, objections, waivers, outages, penalties, dunning, cash."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.tariffs import MarketClass, StallType, TariffVersion
from pasar_pay.entrypoints.api.access import Finance, Staff, allow, container_of, only_query
from pasar_pay.entrypoints.api.schemas import Amount, Strict
from pasar_pay.services.cash import ReceiptIn

router = APIRouter(tags=["billing"])

BillReaders = Annotated[
    Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.COLLECTOR, Role.VENDOR))
]
Vendor = Annotated[Principal, Depends(allow(Role.VENDOR))]
Collector = Annotated[Principal, Depends(allow(Role.COLLECTOR))]
Reason = Annotated[str, Field(min_length=10, max_length=1000)]


class TariffIn(Strict):
    market_class: Literal["IA", "IB", "II", "IIB", "unknown"]
    stall_type: Literal["kios", "los", "pelataran"]
    valid_from: date
    valid_to: date | None = None
    legal_basis: Annotated[str, Field(min_length=3, max_length=200)]
    service_per_m2_day: Annotated[int, Field(ge=0, strict=True)]
    cleaning_per_m2_day: Annotated[int, Field(ge=0, strict=True)]
    fixed_per_month: Annotated[int, Field(ge=0, strict=True)] = 0
    electricity_per_kwh: Annotated[int, Field(ge=0, strict=True)] = 0
    to_verify: bool = False
    note: Annotated[str, Field(max_length=1000)] = ""


class RunIn(Strict):
    period_start: date
    period_end: date
    markets: list[str] | None = None


class ObjectionIn(Strict):
    reason: Reason


class ResolutionIn(Strict):
    resolution: Reason
    accept_amount: Amount | None = None


class WaiverIn(Strict):
    amount: Amount
    reason: Reason


class OutageIn(Strict):
    market: str | None = None
    channel: Annotated[str, Field(min_length=2, max_length=40)]
    first_day: date
    last_day: date
    note: Annotated[str, Field(max_length=500)] = ""


class AsOfIn(Strict):
    as_of: date
    markets: list[str] | None = None


class ReceiptBody(Strict):
    id: Annotated[str, Field(min_length=8, max_length=36, description="generated on the device")]
    receipt_no: Annotated[str, Field(min_length=3, max_length=40)]
    vendor: Annotated[str, Field(min_length=2, max_length=40)]
    amount: Amount
    collected_at: AwareDatetime


class VerifyIn(Strict):
    counted: Amount


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


def _tariff_out(v: TariffVersion) -> dict[str, Any]:
    return {
        "market_class": v.market_class.value,
        "stall_type": v.stall_type.value,
        "valid_from": v.valid_from.isoformat(),
        "valid_to": v.valid_to.isoformat() if v.valid_to else None,
        "legal_basis": v.legal_basis,
        "service_per_m2_day": v.service_per_m2_day,
        "cleaning_per_m2_day": v.cleaning_per_m2_day,
        "fixed_per_month": v.fixed_per_month,
        "electricity_per_kwh": v.electricity_per_kwh,
        "to_verify": v.to_verify,
        "note": v.note,
    }


@router.get("/tariffs")
def list_tariffs(request: Request, caller: BillReaders) -> list[dict[str, Any]]:
    return [_tariff_out(v) for v in container_of(request).billing.tariffs()]


@router.post("/tariffs", status_code=201)
def add_tariff(request: Request, body: TariffIn, caller: Finance) -> dict[str, Any]:
    version = TariffVersion(
        market_class=MarketClass(body.market_class),
        stall_type=StallType(body.stall_type),
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        legal_basis=body.legal_basis,
        service_per_m2_day=body.service_per_m2_day,
        cleaning_per_m2_day=body.cleaning_per_m2_day,
        fixed_per_month=body.fixed_per_month,
        electricity_per_kwh=body.electricity_per_kwh,
        to_verify=body.to_verify,
        note=body.note,
    )
    container_of(request).billing.add_tariff(caller, version)
    return _tariff_out(version)


@router.post("/billing/runs", status_code=201)
def run_billing(request: Request, body: RunIn, caller: Staff) -> dict[str, Any]:
    result = container_of(request).billing.run(
        caller, body.period_start, body.period_end, markets=body.markets
    )
    return {
        "run_id": result.run_id,
        "considered": result.considered,
        "created": result.created,
        "amount": result.amount,
        "skipped_inactive": result.skipped_inactive,
    }


@router.get(
    "/bills",
    response_model=Page,
    dependencies=[only_query("vendor", "market", "open_only", "cursor", "limit")],
)
def list_bills(
    request: Request,
    caller: BillReaders,
    vendor: str | None = None,
    market: str | None = None,
    open_only: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page:
    items, next_cursor = container_of(request).bills.bills(
        caller, vendor=vendor, market=market, open_only=open_only, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/bills/{bill_id}")
def get_bill(request: Request, bill_id: str, caller: BillReaders) -> dict[str, Any]:
    """The bill with how it was computed and every movement (payments, penalties, waivers)."""
    return container_of(request).bills.bill(caller, bill_id)


@router.post("/bills/{bill_id}/objections", status_code=201)
def file_objection(
    request: Request, bill_id: str, body: ObjectionIn, caller: Vendor
) -> dict[str, Any]:
    return _json(container_of(request).objections.file(caller, bill_id, body.reason))


@router.post("/objections/{objection_id}/resolution")
def resolve_objection(
    request: Request, objection_id: str, body: ResolutionIn, caller: Staff
) -> dict[str, Any]:
    return _json(
        container_of(request).objections.resolve(
            caller, objection_id, accept_amount=body.accept_amount, resolution=body.resolution
        )
    )


@router.post("/bills/{bill_id}/waivers", status_code=201)
def waive(request: Request, bill_id: str, body: WaiverIn, caller: Finance) -> dict[str, str]:
    entry = container_of(request).collections.waive(caller, bill_id, body.amount, body.reason)
    return {"entry_id": entry}


@router.post("/outages", status_code=201, response_class=Response)
def record_outage(request: Request, body: OutageIn, caller: Staff) -> Response:
    container_of(request).collections.record_outage(
        caller, body.market, body.channel, body.first_day, body.last_day, body.note
    )
    return Response(status_code=201)


@router.post("/penalties/accruals")
def accrue_penalties(request: Request, body: AsOfIn, caller: Finance) -> dict[str, int]:
    result = container_of(request).collections.accrue_penalties(
        body.as_of, frozenset(body.markets) if body.markets else None
    )
    return {"bills": result.bills, "amount": result.amount}


@router.post("/dunning/evaluations")
def evaluate_dunning(request: Request, body: AsOfIn, caller: Staff) -> dict[str, int]:
    markets = None if caller.city_wide else caller.markets
    if body.markets:
        markets = (
            frozenset(body.markets) & markets if markets is not None else frozenset(body.markets)
        )
    return container_of(request).collections.evaluate_dunning(body.as_of, markets)


@router.post("/cash/receipts", status_code=201)
def record_receipt(
    request: Request, response: Response, body: ReceiptBody, caller: Collector
) -> dict[str, Any]:
    row, replayed = container_of(request).cash.record_receipt(
        caller,
        ReceiptIn(
            id=body.id,
            receipt_no=body.receipt_no,
            vendor=body.vendor,
            amount=body.amount,
            collected_at=body.collected_at,
        ),
    )
    if replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return _json(row)


@router.post("/cash/deposits", status_code=201)
def submit_deposit(request: Request, caller: Collector) -> dict[str, Any]:
    return _json(container_of(request).cash.submit_deposit(caller))


@router.post("/cash/deposits/{deposit_id}/verification")
def verify_deposit(
    request: Request, deposit_id: str, body: VerifyIn, caller: Finance
) -> dict[str, Any]:
    return _json(container_of(request).cash.verify_deposit(caller, deposit_id, body.counted))


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime | date) else v for k, v in row.items()}
