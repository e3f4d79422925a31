"""Markets: public facts (names, kecamatan, class), scoped for market staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.access import allow, container_of
from pasar_pay.entrypoints.api.schemas import MarketOut
from pasar_pay.services.ports import MarketRecord

router = APIRouter(prefix="/markets", tags=["markets"])

Anyone = Annotated[Principal, Depends(allow(*Role))]


def _out(m: MarketRecord) -> MarketOut:
    return MarketOut(
        code=m.code,
        name=m.name,
        kecamatan=m.kecamatan,
        kelas=m.kelas,
        specialty=m.specialty,
        stalls_estimate=m.stalls_estimate,
        source=m.source,
        confidence=m.confidence,
    )


@router.get("", response_model=list[MarketOut])
def list_markets(request: Request, caller: Anyone) -> list[MarketOut]:
    return [_out(m) for m in container_of(request).markets.list_visible(caller)]


@router.get("/{code}", response_model=MarketOut)
def get_market(request: Request, code: str, caller: Anyone) -> MarketOut:
    return _out(container_of(request).markets.get_visible(caller, code))
