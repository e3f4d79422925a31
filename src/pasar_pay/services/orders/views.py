"""The JSON shapes of checkouts and orders in responses (also what idempotent replays return)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pasar_pay.services.orders.ports import CheckoutRecord, LineRecord, OrderFilter, OrderRecord
from pasar_pay.services.ports import UnitOfWork


def line_view(record: LineRecord) -> dict[str, Any]:
    line = record.line
    return {
        "line_id": line.line_id,
        "product_id": line.product_id,
        "name": line.name,
        "category": line.category,
        "unit": line.unit.value,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "estimated_grams": line.estimated_grams,
        "tolerance_grams": line.tolerance_grams,
        "estimated_amount": line.estimated_amount,
        "held_amount": line.held_amount,
        "substitution": line.substitution.value,
        "substitute_product_id": line.substitute_product_id,
        "outcome": record.outcome,
        "actual_grams": record.actual_grams,
        "charge": record.settled_charge,
        "refund": record.refund,
        "note": record.note,
    }


def order_view(uow: UnitOfWork, order: OrderRecord, *, full: bool = True) -> dict[str, Any]:
    if not full:
        return order_summary(order)
    return order_view_from(
        order, uow.orders.lines(order.id), uow.orders.events(order.id), uow.orders.refunds(order.id)
    )


def order_summary(order: OrderRecord) -> dict[str, Any]:
    return {
        "id": order.id,
        "checkout_id": order.checkout_id,
        "stall": order.stall_code,
        "vendor": order.vendor_code,
        "market": order.market_code,
        "mode": order.mode,
        "state": order.state,
        "paid": order.held if order.mode == "prepaid" else 0,
        "amount_due": order.held if order.mode != "prepaid" else 0,
        "estimated": order.estimated,
        "refunded": order.refunded,
        "commission": order.commission,
        "commission_bps": order.commission_bps,
        "payout_id": order.payout_id,
        "placed_at": order.placed_at.isoformat(),
        "updated_at": order.updated_at.isoformat(),
    }


def order_view_from(
    order: OrderRecord,
    lines: Sequence[LineRecord],
    events: Sequence[dict[str, Any]],
    refunds: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    return {
        **order_summary(order),
        "lines": [line_view(line) for line in lines],
        "history": [{**e, "at": e["at"].isoformat()} for e in events],
        "refunds": [{**r, "at": r["at"].isoformat()} for r in refunds],
    }


def checkout_view(
    uow: UnitOfWork, checkout: CheckoutRecord, payment: dict[str, Any] | None = None
) -> dict[str, Any]:
    orders = uow.orders.orders(OrderFilter(checkout=checkout.id), None, 1000)
    return checkout_view_from(checkout, [order_view(uow, o) for o in orders], payment)


def checkout_view_from(
    checkout: CheckoutRecord, orders: list[dict[str, Any]], payment: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": checkout.id,
        "market": checkout.market_code,
        "mode": checkout.mode,
        "status": checkout.status,
        "amount_to_pay": checkout.amount,
        "estimated_total": checkout.estimated,
        "expires_at": checkout.expires_at.isoformat(),
        "payment": payment,
        "orders": orders,
    }
