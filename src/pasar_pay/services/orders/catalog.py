"""The stall catalog: vendors manage their own stall's products; everyone browses by market.

A vendor's stall is the one they hold an active placement on; any other stall is "not found"
(its existence is not revealed). Reference prices are entered by staff with their source and
a to-verify flag: none is invented or seeded.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.domain.orders.catalog import (
    PricingUnit,
    Product,
    Stock,
    WeightTolerance,
)
from pasar_pay.domain.orders.quantities import require_price
from pasar_pay.domain.registry.model import StallSpec, StallStatus
from pasar_pay.services.orders.ports import CatalogQuery, ProductRecord, Shop
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class ProductIn:
    name: str
    category: str
    unit: str
    price: int
    stock: int | None  # None: available today (not counted)
    tolerance_grams: int | None = None
    tolerance_bps: int | None = None
    photo_urls: tuple[str, ...] = ()
    active: bool = True


def product_view(record: ProductRecord, reserved: int = 0) -> dict[str, Any]:
    p = record.product
    on_hand = p.stock.on_hand
    return {
        "id": p.product_id,
        "stall": p.stall_id,
        "market": record.market_code,
        "vendor": record.vendor_code,
        "name": p.name,
        "category": p.category,
        "unit": p.unit.value,
        "price": p.price,
        "stock": {
            "mode": p.stock.mode.value,
            "on_hand": on_hand,
            "available": None if on_hand is None else max(on_hand - reserved, 0),
        },
        "tolerance": None
        if p.tolerance is None
        else {"grams": p.tolerance.grams, "bps": p.tolerance.bps},
        "photo_urls": list(p.photo_urls),
        "active": p.active,
    }


def owned_stall(uow: UnitOfWork, caller: Principal, stall_code: str) -> StallSpec:
    """The caller's stall (vendor: held by them; staff: in their markets), else not found."""
    stall = uow.registry.stall(stall_code)
    if stall is None:
        raise NotFound("stall not found", code="stall_not_found")
    if caller.role is Role.VENDOR:
        holder = uow.registry.active_placement(stall.code)
        if holder is None or holder.vendor_code != caller.vendor_code:
            raise NotFound("stall not found", code="stall_not_found")
    elif not caller.sees_market(stall.market_code):
        raise NotFound("stall not found", code="stall_not_found")
    return stall


def _build(product_id: str, stall: str, body: ProductIn) -> Product:
    try:
        unit = PricingUnit(body.unit)
    except ValueError:
        raise ValidationFailed(
            "unit must be one of biji, ikat, pack, kg",
            code="order.unit_invalid",
            unit=body.unit,
        ) from None
    tolerance = None
    if body.tolerance_grams is not None or body.tolerance_bps is not None:
        tolerance = WeightTolerance(grams=body.tolerance_grams, bps=body.tolerance_bps)
    stock = Stock.available_today() if body.stock is None else Stock.counted(body.stock)
    return Product(
        product_id=product_id,
        stall_id=stall,
        name=body.name,
        category=body.category.strip().lower(),
        unit=unit,
        price=body.price,
        stock=stock,
        tolerance=tolerance,
        photo_urls=tuple(body.photo_urls),
        active=body.active,
    )


