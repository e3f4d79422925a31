"""A vendor's own virtual-account numbers per bank, with payment instructions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.access import allow, container_of

router = APIRouter(tags=["banks"])
Vendor = Annotated[Principal, Depends(allow(Role.VENDOR))]


@router.get("/me/virtual-accounts", summary="My virtual accounts (vendor)")
def my_virtual_accounts(request: Request, caller: Vendor) -> dict[str, Any]:
    vendor = caller.vendor_code or ""
    return {"vendor": vendor, "items": container_of(request).virtual_accounts.for_vendor(vendor)}
