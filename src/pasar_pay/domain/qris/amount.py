"""Tag 54: generate from an `int` of rupiah only; read both acquirer forms (`17000`, `500000.00`).

"Rp 215.670" is two hundred fifteen thousand rupiah in Indonesian notation, but `215.670` in
tag 54 means Rp 215.67: so amounts never come from floats or formatted strings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pasar_pay.domain.qris.errors import QrisBuildError

MAX_AMOUNT_LENGTH = 13
# Bank Indonesia's per-transaction QRIS cap.
QRIS_CAP_RUPIAH = 10_000_000

# Digits with at most one ".", and at least one digit ([0-9] is ASCII only).
_WIRE_AMOUNT = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+")


def format_amount(rupiah: int) -> str:
    """`215670` for Rp 215.670. Refuses bool, float, str, Decimal, zero, negatives, > cap."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int):
        raise QrisBuildError(
            f"amount must be an int number of rupiah, not {type(rupiah).__name__}",
            code="qris.amount_type",
            field="amount",
        )
    if rupiah <= 0:
        raise QrisBuildError("amount must be positive", code="qris.amount_range", field="amount")
    if rupiah > QRIS_CAP_RUPIAH:
        raise QrisBuildError(
            f"amount {rupiah} exceeds the QRIS cap of Rp {QRIS_CAP_RUPIAH}",
            code="qris.amount_over_cap",
            field="amount",
        )
    return str(rupiah)


def amount_problem(text: str) -> str | None:
    """None if `text` is a well-formed EMVCo amount, else a finding code."""
    if len(text) > MAX_AMOUNT_LENGTH:
        return "qris.amount_too_long"
    if _WIRE_AMOUNT.fullmatch(text) is None:
        return "qris.amount_format"
    if not text.replace(".", "").strip("0"):
        return "qris.amount_zero"
    return None


def parse_amount(text: str) -> Decimal:
    """The amount in rupiah; call only on text for which `amount_problem` is None."""
    return Decimal(text)
