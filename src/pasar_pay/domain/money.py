"""Money is an integer number of rupiah. Never a float, never a formatted string."""

from __future__ import annotations

from typing import Any

from pasar_pay.domain.errors import ValidationFailed

# Far above any real movement (Rp 1e15 ~ the city's budget many times over) yet well inside
# BIGINT, so sums of many postings cannot overflow the database column.
MAX_AMOUNT = 10**15


def require_amount(value: Any, *, field: str = "amount") -> int:
    """Return `value` as a strictly positive integer of rupiah, or refuse it.

    `bool` is refused although it is an `int` subclass: `True` is not Rp 1.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            f"{field} must be an integer number of rupiah",
            code="amount_not_integer",
            field=field,
        )
    if value <= 0:
        raise ValidationFailed(
            f"{field} must be greater than zero", code="amount_not_positive", field=field
        )
    if value > MAX_AMOUNT:
        raise ValidationFailed(
            f"{field} exceeds the maximum of {MAX_AMOUNT}", code="amount_too_large", field=field
        )
    return value


def format_rupiah(amount: int) -> str:
    """Indonesian display form: `Rp 215.670` (dot groups thousands)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")
