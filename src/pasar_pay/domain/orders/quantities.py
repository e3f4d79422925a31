"""Exact integers for orders: counts, grams, basis points, and the one rounding rule.

Weighed goods are priced per kg and weighed in whole grams, so a line's exact price is the
rational `price_per_kg × grams / 1000`. It is rounded **half up** to whole rupiah
(`weighed_amount`). Half-up is monotone in the weight, so the amount for an actual weight never
exceeds the amount held for a heavier weight: a hold computed for estimate + tolerance always
covers any weighing within tolerance, whatever the rounding.
"""

from __future__ import annotations

from fractions import Fraction

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.money import MAX_AMOUNT

BPS = 10_000  # basis points in one whole
GRAMS_PER_KG = 1_000
MAX_GRAMS = 1_000_000  # one tonne: far above anything sold to a shopper from a stall
MAX_COUNT = 100_000


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def require_count(value: object, *, field: str, maximum: int = MAX_COUNT) -> int:
    """A strictly positive whole number (pieces, bunches, packs)."""
    if not _is_int(value):
        raise ValidationFailed(
            f"{field} must be a whole number", code="order.quantity_not_integer", field=field
        )
    assert isinstance(value, int)
    if value <= 0:
        raise ValidationFailed(
            f"{field} must be greater than zero",
            code="order.quantity_not_positive",
            field=field,
            value=value,
        )
    if value > maximum:
        raise ValidationFailed(
            f"{field} exceeds {maximum}", code="order.quantity_too_large", field=field, value=value
        )
    return value


def require_grams(value: object, *, field: str) -> int:
    """A strictly positive whole number of grams, at most one tonne."""
    return require_count(value, field=field, maximum=MAX_GRAMS)


def require_non_negative(value: object, *, field: str, maximum: int = MAX_AMOUNT) -> int:
    """Zero allowed: stock on hand, a tolerance, an amount already refunded."""
    if not _is_int(value):
        raise ValidationFailed(
            f"{field} must be a whole number", code="order.quantity_not_integer", field=field
        )
    assert isinstance(value, int)
    if value < 0:
        raise ValidationFailed(
            f"{field} must not be negative",
            code="order.quantity_negative",
            field=field,
            value=value,
        )
    if value > maximum:
        raise ValidationFailed(
            f"{field} exceeds {maximum}", code="order.quantity_too_large", field=field, value=value
        )
    return value


def require_price(value: object, *, field: str = "price") -> int:
    """A unit or per-kg price: whole rupiah, strictly positive."""
    if not _is_int(value):
        raise ValidationFailed(
            f"{field} must be whole rupiah", code="order.price_not_integer", field=field
        )
    assert isinstance(value, int)
    if value <= 0:
        raise ValidationFailed(
            f"{field} must be greater than zero",
            code="order.price_not_positive",
            field=field,
            value=value,
        )
    if value > MAX_AMOUNT:
        raise ValidationFailed(f"{field} is too large", code="order.price_too_large", field=field)
    return value


def require_bps(value: object, *, field: str, maximum: int = BPS) -> int:
    """A rate in basis points, 0 ..= maximum (10,000 = 100 %)."""
    if not _is_int(value):
        raise ValidationFailed(
            f"{field} must be whole basis points", code="order.rate_invalid", field=field
        )
    assert isinstance(value, int)
    if not 0 <= value <= maximum:
        raise ValidationFailed(
            f"{field} must be between 0 and {maximum} basis points",
            code="order.rate_invalid",
            field=field,
            value=value,
        )
    return value


def round_half_up(value: Fraction) -> int:
    """Nearest whole rupiah, halves up. Only used on non-negative amounts."""
    if value < 0:
        return -round_half_up(-value)
    return int((value + Fraction(1, 2)).__floor__())


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def weighed_amount(price_per_kg: int, grams: int) -> int:
    """Rupiah for `grams` at `price_per_kg`, rounded half up (monotone in `grams`)."""
    return round_half_up(Fraction(price_per_kg * grams, GRAMS_PER_KG))
