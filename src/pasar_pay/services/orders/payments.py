"""A checkout is paid only by the bank's callback: the QRIS notification for its intent.

Called by `banking.qris_notify` inside the notification's transaction, after the inbox has
made the callback exactly-once. A success for a live checkout of the exact amount books, per
order, the receipt and the refund hold (one linked batch), consumes the reserved stock and
moves every order to `paid`. Money that cannot be applied (checkout expired or cancelled, a
different amount) is still booked, to `city:suspense`, and parked for review: never dropped.
"""

from __future__ import annotations

from datetime import datetime

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.ledger import EntryKind
from pasar_pay.domain.orders.ledger_plan import draft, pair
from pasar_pay.domain.orders.state import OrderState, Role
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.orders import lifecycle, money
from pasar_pay.services.orders.checkout import close_checkout, consume_stock
from pasar_pay.services.orders.ports import OrderFilter
from pasar_pay.services.ports import UnitOfWork


class OrderPayments:
    def __init__(self, ledger: LedgerService) -> None:
        self._ledger = ledger

    def on_qris_paid(
        self,
        uow: UnitOfWork,
        *,
        intent_id: str,
        bank: str,
        amount: int,
        payment_id: str,
        paid_at: datetime,
        now: datetime,
    ) -> tuple[str, str | None, str | None]:
        """(outcome, entry id, problem): `order_paid`, or `order_parked` and why (the kind of
        the review exception, e.g. `order_checkout_expired`)."""
        checkout = uow.orders.checkout_by_intent(intent_id)
        problem = None
        if checkout is None:
            problem = "order_checkout_unknown"
        elif checkout.status == "awaiting_payment" and checkout.expires_at <= now:
            # Too late: the reservations lapsed and the stock may be gone. Expire it now and
            # park the money for a refund rather than sell what may not be there.
            close_checkout(uow, checkout, OrderState.EXPIRED, Role.SYSTEM, f"bank:{bank}", now)
            problem = "order_checkout_expired"
        elif checkout.status != "awaiting_payment":
            problem = f"order_checkout_{checkout.status}"
        elif amount != checkout.amount:
            problem = "order_amount_differs"
        if problem is not None:
            return "order_parked", self._park(uow, bank, amount, payment_id, paid_at, now), problem
        assert checkout is not None
        orders = uow.orders.orders(OrderFilter(checkout=checkout.id), None, 1000)
        booked = money.book_payments(self._ledger, uow, orders, bank, paid_at, now)
        for order in booked:
            uow.orders.save_order(order)
            consume_stock(uow, order.id, now)
            lifecycle.move(uow, order, OrderState.PAID, Role.SYSTEM, f"bank:{bank}", now)
        uow.orders.set_checkout_status(checkout.id, "paid", now, paid=True)
        uow.banks.set_intent_status(intent_id, "paid", now, payment_id)
        return "order_paid", booked[0].hold_entry_id if booked else None, None

    def _park(
        self,
        uow: UnitOfWork,
        bank: str,
        amount: int,
        payment_id: str,
        paid_at: datetime,
        now: datetime,
    ) -> str:
        specs = (chart.order_clearing(bank), chart.SUSPENSE)
        uow.ledger.open_accounts([chart.order_clearing(bank)], now)
        entries = self._ledger.write(
            uow,
            [
                draft(
                    EntryKind.STANDARD,
                    pair(*specs, amount),
                    specs,
                    paid_at,
                    f"order payment {payment_id} parked for review",
                    f"QR:{bank}:{payment_id}"[:120],
                )
            ],
        )
        return entries[0].id
