"""Registry endpoints: markets (finance edits), stalls and vendors, scoped per caller."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.registry.model import (
    Cadence,
    MarketSpec,
    StallSpec,
    StallStatus,
    VendorSpec,
)
from pasar_pay.entrypoints.api.access import Finance, Staff, allow, container_of
from pasar_pay.entrypoints.api.schemas import Strict

router = APIRouter(tags=["registry"])

Registry = Annotated[
    Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.COLLECTOR, Role.VENDOR))
]
Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]+$")]


class MarketIn(Strict):
    code: Code
    name: Annotated[str, Field(min_length=3, max_length=200)]
    kecamatan: str | None = None
    kelas: Literal["IA", "IB", "II", "IIB"] | None = None
    cashless_since: date | None = None
    channels: Annotated[list[str], Field(default_factory=list, max_length=10)]


class StallIn(Strict):
    code: Code
    market: Code
    block: Annotated[str, Field(min_length=1, max_length=20)]
    number: Annotated[str, Field(min_length=1, max_length=20)]
    type: Literal["kios", "los", "pelataran"]
    area_cm2: Annotated[int, Field(gt=0, le=100_000_000, strict=True)]
    electricity_meter: str | None = None


class StatusIn(Strict):
    status: Literal["active", "vacant", "damaged", "closed", "sealed"]


class VendorIn(Strict):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=120)]
    phone: Annotated[str | None, Field(max_length=20)] = None
    trader_card: Annotated[str | None, Field(max_length=40)] = None
    cadence: Literal["daily", "weekly", "monthly"] = "monthly"


class StallPageOut(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


def _market(body: MarketIn) -> MarketSpec:
    return MarketSpec(
        code=body.code,
        name=body.name,
        kecamatan=body.kecamatan,
        kelas=body.kelas,
        cashless_since=body.cashless_since,
        channels=tuple(body.channels),
    )


@router.post("/markets", status_code=201)
def add_market(request: Request, body: MarketIn, caller: Finance) -> dict[str, str]:
    container_of(request).registry.add_market(caller, _market(body))
    return {"code": body.code}


@router.put("/markets/{code}")
def edit_market(request: Request, code: str, body: MarketIn, caller: Finance) -> dict[str, str]:
    container_of(request).registry.edit_market(
        caller, _market(body.model_copy(update={"code": code}))
    )
    return {"code": code}


@router.get("/markets/{code}/profile")
def market_profile(request: Request, code: str, caller: Staff) -> dict[str, Any]:
    return container_of(request).registry.market_profile(caller, code)


@router.get("/stalls", response_model=StallPageOut)
def list_stalls(
    request: Request,
    caller: Registry,
    market: str | None = None,
    status: StallStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> StallPageOut:
    page = container_of(request).registry.stalls(
        caller, market, status.value if status else None, cursor, limit
    )
    return StallPageOut(items=page.items, next_cursor=page.next_cursor)


@router.get("/stalls/{code}")
def get_stall(request: Request, code: str, caller: Registry) -> dict[str, Any]:
    return container_of(request).registry.stall(caller, code)


@router.post("/stalls", status_code=201)
def add_stall(request: Request, body: StallIn, caller: Staff) -> dict[str, Any]:
    spec = StallSpec(
        code=body.code,
        market_code=body.market,
        block=body.block,
        number=body.number,
        stall_type=body.type,
        area_cm2=body.area_cm2,
        electricity_meter=body.electricity_meter,
    )
    return container_of(request).registry.add_stall(caller, spec)


@router.put("/stalls/{code}/status", status_code=204)
def set_stall_status(request: Request, code: str, body: StatusIn, caller: Staff) -> Response:
    container_of(request).registry.set_stall_status(caller, code, StallStatus(body.status))
    return Response(status_code=204)


@router.post("/vendors", status_code=201)
def add_vendor(request: Request, body: VendorIn, caller: Staff) -> dict[str, str]:
    spec = VendorSpec(
        code=body.code,
        name=body.name,
        phone=body.phone,
        trader_card=body.trader_card,
        cadence=Cadence(body.cadence),
    )
    container_of(request).registry.add_vendor(caller, spec)
    return {"code": body.code}


@router.get("/vendors/{code}")
def get_vendor(request: Request, code: str, caller: Registry) -> dict[str, Any]:
    return container_of(request).registry.vendor(caller, code)
