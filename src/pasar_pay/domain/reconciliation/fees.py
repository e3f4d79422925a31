"""QRIS/VA merchant fees from basis points, in integer rupiah with an explicit rounding rule."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

BP_DENOMINATOR = 10_000


class Rounding(StrEnum):
    HALF_UP = "half_up"  # 0.5 rupiah and above rounds up (the usual acquirer practice)
    DOWN = "down"
    UP = "up"


@dataclass(frozen=True, slots=True)
class FeeRule:
    """How an acquirer turns a rate into rupiah, per payment (never per batch).

    `free_up_to`: payments at or below this gross pay no MDR (BI's UMI rule since
    1 Dec 2024: 0 % up to Rp 500,000, per transaction).
    """

    rounding: Rounding = Rounding.HALF_UP
    free_up_to: int = 0


def payment_fee(gross: int, mdr_bp: int, rule: FeeRule = FeeRule()) -> int:
    """Fee on one payment: gross × bp / 10,000, rounded by `rule`, integers only."""
    if gross < 0 or mdr_bp < 0:
        raise ValueError("gross and mdr_bp must not be negative")
    if gross <= rule.free_up_to:
        return 0
    scaled = gross * mdr_bp
    if rule.rounding is Rounding.HALF_UP:
        return (scaled + BP_DENOMINATOR // 2) // BP_DENOMINATOR
    if rule.rounding is Rounding.DOWN:
        return scaled // BP_DENOMINATOR
    return -(-scaled // BP_DENOMINATOR)


def batch_fee(grosses: list[int], mdr_bp: int, rule: FeeRule = FeeRule()) -> int:
    """Σ per-payment fees: rounding each payment, not the total, is what acquirers settle."""
    return sum(payment_fee(g, mdr_bp, rule) for g in grosses)
