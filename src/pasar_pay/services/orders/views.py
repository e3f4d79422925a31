"""The JSON shapes of checkouts and orders in responses (also what idempotent replays return)."""

from __future__ import annotations

from typing import Any

from pasar_pay.services.orders.ports import CheckoutRecord, LineRecord, OrderRecord
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
    out: dict[str, Any] = {
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
    if full:
        out["lines"] = [line_view(line) for line in uow.orders.lines(order.id)]
        out["history"] = [{**e, "at": e["at"].isoformat()} for e in uow.orders.events(order.id)]
        out["refunds"] = [{**r, "at": r["at"].isoformat()} for r in uow.orders.refunds(order.id)]
    return out


def checkout_view(
    uow: UnitOfWork, checkout: CheckoutRecord, payment: dict[str, Any] | None = None
) -> dict[str, Any]:
    from pasar_pay.services.orders.ports import OrderFilter

    orders = uow.orders.orders(OrderFilter(checkout=checkout.id), None, 1000)
    return {
        "id": checkout.id,
        "market": checkout.market_code,
        "mode": checkout.mode,
        "status": checkout.status,
        "amount_to_pay": checkout.amount,
        "estimated_total": checkout.estimated,
        "expires_at": checkout.expires_at.isoformat(),
        "payment": payment,
        "orders": [order_view(uow, o) for o in orders],
    }
