"""Moving an order: the domain state machine decides, every move is recorded (role, actor,
time, reason) and announced to the vendor's webhooks, in the caller's transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pasar_pay.domain.orders.state import (
    OrderPolicy,
    OrderState,
    OrderTrack,
    PaymentMode,
    Role,
    TransitionRecord,
)
from pasar_pay.services.orders.ports import OrderRecord, WebhookDelivery, WebhookEndpoint
from pasar_pay.services.ports import UnitOfWork

HANDED_OVER = frozenset({OrderState.DELIVERED.value, OrderState.PICKED_UP.value})


def track_of(order: OrderRecord) -> OrderTrack:
    """The domain view of a stored order: its state, mode and the time of its last move."""
    state = OrderState(order.state)
    history: tuple[TransitionRecord, ...] = ()
    if order.updated_at > order.placed_at:
        history = (TransitionRecord(state, state, Role.SYSTEM, order.updated_at),)
    return OrderTrack(
        order.id, state, PaymentMode(order.mode), order.placed_at, history, order.handed_over_at
    )


def move(
    uow: UnitOfWork,
    order: OrderRecord,
    target: OrderState,
    role: Role,
    actor: str | None,
    at: datetime,
    *,
    reason: str | None = None,
    policy: OrderPolicy | None = None,
) -> OrderRecord:
    """Apply one transition (refused with the current state named), record and announce it."""
    track_of(order).apply(target, role, at, reason=reason, policy=policy)
    moved = replace(
        order,
        state=target.value,
        updated_at=at,
        handed_over_at=at if target.value in HANDED_OVER else order.handed_over_at,
        completed_at=at if target is OrderState.COMPLETED else order.completed_at,
    )
    uow.orders.save_order(moved)
    uow.orders.add_event(order.id, order.state, target.value, role.value, actor, at, reason)
    announce(uow, moved, f"order.{target.value}", at)
    return moved


def announce(
    uow: UnitOfWork,
    order: OrderRecord,
    event: str,
    at: datetime,
    endpoints: Sequence[WebhookEndpoint] | None = None,
) -> None:
    """Queue a webhook delivery per active endpoint of the vendor (sent by the dispatcher).
    `endpoints`: the vendor's endpoints when the caller already has them."""
    found = uow.orders.endpoints(order.vendor_code) if endpoints is None else endpoints
    if not found:
        return
    body = event_body(event, order_payload(order), at)
    for endpoint in found:
        if endpoint.active:
            uow.orders.add_delivery(
                WebhookDelivery(
                    str(uuid.uuid4()), endpoint.id, event, body, "pending", 0, at, at, None
                )
            )


def event_body(event: str, data: dict[str, Any], at: datetime) -> str:
    return json.dumps(
        {"id": str(uuid.uuid4()), "type": event, "created_at": at.isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
    )


def order_payload(order: OrderRecord) -> dict[str, Any]:
    return {
        "order": order.id,
        "checkout": order.checkout_id,
        "stall": order.stall_code,
        "market": order.market_code,
        "state": order.state,
        "mode": order.mode,
        "paid": order.held if order.mode == PaymentMode.PREPAID.value else 0,
        "refunded": order.refunded,
    }
