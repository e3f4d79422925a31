"""The order state machine (one order per stall), with who may make each move.

    placed → awaiting_payment → paid → accepted | rejected
    accepted → picking → (awaiting_approval ⇄ picking) → ready
    ready → out_for_delivery → delivered | ready → ready_for_pickup → picked_up
    delivered | picked_up → completed, or → disputed → resolved → completed

`expired` and `cancelled` are terminal and only reachable before acceptance. Cash-on-delivery
orders skip payment: `placed → accepted | rejected` directly (and prepaid orders may not).
A dispute is opened by the shopper within the complaint window after delivery (default 48 h);
the system completes a delivered order only once that window has closed (the shopper may
confirm earlier). The commission is recognised at `completed`, so every refund (weighing,
substitution, dispute) happens before it and the commission is computed once on the net amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pasar_pay.domain.errors import Conflict, Forbidden, ValidationFailed


class OrderState(StrEnum):
    PLACED = "placed"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PICKING = "picking"
    AWAITING_APPROVAL = "awaiting_approval"
    READY = "ready"
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    RESOLVED = "resolved"


class Role(StrEnum):
    SHOPPER = "shopper"
    VENDOR = "vendor"
    SYSTEM = "system"
    MANAGER = "manager"


class PaymentMode(StrEnum):
    PREPAID = "prepaid"
    CASH_ON_DELIVERY = "cash_on_delivery"


S = OrderState
R = Role
_ANY_MODE = frozenset(PaymentMode)
_PREPAID = frozenset({PaymentMode.PREPAID})
_COD = frozenset({PaymentMode.CASH_ON_DELIVERY})


@dataclass(frozen=True, slots=True)
class Transition:
    source: OrderState
    target: OrderState
    roles: frozenset[Role]
    modes: frozenset[PaymentMode] = _ANY_MODE


def _t(source: S, target: S, *roles: R, modes: frozenset[PaymentMode] = _ANY_MODE) -> Transition:
    return Transition(source, target, frozenset(roles), modes)


TRANSITIONS: tuple[Transition, ...] = (
    _t(S.PLACED, S.AWAITING_PAYMENT, R.SYSTEM, modes=_PREPAID),  # payment intent issued
    _t(S.PLACED, S.ACCEPTED, R.VENDOR, modes=_COD),
    _t(S.PLACED, S.REJECTED, R.VENDOR, R.SYSTEM, modes=_COD),
    _t(S.PLACED, S.CANCELLED, R.SHOPPER, R.SYSTEM, R.MANAGER),
    _t(S.PLACED, S.EXPIRED, R.SYSTEM),  # reservation ran out
    _t(S.AWAITING_PAYMENT, S.PAID, R.SYSTEM, modes=_PREPAID),  # bank callback
    _t(S.AWAITING_PAYMENT, S.CANCELLED, R.SHOPPER, R.SYSTEM, R.MANAGER),
    _t(S.AWAITING_PAYMENT, S.EXPIRED, R.SYSTEM),
    _t(S.PAID, S.ACCEPTED, R.VENDOR, modes=_PREPAID),
    _t(S.PAID, S.REJECTED, R.VENDOR, R.SYSTEM, modes=_PREPAID),  # system: acceptance timeout
    _t(S.PAID, S.CANCELLED, R.SHOPPER, R.MANAGER, modes=_PREPAID),  # full refund
    _t(S.ACCEPTED, S.PICKING, R.VENDOR),
    _t(S.PICKING, S.AWAITING_APPROVAL, R.VENDOR, R.SYSTEM),  # weight/substitution off tolerance
    _t(S.AWAITING_APPROVAL, S.PICKING, R.SHOPPER, R.SYSTEM),  # answered / timeout default
    _t(S.AWAITING_APPROVAL, S.READY, R.SHOPPER, R.SYSTEM),
    _t(S.PICKING, S.READY, R.VENDOR),
    _t(S.READY, S.OUT_FOR_DELIVERY, R.VENDOR, R.SYSTEM),  # system: courier collected it
    _t(S.READY, S.READY_FOR_PICKUP, R.VENDOR),
    _t(S.OUT_FOR_DELIVERY, S.DELIVERED, R.VENDOR, R.SYSTEM),
    _t(S.READY_FOR_PICKUP, S.PICKED_UP, R.VENDOR, R.SHOPPER),
    _t(S.DELIVERED, S.COMPLETED, R.SHOPPER, R.SYSTEM),  # system: after the complaint window
    _t(S.PICKED_UP, S.COMPLETED, R.SHOPPER, R.SYSTEM),
    _t(S.DELIVERED, S.DISPUTED, R.SHOPPER),  # within the complaint window
    _t(S.PICKED_UP, S.DISPUTED, R.SHOPPER),
    _t(S.DISPUTED, S.RESOLVED, R.MANAGER, R.VENDOR),  # vendor: agrees to the shopper's claim
    _t(S.RESOLVED, S.COMPLETED, R.SYSTEM, R.MANAGER),
)
_TABLE: dict[tuple[OrderState, OrderState], Transition] = {
    (t.source, t.target): t for t in TRANSITIONS
}
TERMINAL = frozenset({S.COMPLETED, S.REJECTED, S.EXPIRED, S.CANCELLED})
_HANDED_OVER = frozenset({S.DELIVERED, S.PICKED_UP})


@dataclass(frozen=True, slots=True)
class OrderPolicy:
    complaint_window: timedelta = timedelta(hours=48)

    def __post_init__(self) -> None:
        if self.complaint_window <= timedelta(0):
            raise ValidationFailed(
                "the complaint window must be positive", code="order.policy_invalid"
            )


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    source: OrderState
    target: OrderState
    role: Role
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class OrderTrack:
    """An order's state and history; `apply` returns the next track or refuses."""

    order_id: str
    state: OrderState
    mode: PaymentMode
    placed_at: datetime
    history: tuple[TransitionRecord, ...] = ()
    handed_over_at: datetime | None = None  # delivered or picked up

    @classmethod
    def place(
        cls, order_id: str, at: datetime, mode: PaymentMode = PaymentMode.PREPAID
    ) -> OrderTrack:
        _require_aware(at)
        return cls(order_id, OrderState.PLACED, mode, at)

    @property
    def last_at(self) -> datetime:
        return self.history[-1].at if self.history else self.placed_at

    def allowed(self, role: Role) -> tuple[OrderState, ...]:
        """Targets `role` may move this order to (ignoring time windows)."""
        return tuple(
            t.target
            for t in TRANSITIONS
            if t.source is self.state and role in t.roles and self.mode in t.modes
        )

    def apply(
        self,
        target: OrderState,
        role: Role,
        at: datetime,
        *,
        reason: str | None = None,
        policy: OrderPolicy | None = None,
    ) -> OrderTrack:
        rule = _TABLE.get((self.state, target))
        if rule is None or self.mode not in rule.modes:
            raise Conflict(
                f"an order cannot go from {self.state} to {target}",
                code="order.invalid_transition",
                state=self.state.value,
                target=target.value,
                mode=self.mode.value,
            )
        if role not in rule.roles:
            raise Forbidden(
                f"a {role} may not move an order from {self.state} to {target}",
                code="order.role_not_allowed",
                state=self.state.value,
                target=target.value,
                role=role.value,
            )
        _require_aware(at)
        if at < self.last_at:
            raise ValidationFailed(
                "a transition cannot be earlier than the previous one",
                code="order.time_went_backwards",
                state=self.state.value,
                last_at=self.last_at.isoformat(),
            )
        self._check_window(target, role, at, policy or OrderPolicy())
        record = TransitionRecord(self.state, target, role, at, reason)
        handed = at if target in _HANDED_OVER else self.handed_over_at
        return OrderTrack(
            self.order_id, target, self.mode, self.placed_at, (*self.history, record), handed
        )

    def _check_window(self, target: OrderState, role: Role, at: datetime, p: OrderPolicy) -> None:
        if self.state not in _HANDED_OVER:
            return
        assert self.handed_over_at is not None
        closes = self.handed_over_at + p.complaint_window
        if target is S.DISPUTED and at > closes:
            raise Conflict(
                "the complaint window has closed",
                code="order.complaint_window_closed",
                state=self.state.value,
                closed_at=closes.isoformat(),
            )
        if target is S.COMPLETED and role is Role.SYSTEM and at < closes:
            raise Conflict(
                "the complaint window is still open",
                code="order.complaint_window_open",
                state=self.state.value,
                closes_at=closes.isoformat(),
            )


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValidationFailed("times must carry a time zone", code="order.naive_datetime")
