"""From a shopper's cart to one checkout per market with one order per stall.

Totals, all whole rupiah:
- a unit line costs `count × unit price`, exactly;
- a weighed line is **estimated** at `weighed_amount(price, estimate)` and **held** at
  `weighed_amount(price, estimate + tolerance)` (half up, see `quantities`). The shopper pays
  the held amount (QRIS cannot authorise then capture); the difference after weighing is
  refunded (`settlement`).

The price the shopper saw is compared with the catalog price at checkout. Every changed line
is reported (seen, current); unless the shopper has confirmed the new prices the checkout is
refused with `order.price_changed` listing them all, so the shopper is told before paying.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pasar_pay.domain.errors import Conflict, ValidationFailed
from pasar_pay.domain.orders.catalog import PricingUnit, Product, require_quantity
from pasar_pay.domain.orders.quantities import require_price, weighed_amount

MAX_LINES = 100


class SubstitutionPreference(StrEnum):
    SPECIFIC = "specific"  # only the named substitute product
    BEST_MATCH = "best_match"  # the vendor's best match, within the held amount
    REMOVE = "remove"  # no substitute: drop the line and refund it


@dataclass(frozen=True, slots=True)
class CartLine:
    line_id: str
    product_id: str
    seen_unit_price: int  # what the shopper was shown (per unit, or per kg)
    quantity: int | None = None  # unit products
    estimated_grams: int | None = None  # weighed products
    substitution: SubstitutionPreference = SubstitutionPreference.REMOVE
    substitute_product_id: str | None = None  # required iff SPECIFIC


@dataclass(frozen=True, slots=True)
class StallInfo:
    stall_id: str
    vendor_code: str
    market_code: str
    is_open: bool


@dataclass(frozen=True, slots=True)
class OrderLine:
    line_id: str
    product_id: str
    name: str
    category: str
    unit: PricingUnit
    unit_price: int  # the current catalog price, per unit or per kg
    quantity: int | None
    estimated_grams: int | None
    tolerance_grams: int  # 0 for unit lines
    estimated_amount: int  # exact for unit lines; estimate for weighed
    held_amount: int  # what the shopper pays now
    substitution: SubstitutionPreference
    substitute_product_id: str | None

    @property
    def weighed(self) -> bool:
        return self.unit is PricingUnit.KG


@dataclass(frozen=True, slots=True)
class StallOrder:
    stall_id: str
    vendor_code: str
    market_code: str
    lines: tuple[OrderLine, ...]

    @property
    def estimated_amount(self) -> int:
        return sum(line.estimated_amount for line in self.lines)

    @property
    def held_amount(self) -> int:
        return sum(line.held_amount for line in self.lines)


@dataclass(frozen=True, slots=True)
class PriceChange:
    line_id: str
    product_id: str
    seen: int
    current: int


@dataclass(frozen=True, slots=True)
class Checkout:
    market_code: str
    orders: tuple[StallOrder, ...]  # sorted by stall id
    price_changes: tuple[PriceChange, ...]

    @property
    def estimated_total(self) -> int:
        return sum(order.estimated_amount for order in self.orders)

    @property
    def amount_to_pay(self) -> int:
        return sum(order.held_amount for order in self.orders)


def price_line(line: CartLine, product: Product) -> OrderLine:
    """One cart line priced at the current catalog price (validation included)."""
    qty = require_quantity(product, count=line.quantity, grams=line.estimated_grams)
    if qty.grams is not None:
        assert product.tolerance is not None
        tolerance = product.tolerance.grams_for(qty.grams)
        estimated = weighed_amount(product.price, qty.grams)
        held = weighed_amount(product.price, qty.grams + tolerance)
    else:
        assert qty.count is not None
        tolerance = 0
        estimated = held = qty.count * product.price
    return OrderLine(
        line_id=line.line_id,
        product_id=product.product_id,
        name=product.name,
        category=product.category,
        unit=product.unit,
        unit_price=product.price,
        quantity=qty.count,
        estimated_grams=qty.grams,
        tolerance_grams=tolerance,
        estimated_amount=estimated,
        held_amount=held,
        substitution=line.substitution,
        substitute_product_id=line.substitute_product_id,
    )


def _check_line(line: CartLine, products: Mapping[str, Product]) -> Product:
    product = products.get(line.product_id)
    if product is None or not product.active:
        raise ValidationFailed(
            "the product is not available",
            code="order.product_unavailable",
            line_id=line.line_id,
            product_id=line.product_id,
        )
    require_price(line.seen_unit_price, field="seen_unit_price")
    specific = line.substitution is SubstitutionPreference.SPECIFIC
    if specific != (line.substitute_product_id is not None):
        raise ValidationFailed(
            "a specific substitute is named exactly when the preference is 'specific'",
            code="order.substitution_invalid",
            line_id=line.line_id,
        )
    if specific:
        sub = products.get(line.substitute_product_id or "")
        if sub is None or sub.stall_id != product.stall_id or sub.unit is not product.unit:
            raise ValidationFailed(
                "the substitute must be a product of the same stall sold in the same unit",
                code="order.substitution_invalid",
                line_id=line.line_id,
            )
    return product


def build_checkout(
    lines: Sequence[CartLine],
    products: Mapping[str, Product],
    stalls: Mapping[str, StallInfo],
    *,
    accept_price_changes: bool = False,
) -> Checkout:
    """Group a cart into one order per stall, all in one market.

    Refuses: an empty or oversized cart, duplicate line ids, unknown/inactive products, lines
    from several markets (`order.multiple_markets`), closed stalls (`order.stall_closed`),
    bad quantities or units, and, unless `accept_price_changes`, changed prices
    (`order.price_changed`, a Conflict whose `changes` list every changed line).
    """
    if not lines:
        raise ValidationFailed("the cart is empty", code="order.cart_empty")
    if len(lines) > MAX_LINES:
        raise ValidationFailed(f"at most {MAX_LINES} lines", code="order.cart_too_large")
    ids = [line.line_id for line in lines]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("duplicate line id", code="order.duplicate_line")

    by_stall: dict[str, list[OrderLine]] = {}
    markets: set[str] = set()
    changes: list[PriceChange] = []
    for line in lines:
        product = _check_line(line, products)
        stall = stalls.get(product.stall_id)
        if stall is None:
            raise ValidationFailed(
                "unknown stall", code="order.stall_unknown", stall_id=product.stall_id
            )
        if not stall.is_open:
            raise ValidationFailed(
                "the stall is closed",
                code="order.stall_closed",
                stall_id=stall.stall_id,
                line_id=line.line_id,
            )
        markets.add(stall.market_code)
        if len(markets) > 1:
            raise ValidationFailed(
                "a checkout holds lines from one market only",
                code="order.multiple_markets",
                markets=sorted(markets),
            )
        if line.seen_unit_price != product.price:
            changes.append(
                PriceChange(line.line_id, product.product_id, line.seen_unit_price, product.price)
            )
        by_stall.setdefault(stall.stall_id, []).append(price_line(line, product))

    if changes and not accept_price_changes:
        raise Conflict(
            "prices changed since the shopper saw them",
            code="order.price_changed",
            changes=[
                {
                    "line_id": c.line_id,
                    "product_id": c.product_id,
                    "seen": c.seen,
                    "current": c.current,
                }
                for c in changes
            ],
        )
    orders = tuple(
        StallOrder(sid, stalls[sid].vendor_code, stalls[sid].market_code, tuple(order_lines))
        for sid, order_lines in sorted(by_stall.items())
    )
    return Checkout(markets.pop(), orders, tuple(changes))
