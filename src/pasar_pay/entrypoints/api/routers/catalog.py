"""Online ordering, the catalog side: shops, products, browsing, reference prices, market
options, commission rules and the vendor's arrears-netting opt-in (issue 7)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field, StrictBool, StrictInt

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.orders.commission import CommissionRule
from pasar_pay.entrypoints.api.access import Finance, Staff, allow, container_of, only_query
from pasar_pay.entrypoints.api.schemas import Amount, Strict
from pasar_pay.services.orders.catalog import ProductIn
from pasar_pay.services.orders.ports import CatalogQuery

router = APIRouter(tags=["orders: catalog"])

Readers = Annotated[
    Principal,
    Depends(allow(Role.SHOPPER, Role.VENDOR, Role.MANAGER, Role.FINANCE, Role.COLLECTOR)),
]
Vendor = Annotated[Principal, Depends(allow(Role.VENDOR))]
Whole = Annotated[StrictInt, Field(ge=0)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Category = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 _-]+$")]
Url = Annotated[str, Field(min_length=8, max_length=2048)]


class ShopIn(Strict):
    open: StrictBool


class ProductBody(Strict):
    name: Name
    category: Category
    unit: Annotated[str, Field(description="biji, ikat, pack or kg")]
    price: Amount
    stock: Whole | None = Field(None, description="units or grams; null: available today")
    tolerance_grams: Whole | None = None
    tolerance_bps: Whole | None = None
    photo_urls: Annotated[list[Url], Field(max_length=8, default_factory=list)]
    active: StrictBool = True


class ProductPatch(Strict):
    name: Name | None = None
    category: Category | None = None
    price: Amount | None = None
    stock: Whole | None = None
    available_today: StrictBool | None = None
    tolerance_grams: Whole | None = None
    tolerance_bps: Whole | None = None
    photo_urls: Annotated[list[Url], Field(max_length=8)] | None = None
    active: StrictBool | None = None


class ReferencePriceIn(Strict):
    commodity: Annotated[str, Field(min_length=2, max_length=60)]
    unit: str
    price: Amount
    as_of: date
    source: Annotated[str, Field(min_length=5, max_length=300, description="where it is published")]
    to_verify: StrictBool = True


class MarketOptionsIn(Strict):
    cash_on_delivery: StrictBool
    cod_max_amount: Amount | None = None
    min_channel_refund: Whole = 0


class CommissionRuleIn(Strict):
    rate_bps: Annotated[StrictInt, Field(ge=0, le=5000)]
    market: str | None = None
    category: Category | None = None
    legal_basis: Annotated[str, Field(min_length=5, max_length=300)]


class NettingIn(Strict):
    net_arrears: StrictBool


@router.put("/stalls/{stall}/shop")
def set_shop(request: Request, stall: str, body: ShopIn, caller: Vendor) -> dict[str, Any]:
    return container_of(request).catalog.set_shop(caller, stall, body.open)


@router.post("/stalls/{stall}/products", status_code=201)
def add_product(request: Request, stall: str, body: ProductBody, caller: Vendor) -> dict[str, Any]:
    product = ProductIn(**{**body.model_dump(), "photo_urls": tuple(body.photo_urls)})
    return container_of(request).catalog.add_product(caller, stall, product)


@router.patch("/products/{product_id}")
def update_product(
    request: Request, product_id: str, body: ProductPatch, caller: Vendor
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    if changes.pop("available_today", False):
        changes["stock"] = None
    return container_of(request).catalog.update_product(caller, product_id, changes)


@router.get("/products/{product_id}")
def get_product(request: Request, product_id: str, caller: Readers) -> dict[str, Any]:
    return container_of(request).catalog.product(product_id)


@router.get(
    "/markets/{market}/products",
    dependencies=[only_query("stall", "category", "q", "cursor", "limit")],
)
def browse(
    request: Request,
    market: str,
    caller: Readers,
    stall: str | None = None,
    category: str | None = None,
    q: Annotated[str | None, Query(max_length=60)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    query = CatalogQuery(market, stall, category.lower() if category else None, q)
    items, following = container_of(request).catalog.browse(query, cursor, limit)
    return {"items": items, "next_cursor": following}


@router.get("/markets/{market}/reference-prices")
def reference_prices(request: Request, market: str, caller: Readers) -> list[dict[str, Any]]:
    rows = container_of(request).catalog.reference_prices(market)
    return [{**r, "as_of": r["as_of"].isoformat()} for r in rows]


@router.post("/markets/{market}/reference-prices", status_code=201)
def add_reference_price(
    request: Request, market: str, body: ReferencePriceIn, caller: Staff
) -> dict[str, Any]:
    row = container_of(request).catalog.add_reference_price(caller, market, **body.model_dump())
    return {**row, "as_of": row["as_of"].isoformat()}


@router.get("/markets/{market}/order-options")
def market_options(request: Request, market: str, caller: Readers) -> dict[str, Any]:
    return container_of(request).order_settings.market_options(market)


@router.put("/markets/{market}/order-options")
def set_market_options(
    request: Request, market: str, body: MarketOptionsIn, caller: Staff
) -> dict[str, Any]:
    return container_of(request).order_settings.set_market_options(
        caller, market, **body.model_dump()
    )


@router.get("/order-commission-rules")
def commission_rules(request: Request, caller: Readers) -> list[dict[str, object]]:
    return container_of(request).order_settings.commission_rules()


@router.post("/order-commission-rules", status_code=201)
def add_commission_rule(
    request: Request, body: CommissionRuleIn, caller: Finance
) -> list[dict[str, object]]:
    rule = CommissionRule(
        body.rate_bps,
        body.market,
        body.category.lower() if body.category else None,
        body.legal_basis,
    )
    return container_of(request).order_settings.add_commission_rule(caller, rule)


@router.put("/vendors/me/order-settings")
def set_netting(request: Request, body: NettingIn, caller: Vendor) -> dict[str, Any]:
    return container_of(request).order_settings.set_net_arrears(caller, body.net_arrears)
