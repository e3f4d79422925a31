"""Balanced ledger entries for online orders (prepaid), as `EntryDraft`s for linked batches.

Scheme: **posted receipt + refund hold.**

1. Payment received: a posted entry Dr `city:clearing:BANK` / Cr `vendor:V:payable` (the money
   is really at the bank today, so the clearing account reconciles with the bank statement the
   same day), plus a PENDING hold Dr `vendor:V:payable` / Cr `city:clearing:BANK` for the same
   amount. The hold is the shopper's claim to a refund: its pending debit makes the vendor's
   *available* payable zero for this order, and the payable's balance rule (debits, holds
   included, never exceed credits) guarantees nothing else can spend it.
2. Refund before completion (rejection, cancellation, weighing difference, removed line,
   dispute): the hold is **posted** for the refund amount (Dr payable / Cr clearing: the money
   leaves the bank) and, if anything remains, a new hold is placed for the remainder.
3. Completion: the hold is **voided** (the shopper's claim ends, the money becomes available)
   and the commission is recognised: Dr payable / Cr `city:revenue:commission`.
4. Payout batch, per vendor per day (`payout`): Dr payable / Cr clearing for the net of the
   completed orders; optionally (vendor opted in) part of it netted against retribution arrears:
   Dr payable / Cr `market:M:receivable:V`, one entry per market on that market's chain.

Why not the "pending receipt" (Dr clearing / Cr payable as a hold until completion)? Then the
bank's money would not be on the posted books for days, three-way reconciliation of the bank
statement would fail every day, a refund would be a void (no posted money movement matching
the bank's outgoing transfer), and the hold-expiry job voiding an old hold would make received
money vanish. Here an expired hold, at worst, releases money to the vendor early; holds get an
expiry beyond the longest order life (placement + 30 days is suggested) and orders complete or
refund well before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pasar_pay.domain.accounts import (
    COMMISSION_REVENUE,
    AccountSpec,
    Side,
    order_clearing,
    vendor_payable,
)
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, chain_for, validate_postings
from pasar_pay.domain.money import require_amount
from pasar_pay.domain.orders.quantities import require_non_negative

D, C = Side.DEBIT, Side.CREDIT
# Every order's ledger reference starts with this; `expire-holds` leaves such holds alone.
ORDER_REF_PREFIX = "ORD-"


@dataclass(frozen=True, slots=True)
class Hold:
    """An order's open refund hold, as recorded (the ledger assigns `entry_id`)."""

    entry_id: str
    order_ref: str
    vendor: str
    bank: str
    amount: int

    def postings(self) -> tuple[Posting, ...]:
        return pair(vendor_payable(self.vendor), order_clearing(self.bank), self.amount)


def pair(debit: AccountSpec, credit: AccountSpec, amount: int) -> tuple[Posting, ...]:
    return (Posting(debit.code, D, amount), Posting(credit.code, C, amount))


def draft(
    kind: EntryKind,
    postings: tuple[Posting, ...],
    specs: Sequence[AccountSpec],
    at: datetime,
    description: str,
    reference: str,
    *,
    pending_id: str | None = None,
    expires_at: datetime | None = None,
) -> EntryDraft:
    validate_postings(postings)
    return EntryDraft(
        kind=kind,
        postings=postings,
        effective_at=at,
        description=description,
        chain=chain_for(specs),
        reference=reference,
        metadata={"source": "orders"},
        pending_id=pending_id,
        expires_at=expires_at,
    )


def _hold_draft(
    order_ref: str, vendor: str, bank: str, amount: int, at: datetime, expires_at: datetime
) -> EntryDraft:
    specs = (vendor_payable(vendor), order_clearing(bank))
    return draft(
        EntryKind.PENDING,
        pair(*specs, amount),
        specs,
        at,
        f"refund hold for order {order_ref}",
        order_ref,
        expires_at=expires_at,
    )


def payment_received(
    order_ref: str, vendor: str, bank: str, amount: int, at: datetime, hold_expires_at: datetime
) -> tuple[EntryDraft, EntryDraft]:
    """The receipt (posted) and the refund hold (pending): record them as one linked batch."""
    require_amount(amount, field="amount")
    if hold_expires_at <= at:
        raise ValidationFailed("the hold must expire after the payment", code="order.ttl_invalid")
    specs = (order_clearing(bank), vendor_payable(vendor))
    receipt = draft(
        EntryKind.STANDARD,
        pair(*specs, amount),
        specs,
        at,
        f"payment for order {order_ref}",
        order_ref,
    )
    return receipt, _hold_draft(order_ref, vendor, bank, amount, at, hold_expires_at)


def refund_before_completion(
    hold: Hold, refund: int, at: datetime, hold_expires_at: datetime
) -> tuple[EntryDraft, ...]:
    """Post `refund` of the hold; re-hold the remainder (if any) under a new hold."""
    require_amount(refund, field="refund")
    if refund > hold.amount:
        raise ValidationFailed(
            "cannot refund more than is held",
            code="order.refund_exceeds_hold",
            held=hold.amount,
            refund=refund,
        )
    specs = (vendor_payable(hold.vendor), order_clearing(hold.bank))
    post = draft(
        EntryKind.POST_PENDING,
        pair(*specs, refund),
        specs,
        at,
        f"refund for order {hold.order_ref}",
        hold.order_ref,
        pending_id=hold.entry_id,
    )
    rest = hold.amount - refund
    if rest == 0:
        return (post,)
    return post, _hold_draft(hold.order_ref, hold.vendor, hold.bank, rest, at, hold_expires_at)


def completion(hold: Hold, commission: int, at: datetime) -> tuple[EntryDraft, ...]:
    """Release the hold and recognise the commission (0 allowed: no commission entry)."""
    require_non_negative(commission, field="commission")
    if commission > hold.amount:
        raise ValidationFailed(
            "commission exceeds the order's amount", code="order.commission_exceeds_amount"
        )
    specs = (vendor_payable(hold.vendor), order_clearing(hold.bank))
    void = draft(
        EntryKind.VOID_PENDING,
        hold.postings(),
        specs,
        at,
        f"order {hold.order_ref} completed",
        hold.order_ref,
        pending_id=hold.entry_id,
    )
    if commission == 0:
        return (void,)
    cspecs = (vendor_payable(hold.vendor), COMMISSION_REVENUE)
    fee = draft(
        EntryKind.STANDARD,
        pair(*cspecs, commission),
        cspecs,
        at,
        f"commission on order {hold.order_ref}",
        hold.order_ref,
    )
    return void, fee


def refund_after_completion(
    order_ref: str, vendor: str, bank: str, refund: int, commission_back: int, at: datetime
) -> EntryDraft:
    """A refund once the order is completed: the vendor bears it less the commission given
    back (`commission.commission_reduction`). Refused by the ledger if already paid out."""
    require_amount(refund, field="refund")
    require_non_negative(commission_back, field="commission_back")
    if commission_back > refund:
        raise ValidationFailed("commission back exceeds the refund", code="order.refund_invalid")
    payable, clearing = vendor_payable(vendor), order_clearing(bank)
    postings = [Posting(clearing.code, C, refund)]
    if refund > commission_back:
        postings.insert(0, Posting(payable.code, D, refund - commission_back))
    if commission_back:
        postings.insert(0, Posting(COMMISSION_REVENUE.code, D, commission_back))
    specs = (payable, clearing, COMMISSION_REVENUE)
    return draft(
        EntryKind.STANDARD, tuple(postings), specs, at, f"refund for order {order_ref}", order_ref
    )
