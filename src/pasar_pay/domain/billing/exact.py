"""Exact numbers for billing: never a float. Two rounding rules, each used for one reason.

- Tariff amounts round **half up** to whole rupiah (`round_half_up`). A tariff is the exact
  amount owed, so the nearest rupiah is the fairest representation; bill_calc carries the
  remainder within a month so splitting a month into daily bills never adds or loses a rupiah.
- Penalties round **down** (`floor_rupiah`). A sanction must never exceed the statutory
  percentage, and flooring each month's interest guarantees that for any principal.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pasar_pay.domain.errors import ValidationFailed

ExactNumber = int | Fraction | Decimal | str


def to_fraction(value: object, *, field: str) -> Fraction:
    """Convert an int, Fraction, Decimal or decimal string exactly; refuse floats and bools.

    A float such as 2.3 is already inexact (2.29999…), so it is refused rather than guessed.
    """
    if isinstance(value, bool | float):
        raise ValidationFailed(
            f"{field} must be exact (int, Fraction, Decimal or decimal string), not {value!r}",
            code="billing.inexact_number",
            field=field,
        )
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationFailed(
                f"{field} must be finite", code="billing.inexact_number", field=field
            )
        return Fraction(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except ArithmeticError:
            parsed = Decimal("NaN")
        if not parsed.is_finite():
            raise ValidationFailed(
                f"{field} is not a decimal number: {value!r}",
                code="billing.inexact_number",
                field=field,
            )
        return Fraction(parsed)
    raise ValidationFailed(
        f"{field} must be a number, not {type(value).__name__}",
        code="billing.inexact_number",
        field=field,
    )


def round_half_up(value: Fraction) -> int:
    """Nearest whole rupiah, halves away from zero (Rp 0.5 → Rp 1). Amounts here are ≥ 0."""
    if value < 0:
        return -round_half_up(-value)
    return int((value + Fraction(1, 2)).__floor__())


def floor_rupiah(value: Fraction) -> int:
    """Whole rupiah, rounded down."""
    return int(value.__floor__())


def require_non_negative_int(value: object, *, field: str) -> int:
    """Tariff figures and fees: whole rupiah, zero allowed (a component may not apply)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            f"{field} must be an integer number of rupiah",
            code="billing.amount_not_integer",
            field=field,
        )
    if value < 0:
        raise ValidationFailed(
            f"{field} must not be negative", code="billing.amount_negative", field=field
        )
    return value
