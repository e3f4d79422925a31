"""Placement rights (SHP): staff issue and change them; holders read their own with history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.access import Staff, allow, container_of
from pasar_pay.entrypoints.api.schemas import Strict

router = APIRouter(tags=["placements"])

Readers = Annotated[
    Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.COLLECTOR, Role.VENDOR))
]
Code = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]+$")]
Reason = Annotated[str, Field(min_length=3, max_length=250)]


class IssueIn(Strict):
    shp_number: Code
    stall: Code
    vendor: Code
    effective_on: date
    valid_until: date
    note: Annotated[str, Field(max_length=250)] = ""


class ExtendIn(Strict):
    on: date
    valid_until: date


class TransferIn(Strict):
    on: date
    to_vendor: Code
    reason: Annotated[str, Field(max_length=250)] = ""


class OnIn(Strict):
    on: date


class RevokeIn(Strict):
    on: date
    reason: Reason


class PlacementPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


@router.post("/placements", status_code=201)
def issue(request: Request, body: IssueIn, caller: Staff) -> dict[str, Any]:
    """Issue an SHP to a vendor for a stall; opens the vendor's receivable in that market."""
    return container_of(request).placements.issue(
        caller,
        shp_number=body.shp_number,
        stall=body.stall,
        vendor=body.vendor,
        effective_on=body.effective_on,
        valid_until=body.valid_until,
        note=body.note,
    )


@router.get("/placements", response_model=PlacementPage)
def list_placements(
    request: Request,
    caller: Readers,
    market: str | None = None,
    stall: str | None = None,
    status: Literal["active", "revoked"] | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> PlacementPage:
    items, next_cursor = container_of(request).placements.list(
        caller, market=market, stall=stall, status=status, cursor=cursor, limit=limit
    )
    return PlacementPage(items=items, next_cursor=next_cursor)


@router.get("/placements/{shp_number}")
def get_placement(request: Request, shp_number: str, caller: Readers) -> dict[str, Any]:
    """The SHP with its full history (append-only events, fees and their ledger entries)."""
    return container_of(request).placements.get(caller, shp_number)


@router.post("/placements/{shp_number}/extensions")
def extend(request: Request, shp_number: str, body: ExtendIn, caller: Staff) -> dict[str, Any]:
    """Perpanjangan: a new end date, while in force or after expiry."""
    return container_of(request).placements.extend(
        caller, shp_number, on=body.on, valid_until=body.valid_until
    )


@router.post("/placements/{shp_number}/transfers")
def transfer(request: Request, shp_number: str, body: TransferIn, caller: Staff) -> dict[str, Any]:
    """Balik nama: the right passes to another vendor from `on`."""
    return container_of(request).placements.transfer(
        caller, shp_number, on=body.on, to_vendor=body.to_vendor, reason=body.reason
    )


@router.post("/placements/{shp_number}/reregistrations")
def reregister(request: Request, shp_number: str, body: OnIn, caller: Staff) -> dict[str, Any]:
    """Herregistrasi: re-confirms the holder's data."""
    return container_of(request).placements.reregister(caller, shp_number, on=body.on)


@router.post("/placements/{shp_number}/revocation")
def revoke(request: Request, shp_number: str, body: RevokeIn, caller: Staff) -> dict[str, Any]:
    """Ends the right from `on`; the holder's arrears stay due and are recorded on the event."""
    return container_of(request).placements.revoke(
        caller, shp_number, on=body.on, reason=body.reason
    )
