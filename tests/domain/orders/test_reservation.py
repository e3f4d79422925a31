"""Stock reservations: expiry, release, and the race for the last unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.errors import Conflict, DomainError
from pasar_pay.domain.orders.catalog import Stock
from pasar_pay.domain.orders.reservation import (
    ReservationRequest,
    available,
    decide,
    reserve,
    to_release,
)
from tests.domain.orders.samples import T0


def test_two_shoppers_racing_for_the_last_unit_get_exactly_one() -> None:
    outcome = decide(
        1, [ReservationRequest("A", "P-BAYAM", 1), ReservationRequest("B", "P-BAYAM", 1)], T0
    )
    assert [r.reservation_id for r in outcome.granted] == ["A"]
    assert [r.request_id for r in outcome.refused] == ["B"]
    assert outcome.remaining == 0


def test_reserve_refuses_with_the_available_stock() -> None:
    with pytest.raises(Conflict) as excinfo:
        reserve(2, ReservationRequest("A", "P-BAYAM", 3), T0)
    assert excinfo.value.code == "order.out_of_stock"
    assert excinfo.value.details["available"] == 2


def test_reservations_expire_and_are_released() -> None:
    r = reserve(10, ReservationRequest("A", "P-BAYAM", 4), T0, ttl=timedelta(minutes=15))
    stock = Stock.counted(10)
    assert available(stock, [r], "P-BAYAM", T0 + timedelta(minutes=14)) == 6
    assert available(stock, [r], "P-BAYAM", T0 + timedelta(minutes=15)) == 10  # expiry instant
    assert available(stock, [r], "P-TELUR", T0) == 10
    assert to_release([r], T0 + timedelta(minutes=14)) == ()
    (released,) = to_release([r], T0 + timedelta(minutes=15))
    assert released.released
    assert not released.active(T0)
    assert to_release([released], T0 + timedelta(hours=1)) == ()
    assert available(Stock.available_today(), [r], "P-BAYAM", T0) is None


def test_uncounted_stock_grants_everything() -> None:
    outcome = decide(None, [ReservationRequest(str(n), "P-TELUR", 30) for n in range(5)], T0)
    assert len(outcome.granted) == 5
    assert outcome.remaining is None


@pytest.mark.parametrize(
    ("available_now", "quantity", "ttl", "code"),
    [
        (5, 0, timedelta(minutes=5), "order.quantity_not_positive"),
        (5, -1, timedelta(minutes=5), "order.quantity_not_positive"),
        (5, 1, timedelta(0), "order.ttl_invalid"),
        (-1, 1, timedelta(minutes=5), "order.stock_invalid"),
    ],
)
def test_bad_requests(available_now: int, quantity: int, ttl: timedelta, code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        decide(available_now, [ReservationRequest("A", "P", quantity)], T0, ttl)
    assert excinfo.value.code == code


@given(
    stock=st.integers(0, 50),
    quantities=st.lists(st.integers(1, 20), max_size=12),
)
def test_grants_never_exceed_stock_and_are_first_come_first_served(
    stock: int, quantities: list[int]
) -> None:
    requests = [ReservationRequest(str(n), "P", q) for n, q in enumerate(quantities)]
    outcome = decide(stock, requests, T0)
    granted = sum(r.quantity for r in outcome.granted)
    assert granted <= stock
    assert outcome.remaining == stock - granted
    assert len(outcome.granted) + len(outcome.refused) == len(requests)
    assert all(r.quantity > (outcome.remaining or 0) for r in outcome.refused)
    # a refused request did not fit in what was left when it arrived
    left = stock
    for req in requests:
        if req.quantity <= left:
            left -= req.quantity
            assert req.request_id in {g.reservation_id for g in outcome.granted}