class CatalogService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    # vendors ---------------------------------------------------------------------------
    def set_shop(self, caller: Principal, stall_code: str, is_open: bool) -> dict[str, Any]:
        with self._uow() as uow:
            stall = owned_stall(uow, caller, stall_code)
            holder = uow.registry.active_placement(stall.code)
            if holder is None:
                raise ValidationFailed("the stall has no holder", code="order.stall_unheld")
            shop = Shop(stall.code, holder.vendor_code, stall.market_code, is_open)
            uow.orders.save_shop(shop, self._clock())
            uow.commit()
        return {"stall": shop.stall_code, "market": shop.market_code, "open": shop.is_open}

    def add_product(self, caller: Principal, stall_code: str, body: ProductIn) -> dict[str, Any]:
        with self._uow() as uow:
            stall = owned_stall(uow, caller, stall_code)
            holder = uow.registry.active_placement(stall.code)
            assert holder is not None  # owned_stall checked it for vendors
            product = _build(str(uuid.uuid4()), stall.code, body)
            record = ProductRecord(product, holder.vendor_code, stall.market_code, self._clock())
            uow.orders.add_product(record)
            uow.commit()
        return product_view(record)

    def update_product(
        self, caller: Principal, product_id: str, changes: dict[str, Any]
    ) -> dict[str, Any]:
        with self._uow() as uow:
            locked = uow.orders.lock_products([product_id])
            current = locked.get(product_id)
            if current is None:
                raise NotFound("product not found", code="order.product_not_found")
            owned_stall(uow, caller, current.product.stall_id)
            p = current.product
            body = ProductIn(
                name=changes.get("name", p.name),
                category=changes.get("category", p.category),
                unit=p.unit.value,  # the unit never changes: open orders were priced in it
                price=changes.get("price", p.price),
                stock=changes.get("stock", p.stock.on_hand),
                tolerance_grams=changes.get(
                    "tolerance_grams", p.tolerance.grams if p.tolerance else None
                ),
                tolerance_bps=changes.get(
                    "tolerance_bps", p.tolerance.bps if p.tolerance else None
                ),
                photo_urls=tuple(changes.get("photo_urls", p.photo_urls)),
                active=changes.get("active", p.active),
            )
            product = _build(p.product_id, p.stall_id, body)
            record = replace(current, product=product, updated_at=self._clock())
            uow.orders.update_product(record)
            reserved = uow.orders.reserved([product_id], self._clock()).get(product_id, 0)
            uow.commit()
        return product_view(record, reserved)

    # everyone --------------------------------------------------------------------------
    def browse(
        self, query: CatalogQuery, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        limit = min(max(limit, 1), MAX_PAGE)
        with self._uow() as uow:
            if uow.markets.get(query.market) is None:
                raise NotFound("market not found", code="market_not_found")
            rows = uow.orders.browse(query, cursor, limit + 1)
            page = rows[:limit]
            reserved = uow.orders.reserved([r.product.product_id for r in page], self._clock())
        items = [product_view(r, reserved.get(r.product.product_id, 0)) for r in page]
        following = page[-1].product.product_id if len(rows) > limit else None
        return items, following

    def product(self, product_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            record = uow.orders.product(product_id)
            if record is None or not record.product.active:
                raise NotFound("product not found", code="order.product_not_found")
            reserved = uow.orders.reserved([product_id], self._clock()).get(product_id, 0)
        return product_view(record, reserved)

    # reference prices (staff) ----------------------------------------------------------
    def add_reference_price(
        self,
        caller: Principal,
        market: str,
        *,
        commodity: str,
        unit: str,
        price: int,
        as_of: date,
        source: str,
        to_verify: bool,
    ) -> dict[str, Any]:
        caller.require_market(market)
        require_price(price, field="price")
        try:
            PricingUnit(unit)
        except ValueError:
            raise ValidationFailed("unknown unit", code="order.unit_invalid", unit=unit) from None
        row = {
            "market_code": market,
            "commodity": commodity.strip().lower(),
            "unit": unit,
            "price": price,
            "as_of": as_of,
            "source": source,
            "to_verify": to_verify,
            "recorded_at": self._clock(),
        }
        with self._uow() as uow:
            if uow.markets.get(market) is None:
                raise NotFound("market not found", code="market_not_found")
            uow.orders.add_reference_price(row)
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "orders.reference_price",
                market,
                {"commodity": row["commodity"], "price": price, "as_of": as_of.isoformat()},
            )
            uow.commit()
        return {k: v for k, v in row.items() if k != "recorded_at"}

    def reference_prices(self, market: str) -> list[dict[str, Any]]:
        with self._uow() as uow:
            return uow.orders.reference_prices(market)


def active_stall(stall: StallSpec | None) -> bool:
    return stall is not None and stall.status is StallStatus.ACTIVE


__all__: Sequence[str] = ["CatalogService", "ProductIn", "active_stall", "owned_stall"]
