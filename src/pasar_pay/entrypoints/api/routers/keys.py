"""API keys: the finance office issues and revokes them; anyone can ask who they are."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.access import Finance, allow, container_of
from pasar_pay.entrypoints.api.schemas import KeyIn, KeyOut, WhoAmI

router = APIRouter(tags=["access"])

Anyone = Annotated[Principal, Depends(allow(*Role))]


@router.get("/me", response_model=WhoAmI)
def who_am_i(caller: Anyone) -> WhoAmI:
    return WhoAmI(
        key_id=caller.key_id,
        role=caller.role.value,
        markets=sorted(caller.markets),
        vendor=caller.vendor_code,
        bank=caller.bank_code,
    )


@router.post("/api-keys", response_model=KeyOut, status_code=201)
def issue_key(request: Request, body: KeyIn, caller: Finance) -> KeyOut:
    issued = container_of(request).keys.issue(
        Role(body.role),
        label=body.label,
        markets=frozenset(body.markets),
        vendor_code=body.vendor,
        bank_code=body.bank,
        created_by=caller.key_id,
    )
    return KeyOut(id=issued.id, role=issued.role.value, token=issued.token)


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_key(request: Request, key_id: str, caller: Finance) -> Response:
    container_of(request).keys.revoke(key_id, by=caller.key_id)
    return Response(status_code=204)
