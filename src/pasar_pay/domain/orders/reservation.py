"""Time-limited stock reservations taken when an order is placed.

A reservation holds `quantity` (units, or grams for weighed products; for weighed lines the
estimate plus tolerance) until `expires_at`; from that instant on it no longer counts and is
released. Products "available today" are not counted and need no reservation.

Racing shoppers: the database layer locks the product row, reads the stock, and asks
`decide` with every competing request in arrival order. Requests are granted first come, first
served while stock lasts; a request that does not fit is refused whole (never partly filled)
and later, smaller requests may still fit. So two shoppers racing for the last unit get exactly
one grant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pasar_pay.domain.errors import Conflict, ValidationFailed
from pasar_pay.domain.orders.catalog import Stock, StockMode
from pasar_pay.domain.orders.quantities import MAX_GRAMS, require_count

DEFAULT_TTL = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Reservation:
    reservation_id: str
    product_id: str
    quantity: int
    reserved_at: datetime
    expires_at: datetime
    released: bool = False

    def active(self, at: datetime) -> bool:
        return not self.released and at < self.expires_at

    def release(self) -> Reservation:
        return Reservation(
            self.reservation_id,
            self.product_id,
            self.quantity,
            self.reserved_at,
            self.expires_at,
            released=True,
        )


@dataclass(frozen=True, slots=True)
class ReservationRequest:
    request_id: str
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RaceOutcome:
    granted: tuple[Reservation, ...]
    refused: tuple[ReservationRequest, ...]
    remaining: int | None  # None: the stock is not counted


def reserved(reservations: Iterable[Reservation], product_id: str, at: datetime) -> int:
    return sum(r.quantity for r in reservations if r.product_id == product_id and r.active(at))


def available(
    stock: Stock, reservations: Iterable[Reservation], product_id: str, at: datetime
) -> int | None:
    """Stock on hand less active reservations; None when the stock is not counted."""
    if stock.mode is StockMode.AVAILABLE_TODAY:
        return None
    assert stock.on_hand is not None
    return max(stock.on_hand - reserved(reservations, product_id, at), 0)


def to_release(reservations: Iterable[Reservation], at: datetime) -> tuple[Reservation, ...]:
    """Reservations that have expired at `at` and are not yet released."""
    return tuple(r.release() for r in reservations if not r.released and at >= r.expires_at)


def _check_time(at: datetime, ttl: timedelta) -> None:
    if at.tzinfo is None:
        raise ValidationFailed("times must carry a time zone", code="order.naive_datetime")
    if ttl <= timedelta(0):
        raise ValidationFailed("a reservation needs a positive lifetime", code="order.ttl_invalid")


def decide(
    available_now: int | None,
    requests: Sequence[ReservationRequest],
    at: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> RaceOutcome:
    """Grant requests in the given (arrival) order while they fit in `available_now`."""
    _check_time(at, ttl)
    if available_now is not None and available_now < 0:
        raise ValidationFailed("available stock cannot be negative", code="order.stock_invalid")
    granted: list[Reservation] = []
    refused: list[ReservationRequest] = []
    left = available_now
    for req in requests:
        require_count(req.quantity, field="quantity", maximum=MAX_GRAMS)
        if left is not None and req.quantity > left:
            refused.append(req)
            continue
        if left is not None:
            left -= req.quantity
        granted.append(Reservation(req.request_id, req.product_id, req.quantity, at, at + ttl))
    return RaceOutcome(tuple(granted), tuple(refused), left)


def reserve(
    available_now: int | None,
    request: ReservationRequest,
    at: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> Reservation:
    """One request: the reservation, or `order.out_of_stock` with what is available."""
    outcome = decide(available_now, [request], at, ttl)
    if outcome.refused:
        raise Conflict(
            "not enough stock",
            code="order.out_of_stock",
            product_id=request.product_id,
            requested=request.quantity,
            available=available_now,
        )
    return outcome.granted[0]
