"""A stall's catalog: what it sells, how it is priced, how much is left, reference prices.

Two pricing modes:
- **unit**: a price per piece (`biji`), bunch (`ikat`) or pack (`pack`); quantities are whole
  counts and stock is counted in the same units.
- **weighed**: a price per kg in rupiah; weights are whole grams, stock is grams, and every
  weighed product carries a tolerance (grams, or basis points of the estimated weight, rounded
  up to the gram) within which the weighed amount is accepted without asking the shopper.

Stock is either a count (units or grams) or "available today" (fresh produce a vendor does not
count: no stock check, no reservation needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.domain.orders.quantities import (
    BPS,
    MAX_GRAMS,
    ceil_div,
    require_bps,
    require_count,
    require_grams,
    require_non_negative,
    require_price,
)

MAX_PHOTOS = 8
MAX_URL_LENGTH = 2_048
MAX_NAME = 120


class PricingUnit(StrEnum):
    PIECE = "biji"
    BUNCH = "ikat"
    PACK = "pack"
    KG = "kg"

    @property
    def weighed(self) -> bool:
        return self is PricingUnit.KG


class StockMode(StrEnum):
    COUNTED = "counted"  # units for unit products, grams for weighed products
    AVAILABLE_TODAY = "available_today"  # not counted; the vendor has it today


@dataclass(frozen=True, slots=True)
class Stock:
    mode: StockMode
    on_hand: int | None = None  # units or grams; None when not counted

    def __post_init__(self) -> None:
        if self.mode is StockMode.COUNTED:
            require_non_negative(self.on_hand, field="stock.on_hand")
        elif self.on_hand is not None:
            raise ValidationFailed(
                "stock available today is not counted", code="order.stock_invalid"
            )

    @classmethod
    def counted(cls, on_hand: int) -> Stock:
        return cls(StockMode.COUNTED, on_hand)

    @classmethod
    def available_today(cls) -> Stock:
        return cls(StockMode.AVAILABLE_TODAY)


@dataclass(frozen=True, slots=True)
class WeightTolerance:
    """Exactly one of `grams` or `bps` (basis points of the estimated weight)."""

    grams: int | None = None
    bps: int | None = None

    def __post_init__(self) -> None:
        if (self.grams is None) == (self.bps is None):
            raise ValidationFailed(
                "give a tolerance in grams or in basis points, not both or neither",
                code="order.tolerance_invalid",
            )
        if self.grams is not None:
            require_non_negative(self.grams, field="tolerance.grams", maximum=MAX_GRAMS)
        if self.bps is not None:
            require_bps(self.bps, field="tolerance.bps")

    def grams_for(self, estimated_grams: int) -> int:
        """Tolerance in grams for an estimate; basis points round up to the next gram."""
        if self.grams is not None:
            return self.grams
        assert self.bps is not None
        return ceil_div(estimated_grams * self.bps, BPS)


def validate_photo_url(url: object) -> str:
    """An absolute https URL with a host, no credentials, no spaces, ≤ 2,048 characters."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise ValidationFailed("photo URL is missing or too long", code="order.photo_url_invalid")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationFailed("photo URL contains spaces", code="order.photo_url_invalid", url=url)
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise ValidationFailed(
            "photo URL is malformed", code="order.photo_url_invalid", url=url
        ) from None
    if parts.scheme.lower() != "https":
        raise ValidationFailed(
            "photo URLs must use https", code="order.photo_url_not_https", url=url
        )
    if not host or parts.username is not None or parts.password is not None:
        raise ValidationFailed(
            "photo URL needs a host and no credentials", code="order.photo_url_invalid", url=url
        )
    return url


