"""Applying money to open bills: oldest first (due date, then bill id), partial payments
allowed, anything left over kept as the vendor's credit, credit applied to new bills.

Oldest first protects the vendor: the oldest bill is the one accruing interest and driving
warning letters. The result is a plan a ledger entry is built from; nothing here posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.money import require_amount


@dataclass(frozen=True, slots=True)
class OpenBill:
    bill_id: str
    due: date
    open_amount: int  # still unpaid, > 0

    def __post_init__(self) -> None:
        require_amount(self.open_amount, field="open_amount")


@dataclass(frozen=True, slots=True)
class BillApplication:
    bill_id: str
    amount: int
    settles: bool  # the bill is fully paid by this application


@dataclass(frozen=True, slots=True)
class Allocation:
    applied: tuple[BillApplication, ...]
    to_credit: int  # overpayment kept as vendor credit
    from_credit: int  # vendor credit consumed (when applying credit, not cash)

    @property
    def applied_total(self) -> int:
        return sum(a.amount for a in self.applied)


def oldest_first(bills: Iterable[OpenBill]) -> list[OpenBill]:
    ordered = sorted(bills, key=lambda b: (b.due, b.bill_id))
    ids = [b.bill_id for b in ordered]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(
            "the same bill is listed twice", code="billing.allocation_duplicate_bill"
        )
    return ordered


def _spread(amount: int, bills: Sequence[OpenBill]) -> tuple[tuple[BillApplication, ...], int]:
    remaining = amount
    applied: list[BillApplication] = []
    for bill in oldest_first(bills):
        if remaining == 0:
            break
        take = min(remaining, bill.open_amount)
        applied.append(BillApplication(bill.bill_id, take, take == bill.open_amount))
        remaining -= take
    return tuple(applied), remaining


def allocate_payment(amount: int, open_bills: Sequence[OpenBill]) -> Allocation:
    """A payment of `amount` (> 0): to open bills oldest first, the rest to credit.

    A second payment for an already-settled bill lands here with that bill absent from
    `open_bills`, so it pays older/newer open bills or becomes credit, never a second "paid".
    """
    require_amount(amount, field="payment")
    applied, rest = _spread(amount, open_bills)
    return Allocation(applied=applied, to_credit=rest, from_credit=0)


def apply_credit(credit_balance: int, open_bills: Sequence[OpenBill]) -> Allocation:
    """Use available vendor credit on open bills (e.g. when a new bill is issued)."""
    if isinstance(credit_balance, bool) or not isinstance(credit_balance, int):
        raise ValidationFailed("credit must be whole rupiah", code="billing.amount_not_integer")
    if credit_balance < 0:
        raise ValidationFailed(
            "credit balance must not be negative",
            code="billing.credit_negative",
            credit_balance=credit_balance,
        )
    if credit_balance == 0:
        return Allocation(applied=(), to_credit=0, from_credit=0)
    applied, rest = _spread(credit_balance, open_bills)
    return Allocation(applied=applied, to_credit=0, from_credit=credit_balance - rest)
