"""The order state machine, table-driven: every allowed move, refused moves, roles, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pasar_pay.domain.errors import Conflict, DomainError, Forbidden, ValidationFailed
from pasar_pay.domain.orders.state import (
    TERMINAL,
    TRANSITIONS,
    OrderPolicy,
    OrderState,
    OrderTrack,
    PaymentMode,
    Role,
)
from tests.domain.orders.samples import T0

S, R = OrderState, Role
P, COD = PaymentMode.PREPAID, PaymentMode.CASH_ON_DELIVERY
SH, V, SY, M = R.SHOPPER, R.VENDOR, R.SYSTEM, R.MANAGER

# Written out independently of the implementation: (source, target, roles, modes).
EXPECTED = {
    (S.PLACED, S.AWAITING_PAYMENT): ({SY}, {P}),
    (S.PLACED, S.ACCEPTED): ({V}, {COD}),
    (S.PLACED, S.REJECTED): ({V, SY}, {COD}),
    (S.PLACED, S.CANCELLED): ({SH, SY, M}, {P, COD}),
    (S.PLACED, S.EXPIRED): ({SY}, {P, COD}),
    (S.AWAITING_PAYMENT, S.PAID): ({SY}, {P}),
    (S.AWAITING_PAYMENT, S.CANCELLED): ({SH, SY, M}, {P, COD}),
    (S.AWAITING_PAYMENT, S.EXPIRED): ({SY}, {P, COD}),
    (S.PAID, S.ACCEPTED): ({V}, {P}),
    (S.PAID, S.REJECTED): ({V, SY}, {P}),
    (S.PAID, S.CANCELLED): ({SH, M}, {P}),
    (S.ACCEPTED, S.PICKING): ({V}, {P, COD}),
    (S.PICKING, S.AWAITING_APPROVAL): ({V, SY}, {P, COD}),
    (S.AWAITING_APPROVAL, S.PICKING): ({SH, SY}, {P, COD}),
    (S.AWAITING_APPROVAL, S.READY): ({SH, SY}, {P, COD}),
    (S.PICKING, S.READY): ({V}, {P, COD}),
    (S.READY, S.OUT_FOR_DELIVERY): ({V, SY}, {P, COD}),
    (S.READY, S.READY_FOR_PICKUP): ({V}, {P, COD}),
    (S.OUT_FOR_DELIVERY, S.DELIVERED): ({V, SY}, {P, COD}),
    (S.READY_FOR_PICKUP, S.PICKED_UP): ({V, SH}, {P, COD}),
    (S.DELIVERED, S.COMPLETED): ({SH, SY}, {P, COD}),
    (S.PICKED_UP, S.COMPLETED): ({SH, SY}, {P, COD}),
    (S.DELIVERED, S.DISPUTED): ({SH}, {P, COD}),
    (S.PICKED_UP, S.DISPUTED): ({SH}, {P, COD}),
    (S.DISPUTED, S.RESOLVED): ({M, V}, {P, COD}),
    (S.RESOLVED, S.COMPLETED): ({SY, M}, {P, COD}),
}
HANDED = {S.DELIVERED, S.PICKED_UP}
WINDOW = timedelta(hours=48)


def at_state(state: OrderState, mode: PaymentMode = P) -> OrderTrack:
    handed = T0 if state in HANDED else None
    return OrderTrack("ORD1", state, mode, T0, (), handed)


def test_the_table_is_exactly_the_documented_one() -> None:
    actual = {(t.source, t.target): (set(t.roles), set(t.modes)) for t in TRANSITIONS}
    assert actual == EXPECTED


ALLOWED = [
    (src, dst, role, mode)
    for (src, dst), (roles, modes) in EXPECTED.items()
    for role in sorted(roles)
    for mode in sorted(modes)
]


@pytest.mark.parametrize(("src", "dst", "role", "mode"), ALLOWED)
def test_every_allowed_transition(
    src: OrderState, dst: OrderState, role: Role, mode: PaymentMode
) -> None:
    when = T0 + WINDOW + timedelta(seconds=1) if src in HANDED and role is SY else T0
    after = at_state(src, mode).apply(dst, role, when, reason="test")
    assert after.state is dst
    assert after.history[-1].source is src
    assert after.history[-1].role is role
    assert after.history[-1].at == when
    assert dst in at_state(src, mode).allowed(role)


REFUSED = [
    (S.PLACED, S.PAID),
    (S.PLACED, S.COMPLETED),
    (S.AWAITING_PAYMENT, S.ACCEPTED),
    (S.PAID, S.PICKING),
    (S.PAID, S.EXPIRED),
    (S.ACCEPTED, S.CANCELLED),  # cancelled only before acceptance
    (S.ACCEPTED, S.EXPIRED),
    (S.PICKING, S.CANCELLED),
    (S.READY, S.DELIVERED),
    (S.READY_FOR_PICKUP, S.DELIVERED),
    (S.OUT_FOR_DELIVERY, S.PICKED_UP),
    (S.COMPLETED, S.DISPUTED),
    (S.DISPUTED, S.COMPLETED),
    (S.RESOLVED, S.DISPUTED),
    *[(terminal, target) for terminal in TERMINAL for target in (S.PLACED, S.PAID)],
]


@pytest.mark.parametrize(("src", "dst"), REFUSED)
def test_refused_transitions_raise_conflict_with_the_current_state(
    src: OrderState, dst: OrderState
) -> None:
    with pytest.raises(Conflict) as excinfo:
        at_state(src).apply(dst, M, T0)
    assert excinfo.value.code == "order.invalid_transition"
    assert excinfo.value.details["state"] == src.value
    assert excinfo.value.details["target"] == dst.value


def test_terminal_states_have_no_way_out() -> None:
    for terminal in TERMINAL:
        for role in Role:
            assert at_state(terminal).allowed(role) == ()


@pytest.mark.parametrize(
    ("src", "dst", "mode"),
    [
        (S.PLACED, S.ACCEPTED, P),  # a prepaid order must be paid first
        (S.PLACED, S.AWAITING_PAYMENT, COD),
        (S.PAID, S.ACCEPTED, COD),
    ],
)
def test_payment_mode_guards(src: OrderState, dst: OrderState, mode: PaymentMode) -> None:
    with pytest.raises(Conflict) as excinfo:
        at_state(src, mode).apply(dst, V if dst is S.ACCEPTED else SY, T0)
    assert excinfo.value.code == "order.invalid_transition"


@pytest.mark.parametrize(
    ("src", "dst", "role"),
    [
        (S.PAID, S.ACCEPTED, SH),
        (S.PAID, S.ACCEPTED, SY),
        (S.AWAITING_PAYMENT, S.PAID, SH),  # only the bank callback marks an order paid
        (S.AWAITING_PAYMENT, S.PAID, V),
        (S.ACCEPTED, S.PICKING, SH),
        (S.DELIVERED, S.DISPUTED, V),
        (S.DISPUTED, S.RESOLVED, SH),
        (S.PLACED, S.EXPIRED, SH),
    ],
)
def test_roles_not_in_the_table_are_forbidden(src: OrderState, dst: OrderState, role: Role) -> None:
    with pytest.raises(Forbidden) as excinfo:
        at_state(src).apply(dst, role, T0)
    assert excinfo.value.code == "order.role_not_allowed"
    assert excinfo.value.details["state"] == src.value


def test_a_full_prepaid_delivery_path() -> None:
    t = OrderTrack.place("ORD1", T0)
    steps = [
        (S.AWAITING_PAYMENT, SY),
        (S.PAID, SY),
        (S.ACCEPTED, V),
        (S.PICKING, V),
        (S.AWAITING_APPROVAL, V),
        (S.READY, SH),
        (S.OUT_FOR_DELIVERY, SY),
        (S.DELIVERED, SY),
    ]
    for n, (target, role) in enumerate(steps):
        t = t.apply(target, role, T0 + timedelta(minutes=n))
    delivered_at = T0 + timedelta(minutes=len(steps) - 1)
    assert t.handed_over_at == delivered_at
    with pytest.raises(Conflict) as excinfo:
        t.apply(S.COMPLETED, SY, delivered_at + WINDOW - timedelta(seconds=1))
    assert excinfo.value.code == "order.complaint_window_open"
    assert t.apply(S.COMPLETED, SH, delivered_at + timedelta(hours=1)).state is S.COMPLETED
    done = t.apply(S.COMPLETED, SY, delivered_at + WINDOW)
    assert [r.target for r in done.history][-1] is S.COMPLETED
    assert len(done.history) == len(steps) + 1


def test_disputes_only_within_the_complaint_window() -> None:
    t = at_state(S.PICKED_UP)
    assert t.apply(S.DISPUTED, SH, T0 + WINDOW).state is S.DISPUTED  # the last instant counts
    with pytest.raises(Conflict) as excinfo:
        t.apply(S.DISPUTED, SH, T0 + WINDOW + timedelta(seconds=1))
    assert excinfo.value.code == "order.complaint_window_closed"
    short = OrderPolicy(complaint_window=timedelta(hours=2))
    with pytest.raises(Conflict):
        t.apply(S.DISPUTED, SH, T0 + timedelta(hours=3), policy=short)
    resolved = t.apply(S.DISPUTED, SH, T0 + timedelta(hours=1)).apply(
        S.RESOLVED, M, T0 + timedelta(hours=5)
    )
    assert resolved.apply(S.COMPLETED, SY, T0 + timedelta(hours=5)).state is S.COMPLETED


def test_bad_times_are_refused() -> None:
    t = OrderTrack.place("ORD1", T0).apply(S.AWAITING_PAYMENT, SY, T0 + timedelta(minutes=5))
    with pytest.raises(ValidationFailed) as excinfo:
        t.apply(S.PAID, SY, T0)
    assert excinfo.value.code == "order.time_went_backwards"
    with pytest.raises(DomainError) as naive:
        t.apply(S.PAID, SY, datetime(2024, 5, 6, 9, 30))
    assert naive.value.code == "order.naive_datetime"
    with pytest.raises(DomainError):
        OrderPolicy(complaint_window=timedelta(0))
    assert datetime(2024, 1, 1, tzinfo=UTC) < T0