@dataclass(frozen=True, slots=True)
class Product:
    product_id: str
    stall_id: str
    name: str
    category: str  # e.g. "sayur", "beras", "daging"; commission rules key on it
    unit: PricingUnit
    price: int  # per unit, or per kg for weighed products
    stock: Stock
    tolerance: WeightTolerance | None = None  # required for weighed products, refused otherwise
    photo_urls: tuple[str, ...] = ()
    active: bool = True

    def __post_init__(self) -> None:
        for what, value in (("product_id", self.product_id), ("stall_id", self.stall_id)):
            if not isinstance(value, str) or not value.strip():
                raise ValidationFailed(f"{what} is required", code="order.product_invalid")
        if not isinstance(self.name, str) or not 0 < len(self.name.strip()) <= MAX_NAME:
            raise ValidationFailed(
                f"name must be 1..{MAX_NAME} characters", code="order.product_invalid"
            )
        if not isinstance(self.category, str) or not self.category.strip():
            raise ValidationFailed("category is required", code="order.product_invalid")
        require_price(self.price, field="price")
        if self.unit.weighed and self.tolerance is None:
            raise ValidationFailed(
                "a weighed product needs a weight tolerance",
                code="order.tolerance_required",
                product_id=self.product_id,
            )
        if not self.unit.weighed and self.tolerance is not None:
            raise ValidationFailed(
                "only weighed products have a weight tolerance",
                code="order.tolerance_wrong_unit",
                product_id=self.product_id,
            )
        if len(self.photo_urls) > MAX_PHOTOS:
            raise ValidationFailed(f"at most {MAX_PHOTOS} photos", code="order.too_many_photos")
        for url in self.photo_urls:
            validate_photo_url(url)

    @property
    def weighed(self) -> bool:
        return self.unit.weighed


@dataclass(frozen=True, slots=True)
class Quantity:
    """What a line asks for: a count for unit products, grams for weighed ones."""

    count: int | None = None
    grams: int | None = None

    @property
    def amount(self) -> int:
        value = self.count if self.count is not None else self.grams
        assert value is not None
        return value


def require_quantity(product: Product, *, count: object = None, grams: object = None) -> Quantity:
    """Validate an order quantity against the product's unit.

    Codes: `order.weight_wrong_unit` (grams for a unit product), `order.quantity_wrong_unit`
    (a count for a weighed product), `order.quantity_missing`, `order.quantity_not_positive`.
    """
    if count is not None and grams is not None:
        raise ValidationFailed(
            "give a count or a weight, not both",
            code="order.quantity_ambiguous",
            product_id=product.product_id,
        )
    if product.weighed:
        if count is not None:
            raise ValidationFailed(
                f"{product.name} is sold by weight: give grams",
                code="order.quantity_wrong_unit",
                product_id=product.product_id,
                unit=product.unit.value,
            )
        if grams is None:
            raise ValidationFailed("a weight is required", code="order.quantity_missing")
        return Quantity(grams=require_grams(grams, field="grams"))
    if grams is not None:
        raise ValidationFailed(
            f"{product.name} is sold per {product.unit.value}: give a count",
            code="order.weight_wrong_unit",
            product_id=product.product_id,
            unit=product.unit.value,
        )
    if count is None:
        raise ValidationFailed("a quantity is required", code="order.quantity_missing")
    return Quantity(count=require_count(count, field="quantity"))


@dataclass(frozen=True, slots=True)
class ReferencePrice:
    """A market's published reference price for a staple (e.g. beras medium per kg)."""

    market_code: str
    commodity: str
    unit: PricingUnit
    price: int
    as_of: date

    def __post_init__(self) -> None:
        require_price(self.price, field="reference price")


@dataclass(frozen=True, slots=True)
class ReferencePriceBook:
    prices: tuple[ReferencePrice, ...] = field(default_factory=tuple)

    def latest(self, market_code: str, commodity: str, on: date) -> ReferencePrice:
        """The newest reference price published on or before `on`."""
        candidates = [
            p
            for p in self.prices
            if p.market_code == market_code and p.commodity == commodity and p.as_of <= on
        ]
        if not candidates:
            raise NotFound(
                "no reference price", code="order.reference_price_unknown", commodity=commodity
            )
        return max(candidates, key=lambda p: p.as_of)

    def deviation_bps(self, product: Product, market_code: str, commodity: str, on: date) -> int:
        """How far the product's price is above (+) or below (−) the reference, in whole bps
        (truncated toward zero). Refuses comparing different units."""
        ref = self.latest(market_code, commodity, on)
        if ref.unit is not product.unit:
            raise ValidationFailed(
                "reference price is for another unit",
                code="order.reference_unit_mismatch",
                product_unit=product.unit.value,
                reference_unit=ref.unit.value,
            )
        diff = (product.price - ref.price) * BPS
        return diff // ref.price if diff >= 0 else -((-diff) // ref.price)


def index_products(products: Iterable[Product]) -> Mapping[str, Product]:
    """Products by id; refuses a duplicate id."""
    out: dict[str, Product] = {}
    for product in products:
        if product.product_id in out:
            raise ValidationFailed(
                "duplicate product id",
                code="order.product_duplicate",
                product_id=product.product_id,
            )
        out[product.product_id] = product
    return out
