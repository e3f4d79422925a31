"""The order clock: what happens when nobody acts. Run periodically (`POST /orders/jobs/sweep`).

- unpaid checkouts past their reservation expire (stock released, code closed);
- cash orders the vendor did not accept before the reservation ran out expire;
- paid orders the vendor ignores past the acceptance timeout are rejected and refunded;
- approvals the shopper did not answer get the default (domain `settlement`);
- delivered or picked-up orders complete once the complaint window has closed; resolved
  disputes complete.

Each order is handled in its own transaction with its row locked, so a sweep running
alongside shoppers and vendors (or another sweep) never double-applies a move: a refusal
because someone moved the order first is simply skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from pasar_pay.domain.errors import Conflict
from pasar_pay.domain.orders.state import OrderState, Role
from pasar_pay.services.orders.checkout import close_checkout
from pasar_pay.services.orders.fulfilment import OrderService, Timeouts
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

JOB = "job:sweep"


@dataclass
class SweepReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


class OrderJobs:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        orders: OrderService,
        timeouts: Timeouts | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._orders = orders
        self._t = timeouts or Timeouts()

    def sweep(self, limit: int = 500) -> dict[str, int]:
        report = SweepReport()
        now = self._clock()
        with self._uow() as uow:
            checkouts = uow.orders.due_checkouts(now, limit)
            cod = uow.orders.due_cod_orders(now, limit)
            ignored = uow.orders.orders_in_states(["paid"], now - self._t.acceptance, limit)
            waiting = uow.orders.orders_in_states(
                ["awaiting_approval"], now - self._t.approval, limit
            )
            handed = uow.orders.orders_in_states(
                ["delivered", "picked_up"], now - self._t.policy.complaint_window, limit
            )
            resolved = uow.orders.orders_in_states(["resolved"], now, limit)
        for checkout_id in checkouts:
            self._one(report, "checkouts_expired", partial(self._expire, checkout_id=checkout_id))
        for order_id in cod:
            self._one(report, "cash_orders_expired", self._move(order_id, OrderState.EXPIRED))
        for order_id in ignored:
            self._one(report, "paid_orders_rejected", self._move(order_id, OrderState.REJECTED))
        for order_id in waiting:
            self._one(report, "approvals_defaulted", partial(self._default, order_id=order_id))
        for order_id in handed + resolved:
            self._one(report, "orders_completed", self._move(order_id, OrderState.COMPLETED))
        return report.counts

    def _one(self, report: SweepReport, what: str, work: Callable[[UnitOfWork], bool]) -> None:
        with self._uow() as uow:
            try:
                done = work(uow)
            except Conflict:
                uow.rollback()  # someone moved it first: nothing to do
                return
            uow.commit()
        if done:
            report.add(what)

    def _expire(self, uow: UnitOfWork, checkout_id: str) -> bool:
        checkout = uow.orders.checkout(checkout_id, lock=True)
        if checkout is None or checkout.status != "awaiting_payment":
            return False
        close_checkout(uow, checkout, OrderState.EXPIRED, Role.SYSTEM, JOB, self._clock())
        return True

    def _move(self, order_id: str, target: OrderState) -> Callable[[UnitOfWork], bool]:
        def work(uow: UnitOfWork) -> bool:
            order = uow.orders.order(order_id, lock=True)
            if order is None:
                return False
            reason = "timeout" if target is not OrderState.COMPLETED else None
            self._orders.apply(uow, order, target, Role.SYSTEM, JOB, reason)
            return True

        return work

    def _default(self, uow: UnitOfWork, order_id: str) -> bool:
        order = uow.orders.order(order_id, lock=True)
        if order is None or order.state != OrderState.AWAITING_APPROVAL.value:
            return False
        changed = False
        for record in uow.orders.lines(order_id):
            if record.outcome == "pending":
                order = self._orders.decide(uow, order, record, None, Role.SYSTEM, JOB)
                changed = True
        return changed
