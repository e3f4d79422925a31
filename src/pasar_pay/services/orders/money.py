"""The order's money in the ledger, inside the caller's transaction (scheme: domain
`ledger_plan`): receipt + refund hold at payment, refunds posted from the hold (to the channel,
or kept as shopper credit), and at completion the hold voided and the commission recognised.
Cash-on-delivery orders move no shopper money through us: their commission is owed by the
vendor (`vendor:V:commission-due`) and taken from the next payout.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind
from pasar_pay.domain.orders.ledger_plan import (
    Hold,
    completion,
    draft,
    pair,
    payment_received,
    refund_before_completion,
)
from pasar_pay.domain.orders.settlement import RefundRoute
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.orders.ports import OrderRecord
from pasar_pay.services.ports import UnitOfWork

# Holds outlive any order; the hold sweeper skips order holds (ORDER_REF_PREFIX) anyway.
HOLD_LIFETIME = timedelta(days=90)
PREPAID = "prepaid"


def shopper_code(shopper_key: str) -> str:
    """Account segment for a shopper: the key id in upper case (a UUID fits the chart)."""
    return shopper_key.upper()


def open_accounts(uow: UnitOfWork, order: OrderRecord, bank: str | None, now: datetime) -> None:
    specs = [
        chart.vendor_payable(order.vendor_code),
        chart.vendor_commission_due(order.vendor_code),
    ]
    specs += [chart.shopper_credit(shopper_code(order.shopper)), chart.COMMISSION_REVENUE]
    if bank:
        specs.append(chart.order_clearing(bank))
    uow.ledger.open_accounts(specs, now)


def _hold(order: OrderRecord) -> Hold:
    assert order.hold_entry_id is not None
    assert order.bank_code is not None
    return Hold(
        order.hold_entry_id, order.id, order.vendor_code, order.bank_code, order.hold_amount
    )


def book_payments(
    ledger: LedgerService,
    uow: UnitOfWork,
    paid: list[OrderRecord],
    bank: str,
    at: datetime,
    now: datetime,
) -> list[OrderRecord]:
    """One linked batch for a checkout: per order, the receipt and its refund hold."""
    drafts: list[EntryDraft] = []
    for order in paid:
        open_accounts(uow, order, bank, now)
        drafts += payment_received(
            order.id, order.vendor_code, bank, order.held, at, now + HOLD_LIFETIME
        )
    stored = ledger.write(uow, drafts)
    holds = [e for e in stored if e.kind == EntryKind.PENDING.value]
    return [
        replace(o, hold_entry_id=h.id, hold_amount=o.held, bank_code=bank)
        for o, h in zip(paid, holds, strict=True)
    ]


def refund(
    ledger: LedgerService,
    uow: UnitOfWork,
    order: OrderRecord,
    amount: int,
    route: RefundRoute,
    reason: str,
    at: datetime,
) -> OrderRecord:
    """Refund `amount` of a prepaid order before completion (COD: only the amount due falls)."""
    if amount <= 0:
        return order
    if order.refunded + amount > order.held:
        raise ValidationFailed(
            "cannot refund more than the shopper paid",
            code="order.refund_exceeds_charge",
            paid=order.held,
            refunded=order.refunded,
            requested=amount,
        )
    if order.mode != PREPAID:
        uow.orders.add_refund(order.id, amount, "none", reason, at)
        return replace(order, refunded=order.refunded + amount, updated_at=at)
    if order.hold_entry_id is None or order.bank_code is None:
        raise ValidationFailed("the order is not paid", code="order.not_paid", state=order.state)
    drafts = list(refund_before_completion(_hold(order), amount, at, at + HOLD_LIFETIME))
    if route is RefundRoute.CREDIT:
        # The money stays at the bank and is owed to the shopper as credit instead.
        specs = (
            chart.order_clearing(order.bank_code),
            chart.shopper_credit(shopper_code(order.shopper)),
        )
        drafts.append(
            draft(
                EntryKind.STANDARD,
                pair(*specs, amount),
                specs,
                at,
                f"refund kept as credit for order {order.id}",
                order.id,
            )
        )
    stored = ledger.write(uow, drafts)
    rehold = next((e for e in stored if e.kind == EntryKind.PENDING.value), None)
    uow.orders.add_refund(order.id, amount, route.value, reason, at)
    return replace(
        order,
        refunded=order.refunded + amount,
        hold_entry_id=rehold.id if rehold else None,
        hold_amount=order.hold_amount - amount,
        updated_at=at,
    )


def complete(
    ledger: LedgerService, uow: UnitOfWork, order: OrderRecord, commission: int, at: datetime
) -> None:
    """Release the shopper's claim and recognise the commission."""
    if order.mode == PREPAID:
        if order.hold_entry_id is None:
            if commission:  # everything was refunded: nothing left to charge a fee on
                raise ValidationFailed(
                    "no money left for a commission", code="order.refund_invalid"
                )
            return
        ledger.write(uow, list(completion(_hold(order), commission, at)))
        return
    if commission:
        open_accounts(uow, order, None, at)
        specs = (chart.vendor_commission_due(order.vendor_code), chart.COMMISSION_REVENUE)
        ledger.write(
            uow,
            [
                draft(
                    EntryKind.STANDARD,
                    pair(*specs, commission),
                    specs,
                    at,
                    f"commission on cash order {order.id}",
                    order.id,
                )
            ],
        )
