"""The daily payout batch per vendor, with the commission on every line, and the optional
netting of retribution arrears (only if the vendor opted in).

Entries (see `ledger_plan` for the whole scheme): Dr `vendor:V:payable` / Cr
`market:M:receivable:V` per market netted (on that market's chain), then Dr `vendor:V:payable` /
Cr `city:clearing:BANK` for what is actually transferred. Only completed orders are listed:
their holds are voided, so the payable has them available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pasar_pay.domain.accounts import (
    market_receivable,
    order_clearing,
    vendor_commission_due,
    vendor_payable,
)
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind
from pasar_pay.domain.orders.ledger_plan import draft, pair
from pasar_pay.domain.orders.quantities import require_non_negative


@dataclass(frozen=True, slots=True)
class PayoutLine:
    """One completed order on a payout statement: the commission is always shown."""

    order_ref: str
    gross: int  # what the shopper paid (the held amount)
    refunded: int
    commission: int
    commission_bps: int | None = None  # the rate shown to the vendor (None: several rates)

    def __post_init__(self) -> None:
        for name in ("gross", "refunded", "commission"):
            require_non_negative(getattr(self, name), field=name)
        if self.net < 0:
            raise ValidationFailed(
                "refunds and commission exceed the order's amount",
                code="order.payout_line_negative",
                order_ref=self.order_ref,
            )

    @property
    def net(self) -> int:
        return self.gross - self.refunded - self.commission


@dataclass(frozen=True, slots=True)
class Arrear:
    market_code: str
    amount: int  # the vendor's open retribution at that market, oldest market first


@dataclass(frozen=True, slots=True)
class PayoutPlan:
    vendor: str
    day: date
    lines: tuple[PayoutLine, ...]
    netted: tuple[tuple[str, int], ...]  # (market, amount) taken for retribution arrears
    paid_out: int  # sent to the vendor's bank account
    drafts: tuple[EntryDraft, ...]
    commission_due_taken: int = 0  # commission owed on cash-on-delivery orders, settled here

    @property
    def net(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def commission(self) -> int:
        return sum(line.commission for line in self.lines)


def payout_batch(
    vendor: str,
    bank: str,
    day: date,
    at: datetime,
    lines: Sequence[PayoutLine],
    *,
    net_arrears: bool = False,
    arrears: Sequence[Arrear] = (),
    commission_due: int = 0,
) -> PayoutPlan:
    """The day's payout for one vendor. Netting only when the vendor opted in (`net_arrears`):
    arrears are taken in the order given (oldest first) up to the payout's net."""
    if not lines:
        raise ValidationFailed("a payout needs at least one order", code="order.payout_empty")
    refs = [line.order_ref for line in lines]
    if len(set(refs)) != len(refs):
        raise ValidationFailed("an order is paid out twice", code="order.payout_duplicate")
    if arrears and not net_arrears:
        raise ValidationFailed(
            "the vendor has not opted in to netting arrears", code="order.netting_not_opted_in"
        )
    left = sum(line.net for line in lines)
    ref = f"PAYOUT-{vendor}-{day.isoformat()}"
    netted: list[tuple[str, int]] = []
    drafts: list[EntryDraft] = []
    # The platform's own fee on cash orders comes first: it is not retribution, so it is
    # taken whatever the vendor chose about netting arrears.
    due_taken = min(require_non_negative(commission_due, field="commission_due"), left)
    if due_taken:
        left -= due_taken
        specs = (vendor_payable(vendor), vendor_commission_due(vendor))
        drafts.append(
            draft(
                EntryKind.STANDARD,
                pair(*specs, due_taken),
                specs,
                at,
                f"commission on cash orders settled from payout {day.isoformat()}",
                ref,
            )
        )
    for arrear in arrears:
        take = min(require_non_negative(arrear.amount, field="arrear"), left)
        if take == 0:
            continue
        left -= take
        netted.append((arrear.market_code, take))
        specs = (vendor_payable(vendor), market_receivable(arrear.market_code, vendor))
        drafts.append(
            draft(
                EntryKind.STANDARD,
                pair(*specs, take),
                specs,
                at,
                f"retribution arrears netted from payout {day.isoformat()}",
                ref,
            )
        )
    if left:
        specs = (vendor_payable(vendor), order_clearing(bank))
        drafts.append(
            draft(
                EntryKind.STANDARD,
                pair(*specs, left),
                specs,
                at,
                f"payout {day.isoformat()} ({len(lines)} orders)",
                ref,
            )
        )
    return PayoutPlan(vendor, day, tuple(lines), tuple(netted), left, tuple(drafts), due_taken)
