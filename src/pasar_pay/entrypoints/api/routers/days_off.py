"""Market closures and stall idle days, for the "not trading" billing policy."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.days_off import DayOff
from pasar_pay.entrypoints.api.access import Staff, allow, container_of, only_query
from pasar_pay.entrypoints.api.schemas import Strict

router = APIRouter(tags=["billing"])
Readers = Annotated[
    Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.COLLECTOR, Role.VENDOR))
]


class DayOffIn(Strict):
    stall: Annotated[str | None, Field(max_length=40, description="omit for the whole market")] = (
        None
    )
    first_day: date
    last_day: date
    reason: Annotated[str, Field(min_length=5, max_length=500)]


class DayOffOut(BaseModel):
    market: str
    stall: str | None
    first_day: date
    last_day: date
    reason: str


class Recorded(BaseModel):
    id: int | None
    created: bool


@router.post("/markets/{market}/days-off", status_code=201, response_model=Recorded)
def record_day_off(
    request: Request, response: Response, market: str, body: DayOffIn, caller: Staff
) -> Recorded:
    """Record a closure (no `stall`) or a stall's idle days. Repeating a record changes nothing
    (200); bills already issued are corrected through an objection, not by this record."""
    result = container_of(request).days_off.record(
        caller, DayOff(market, body.stall, body.first_day, body.last_day, body.reason)
    )
    if not result.created:
        response.status_code = 200
    return Recorded(id=result.id or None, created=result.created)


@router.get(
    "/markets/{market}/days-off",
    response_model=list[DayOffOut],
    dependencies=[only_query("from", "to", "stall")],
)
def list_days_off(
    request: Request,
    market: str,
    caller: Readers,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    stall: str | None = None,
) -> list[DayOffOut]:
    records = container_of(request).days_off.list(caller, market, first, last, stall)
    return [
        DayOffOut(
            market=r.market_code,
            stall=r.stall_code,
            first_day=r.first,
            last_day=r.last,
            reason=r.reason,
        )
        for r in records
    ]
