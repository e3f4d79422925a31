"""Orders after placement: reading them in scope, moving them, picking (weighing,
substitution, removal), the shopper's approvals, dispute refunds and completion.

Each command is one transaction with the order row locked, so concurrent moves of one order
serialise and the second sees the first's state (and is refused naming it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pasar_pay.domain.access import Principal
from pasar_pay.domain.access import Role as AccessRole
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.orders.commission import (
    CommissionLine,
    CommissionRule,
    CommissionSchedule,
    commission_for,
)
from pasar_pay.domain.orders.quantities import weighed_amount
from pasar_pay.domain.orders.settlement import (
    Answer,
    RefundRoute,
    SubstitutionOutcome,
    SubstitutionProposal,
    approve_weighing,
    decide_substitution,
    refund_route,
    weigh,
)
from pasar_pay.domain.orders.state import OrderPolicy, OrderState, PaymentMode, Role
from pasar_pay.services.idempotency import IdempotencyKey, Outcome, run_once
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.orders import lifecycle, money
from pasar_pay.services.orders.checkout import close_checkout, consume_stock, release_stock
from pasar_pay.services.orders.ports import LineRecord, OrderFilter, OrderRecord
from pasar_pay.services.orders.views import order_view
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

_ROLE = {
    AccessRole.SHOPPER: Role.SHOPPER,
    AccessRole.VENDOR: Role.VENDOR,
    AccessRole.MANAGER: Role.MANAGER,
    AccessRole.FINANCE: Role.MANAGER,
}
SETTLED = frozenset({"weighed", "substituted", "removed"})
PREPAID = PaymentMode.PREPAID.value
# The published fallback when no rule is configured: no commission (nothing is invented).
NO_COMMISSION = CommissionRule(0, legal_basis="no commission rule published")


@dataclass(frozen=True, slots=True)
class Timeouts:
    approval: timedelta = timedelta(minutes=10)  # the shopper's time to answer
    acceptance: timedelta = timedelta(minutes=30)  # a paid order the vendor ignores is rejected
    policy: OrderPolicy = field(default_factory=OrderPolicy)


def domain_role(caller: Principal) -> Role:
    role = _ROLE.get(caller.role)
    if role is None:
        raise NotFound("order not found", code="order.not_found")
    return role


def visible_order(
    uow: UnitOfWork, caller: Principal, order_id: str, *, lock: bool = False
) -> OrderRecord:
    """The order if the caller may see it; otherwise "not found" (never "forbidden")."""
    order = uow.orders.order(order_id, lock=lock)
    if order is None:
        raise NotFound("order not found", code="order.not_found")
    seen = {
        AccessRole.SHOPPER: order.shopper == caller.key_id,
        AccessRole.VENDOR: order.vendor_code == caller.vendor_code,
        AccessRole.MANAGER: caller.sees_market(order.market_code),
        AccessRole.FINANCE: True,
    }.get(caller.role, False)
    if not seen:
        raise NotFound("order not found", code="order.not_found")
    return order


def schedule(uow: UnitOfWork) -> CommissionSchedule:
    rules = uow.orders.commission_rules()
    default = next((r for r in rules if r.market_code is None and r.category is None), None)
    specific = tuple(r for r in rules if r.market_code is not None or r.category is not None)
    return CommissionSchedule(default or NO_COMMISSION, specific)


def _line(uow: UnitOfWork, order: OrderRecord, line_id: str) -> LineRecord:
    for line in uow.orders.lines(order.id):
        if line.line.line_id == line_id:
            return line
    raise NotFound("line not found", code="order.line_not_found", line_id=line_id)


def _require_state(order: OrderRecord, *states: OrderState) -> None:
    if order.state not in {s.value for s in states}:
        raise Conflict(
            f"not possible while the order is {order.state}",
            code="order.invalid_state",
            state=order.state,
            expected=[s.value for s in states],
        )


class OrderService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        timeouts: Timeouts | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._t = timeouts or Timeouts()

    # reading ---------------------------------------------------------------------------
    def get(self, caller: Principal, order_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            return order_view(uow, visible_order(uow, caller, order_id))

    def list(
        self, caller: Principal, state: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        flt = {
            AccessRole.SHOPPER: OrderFilter(shopper=caller.key_id, state=state),
            AccessRole.VENDOR: OrderFilter(vendor=caller.vendor_code or "-", state=state),
            AccessRole.MANAGER: OrderFilter(markets=caller.markets, state=state),
            AccessRole.FINANCE: OrderFilter(state=state),
        }[caller.role]
        limit = min(max(limit, 1), 200)
        with self._uow() as uow:
            rows = uow.orders.orders(flt, cursor, limit + 1)
            items = [order_view(uow, o, full=False) for o in rows[:limit]]
        return items, (rows[limit - 1].id if len(rows) > limit else None)

    # moving ----------------------------------------------------------------------------
    def transition(
        self, caller: Principal, order_id: str, target: str, reason: str | None
    ) -> dict[str, Any]:
        try:
            wanted = OrderState(target)
        except ValueError:
            raise ValidationFailed(
                "unknown order state", code="order.state_unknown", target=target
            ) from None
        role = domain_role(caller)
        with self._uow() as uow:
            order = visible_order(uow, caller, order_id, lock=True)
            order = self.apply(uow, order, wanted, role, caller.key_id, reason)
            view = order_view(uow, order)
            uow.commit()
        return view

    def apply(
        self,
        uow: UnitOfWork,
        order: OrderRecord,
        target: OrderState,
        role: Role,
        actor: str | None,
        reason: str | None,
    ) -> OrderRecord:
        """A move and its consequences for stock and money (also used by the jobs)."""
        now = self._clock()
        paid = order.mode == PREPAID and order.hold_entry_id is not None
        if target in (OrderState.CANCELLED, OrderState.EXPIRED) and not paid:
            checkout = uow.orders.checkout(order.checkout_id, lock=True)
            if order.mode == PREPAID and checkout is not None:
                # One payment covers the whole checkout: it is given up as a whole.
                lifecycle.track_of(order).apply(target, role, now)
                close_checkout(uow, checkout, target, role, actor, now)
                fresh = uow.orders.order(order.id)
                assert fresh is not None
                return fresh
            order = lifecycle.move(uow, order, target, role, actor, now, reason=reason)
            release_stock(uow, order.id, now)
            return order
        if target is OrderState.READY:
            self._require_settled(uow, order)
        if target is OrderState.COMPLETED:
            lifecycle.track_of(order).apply(target, role, now, policy=self._t.policy)
            order = self._complete(uow, order, now)
        moved = lifecycle.move(
            uow, order, target, role, actor, now, reason=reason, policy=self._t.policy
        )
        if target is OrderState.ACCEPTED and order.mode != PREPAID:
            consume_stock(uow, order.id, now)
        if target in (OrderState.REJECTED, OrderState.CANCELLED):
            moved = self._refund_all(uow, moved, f"order {target.value}", now)
            self._restock(uow, moved, now)
        return moved

    def _require_settled(self, uow: UnitOfWork, order: OrderRecord) -> None:
        open_weighed = [
            r.line.line_id
            for r in uow.orders.lines(order.id)
            if (r.line.weighed and r.outcome not in SETTLED) or r.outcome == "pending"
        ]
        if open_weighed:
            raise Conflict(
                "weigh every weighed line and settle pending approvals first",
                code="order.lines_unsettled",
                state=order.state,
                lines=open_weighed,
            )

    def _complete(self, uow: UnitOfWork, order: OrderRecord, now: datetime) -> OrderRecord:
        lines = uow.orders.lines(order.id)
        charged = sum(r.settled_charge for r in lines)
        if order.mode == PREPAID and charged != order.held - order.refunded:
            raise Conflict(  # never expected: lines and money disagree, so stop
                "the lines do not add up to what was paid less refunds",
                code="order.settlement_unbalanced",
                charged=charged,
                paid=order.held,
                refunded=order.refunded,
            )
        breakdown = commission_for(
            schedule(uow),
            order.market_code,
            [CommissionLine(r.line.line_id, r.line.category, r.settled_charge) for r in lines],
        )
        rates = {rate for _, rate in breakdown.rates_bps}
        money.complete(self._ledger, uow, order, breakdown.commission, now)
        done = replace(
            order,
            commission=breakdown.commission,
            commission_bps=rates.pop() if len(rates) == 1 else None,
            hold_entry_id=None if order.mode == PREPAID else order.hold_entry_id,
        )
        uow.orders.save_order(done)
        return done

    def _refund_all(
        self, uow: UnitOfWork, order: OrderRecord, reason: str, now: datetime
    ) -> OrderRecord:
        left = order.held - order.refunded
        if order.mode != PREPAID or order.hold_entry_id is None or left <= 0:
            return order
        refunded = money.refund(self._ledger, uow, order, left, RefundRoute.CHANNEL, reason, now)
        for record in uow.orders.lines(order.id):
            uow.orders.save_line(
                replace(record, charge=0, refund=record.line.held_amount, outcome="removed")
            )
        uow.orders.save_order(refunded)
        lifecycle.announce(uow, refunded, "order.refunded", now)
        return refunded

    @staticmethod
    def _restock(uow: UnitOfWork, order: OrderRecord, now: datetime) -> None:
        """An order that will not be delivered gives its stock back: still-open reservations
        are released; stock already taken (paid, or a cash order accepted) is put back."""
        if uow.orders.open_reservations(order.id):
            release_stock(uow, order.id, now)
            return
        for record in uow.orders.lines(order.id):
            line = record.line
            qty = line.quantity or (line.estimated_grams or 0) + line.tolerance_grams
            uow.orders.adjust_stock(line.product_id, qty, now)

    # picking ---------------------------------------------------------------------------
    def weigh(
        self, caller: Principal, order_id: str, line_id: str, actual_grams: int
    ) -> dict[str, Any]:
        with self._uow() as uow:
            order = self._vendor_order(uow, caller, order_id, OrderState.PICKING)
            record = _line(uow, order, line_id)
            if record.outcome != "open":
                raise Conflict(
                    "the line is already settled",
                    code="order.line_settled",
                    line_id=line_id,
                    outcome=record.outcome,
                )
            w = weigh(record.line, actual_grams, PaymentMode(order.mode))
            weighed = replace(record, actual_grams=actual_grams, charge=w.charge, refund=w.refund)
            now = self._clock()
            if w.needs_approval:
                uow.orders.save_line(replace(weighed, outcome="pending", note="weighing"))
                reason = f"line {line_id} weighed {actual_grams} g, asked {w.estimated_grams} g"
                order = lifecycle.move(
                    uow,
                    order,
                    OrderState.AWAITING_APPROVAL,
                    Role.VENDOR,
                    caller.key_id,
                    now,
                    reason=reason,
                )
            else:
                order = self._settle(uow, order, replace(weighed, outcome="weighed"), now)
            view = order_view(uow, order)
            uow.commit()
        return view

    def substitute(
        self, caller: Principal, order_id: str, line_id: str, product_id: str | None
    ) -> dict[str, Any]:
        """Out of stock: propose a substitute (`product_id`) or remove the line (None)."""
        with self._uow() as uow:
            order = self._vendor_order(uow, caller, order_id, OrderState.PICKING)
            record = _line(uow, order, line_id)
            if record.outcome != "open":
                raise Conflict(
                    "the line is already settled",
                    code="order.line_settled",
                    line_id=line_id,
                    outcome=record.outcome,
                )
            now = self._clock()
            proposal = None
            if product_id is not None:
                proposal = self._proposal(uow, order, record, product_id)
            deadline = now + self._t.approval
            decision = decide_substitution(record.line, proposal, None, now, deadline)
            if decision.outcome is SubstitutionOutcome.PENDING:
                assert proposal is not None
                note = json.dumps({"substitute": proposal.product_id, "amount": proposal.amount})
                uow.orders.save_line(replace(record, outcome="pending", note=note))
                order = lifecycle.move(
                    uow,
                    order,
                    OrderState.AWAITING_APPROVAL,
                    Role.VENDOR,
                    caller.key_id,
                    now,
                    reason=f"substitute proposed for line {line_id}",
                )
            else:
                order = self._settle_substitution(
                    uow,
                    order,
                    record,
                    decision.outcome,
                    decision.charge,
                    decision.refund,
                    proposal,
                    now,
                )
            view = order_view(uow, order)
            uow.commit()
        return view

    def answer(self, caller: Principal, order_id: str, line_id: str, answer: str) -> dict[str, Any]:
        """The shopper approves or refuses a weighing or substitution awaiting approval."""
        try:
            said = Answer(answer)
        except ValueError:
            raise ValidationFailed(
                "answer approve or refuse", code="order.answer_invalid"
            ) from None
        with self._uow() as uow:
            order = visible_order(uow, caller, order_id, lock=True)
            if caller.role is not AccessRole.SHOPPER:
                raise NotFound("order not found", code="order.not_found")
            _require_state(order, OrderState.AWAITING_APPROVAL)
            record = _line(uow, order, line_id)
            if record.outcome != "pending":
                raise Conflict(
                    "the line awaits no answer",
                    code="order.line_settled",
                    line_id=line_id,
                    outcome=record.outcome,
                )
            order = self.decide(uow, order, record, said, Role.SHOPPER, caller.key_id)
            view = order_view(uow, order)
            uow.commit()
        return view

    def decide(
        self,
        uow: UnitOfWork,
        order: OrderRecord,
        record: LineRecord,
        said: Answer | None,
        role: Role,
        actor: str | None,
    ) -> OrderRecord:
        """Settle a pending line by the answer, or (None, after the deadline) by the default."""
        now = self._clock()
        deadline = order.updated_at + self._t.approval
        if record.note == "weighing":
            assert record.actual_grams is not None
            w = weigh(record.line, record.actual_grams, PaymentMode(order.mode))
            decided = approve_weighing(w, said, now, deadline)
            if decided is None:
                return order
            if decided is Answer.APPROVE:
                order = self._settle(uow, order, replace(record, outcome="weighed", note=None), now)
            else:
                removed = replace(
                    record,
                    outcome="removed",
                    charge=0,
                    refund=record.line.held_amount if order.mode == PREPAID else 0,
                    note="weighing refused",
                )
                order = self._settle(uow, order, removed, now)
        else:
            data = json.loads(record.note or "{}")
            proposal = SubstitutionProposal(record.line.line_id, data["substitute"], data["amount"])
            d = decide_substitution(record.line, proposal, said, now, deadline)
            if d.outcome is SubstitutionOutcome.PENDING:
                return order
            order = self._settle_substitution(
                uow, order, record, d.outcome, d.charge, d.refund, proposal, now
            )
        if not any(r.outcome == "pending" for r in uow.orders.lines(order.id)):
            order = lifecycle.move(
                uow, order, OrderState.PICKING, role, actor, now, reason="approvals settled"
            )
        return order

    def _proposal(
        self, uow: UnitOfWork, order: OrderRecord, record: LineRecord, product_id: str
    ) -> SubstitutionProposal:
        sub = uow.orders.product(product_id)
        line = record.line
        if (
            sub is None
            or sub.product.stall_id != order.stall_code
            or sub.product.unit is not line.unit
        ):
            raise ValidationFailed(
                "the substitute must be a product of the same stall sold in the same unit",
                code="order.substitution_invalid",
                line_id=line.line_id,
            )
        if line.weighed:
            amount = weighed_amount(sub.product.price, line.estimated_grams or 0)
        else:
            amount = sub.product.price * (line.quantity or 0)
        return SubstitutionProposal(line.line_id, product_id, amount)

    def _settle_substitution(
        self,
        uow: UnitOfWork,
        order: OrderRecord,
        record: LineRecord,
        outcome: SubstitutionOutcome,
        charge: int,
        refund: int,
        proposal: SubstitutionProposal | None,
        now: datetime,
    ) -> OrderRecord:
        note = (
            f"substituted by {proposal.product_id}"
            if (outcome is SubstitutionOutcome.SUBSTITUTED and proposal is not None)
            else "removed"
        )
        settled = replace(
            record,
            outcome=outcome.value,
            charge=charge,
            refund=refund if order.mode == PREPAID else 0,
            note=note,
        )
        return self._settle(uow, order, settled, now)

    def _settle(
        self, uow: UnitOfWork, order: OrderRecord, record: LineRecord, now: datetime
    ) -> OrderRecord:
        """Record a settled line; a prepaid difference is refunded at once (channel or credit)."""
        uow.orders.save_line(record)
        if order.mode != PREPAID or record.refund == 0:
            return order
        route = refund_route(uow.orders.market_options(order.market_code), record.refund)
        refunded = money.refund(
            self._ledger,
            uow,
            order,
            record.refund,
            route,
            f"line {record.line.line_id} {record.outcome}",
            now,
        )
        uow.orders.save_order(refunded)
        lifecycle.announce(uow, refunded, "order.refunded", now)
        return refunded

    def _vendor_order(
        self, uow: UnitOfWork, caller: Principal, order_id: str, state: OrderState
    ) -> OrderRecord:
        order = visible_order(uow, caller, order_id, lock=True)
        if caller.role is not AccessRole.VENDOR:
            raise NotFound("order not found", code="order.not_found")
        _require_state(order, state)
        return order

    # disputes --------------------------------------------------------------------------
    def dispute_refund(
        self,
        caller: Principal,
        order_id: str,
        line_id: str,
        amount: int,
        reason: str,
        idempotency_key: str | None,
    ) -> Outcome:
        """A partial refund of one line while the order is disputed (manager or vendor)."""
        if not idempotency_key:
            raise ValidationFailed(
                "an Idempotency-Key header is required for a refund",
                code="idempotency_key_required",
            )

        def work(uow: UnitOfWork) -> dict[str, Any]:
            order = visible_order(uow, caller, order_id, lock=True)
            if caller.role is AccessRole.SHOPPER:
                raise NotFound("order not found", code="order.not_found")
            _require_state(order, OrderState.DISPUTED)
            record = _line(uow, order, line_id)
            if amount > record.settled_charge:
                raise ValidationFailed(
                    "cannot refund more than the line's charge",
                    code="order.refund_exceeds_charge",
                    line_id=line_id,
                    charge=record.settled_charge,
                )
            now = self._clock()
            route = refund_route(uow.orders.market_options(order.market_code), amount)
            refunded = money.refund(self._ledger, uow, order, amount, route, reason, now)
            uow.orders.save_line(
                replace(
                    record, charge=record.settled_charge - amount, refund=record.refund + amount
                )
            )
            uow.orders.save_order(refunded)
            lifecycle.announce(uow, refunded, "order.refunded", now)
            return order_view(uow, refunded)

        return run_once(
            self._uow,
            self._clock,
            idem=IdempotencyKey(caller.idempotency_scope, idempotency_key),
            operation="orders.refund",
            request={"order": order_id, "line": line_id, "amount": amount, "reason": reason},
            work=work,
        )
