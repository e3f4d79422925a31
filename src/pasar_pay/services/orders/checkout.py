"""Placing a checkout: one market, one payment, one order per stall, stock reserved for a while.

Two steps. Outside any transaction the cart is priced and, for QRIS, the dynamic code for the
total is issued (the acquirer may be a network call). Then, in one transaction under the
`Idempotency-Key`: the products are locked in id order (so two shoppers racing for the last
unit queue and exactly one gets it), the cart is priced again on the locked rows (a price
that moved meanwhile is refused), stock is reserved, and the checkout, its orders, lines,
reservations, events and the payment intent are written. Any refusal writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pasar_pay.domain.access import Principal
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.orders.checkout import (
    CartLine,
    Checkout,
    StallInfo,
    SubstitutionPreference,
    build_checkout,
)
from pasar_pay.domain.orders.ledger_plan import ORDER_REF_PREFIX
from pasar_pay.domain.orders.reservation import ReservationRequest, reserve
from pasar_pay.domain.orders.settlement import payment_mode_for
from pasar_pay.domain.orders.state import OrderState, OrderTrack, PaymentMode, Role
from pasar_pay.domain.qris.amount import QRIS_CAP_RUPIAH
from pasar_pay.services.idempotency import IdempotencyKey, Outcome, run_once
from pasar_pay.services.orders import lifecycle
from pasar_pay.services.orders.catalog import active_stall
from pasar_pay.services.orders.ports import (
    CheckoutRecord,
    LineRecord,
    OrderRecord,
    ProductRecord,
)
from pasar_pay.services.orders.views import checkout_view, checkout_view_from, order_view_from
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from pasar_pay.services.qris_codes import new_reference
from pasar_pay.services.qris_ports import AcquirerPort, PaymentIntent, market_merchant_id

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class CartIn:
    lines: tuple[CartLine, ...]
    payment: PaymentMode
    accept_price_changes: bool = False

    def request(self) -> dict[str, Any]:
        return {
            "payment": self.payment.value,
            "accept_price_changes": self.accept_price_changes,
            "lines": [
                {
                    "line_id": li.line_id,
                    "product_id": li.product_id,
                    "seen_unit_price": li.seen_unit_price,
                    "quantity": li.quantity,
                    "estimated_grams": li.estimated_grams,
                    "substitution": li.substitution.value,
                    "substitute_product_id": li.substitute_product_id,
                }
                for li in self.lines
            ],
        }


@dataclass(frozen=True, slots=True)
class _Prepared:
    stalls: dict[str, StallInfo]  # read before the transaction: open, held by the vendor
    code: _Code | None  # None: cash on delivery


@dataclass(frozen=True, slots=True)
class _Code:
    amount: int
    payload: str
    reference: str
    acquirer_reference: str | None
    source: str
    expires_at: datetime


def _stalls(
    uow: UnitOfWork, products: dict[str, ProductRecord], now: datetime
) -> dict[str, StallInfo]:
    """Which stalls take orders now: shop open, stall active and held by the product's vendor,
    and no recorded day off (market closure or stall idle day) today in Jakarta."""
    today = now.astimezone(JAKARTA).date()
    markets = sorted({r.market_code for r in products.values()})
    off = uow.billing.days_off(markets, today, today) if markets else []
    closed_markets = {d.market_code for d in off if d.stall_code is None}
    idle = {d.stall_code for d in off if d.stall_code is not None}
    out: dict[str, StallInfo] = {}
    for record in products.values():
        code = record.product.stall_id
        if code in out:
            continue
        shop = uow.orders.shop(code)
        stall = uow.registry.stall(code)
        holder = uow.registry.active_placement(code)
        is_open = (
            shop is not None
            and shop.is_open
            and active_stall(stall)
            and holder is not None
            and holder.vendor_code == record.vendor_code
            and record.market_code not in closed_markets
            and code not in idle
        )
        out[code] = StallInfo(code, record.vendor_code, record.market_code, is_open)
    return out


def _price(
    cart: CartIn, products: dict[str, ProductRecord], stalls: dict[str, StallInfo]
) -> Checkout:
    catalog = {pid: r.product for pid, r in products.items()}
    return build_checkout(
        cart.lines, catalog, stalls, accept_price_changes=cart.accept_price_changes
    )


def _product_ids(cart: CartIn) -> list[str]:
    ids = {li.product_id for li in cart.lines}
    ids |= {li.substitute_product_id for li in cart.lines if li.substitute_product_id}
    return sorted(ids)


class CheckoutService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        acquirer: AcquirerPort,
        *,
        reservation_ttl: timedelta = timedelta(minutes=15),
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._acquirer = acquirer
        self._ttl = reservation_ttl

    def place(self, caller: Principal, cart: CartIn, idempotency_key: str | None) -> Outcome:
        if not idempotency_key:
            raise ValidationFailed(
                "an Idempotency-Key header is required to place a checkout",
                code="idempotency_key_required",
            )
        if not cart.lines:
            raise ValidationFailed("the cart is empty", code="order.cart_empty")
        prepared = self._prepare(cart)
        return run_once(
            self._uow,
            self._clock,
            idem=IdempotencyKey(caller.idempotency_scope, idempotency_key),
            operation="orders.checkout",
            request=cart.request(),
            work=lambda uow: self._write(uow, caller, cart, prepared),
        )

    def _prepare(self, cart: CartIn) -> _Prepared:
        """Price the cart and, for QRIS, issue the code for its total (outside a transaction)."""
        with self._uow() as uow:
            products = {
                pid: rec
                for pid in _product_ids(cart)
                if (rec := uow.orders.product(pid)) is not None
            }
            stalls = _stalls(uow, products, self._clock())
            checkout = _price(cart, products, stalls)
            options = uow.orders.market_options(checkout.market_code)
            mode = payment_mode_for(options, cart.payment, checkout.amount_to_pay)
            if mode is not PaymentMode.PREPAID:
                return _Prepared(stalls, None)
            if checkout.amount_to_pay > QRIS_CAP_RUPIAH:
                raise ValidationFailed(
                    "the checkout is above the QRIS limit per transaction: split the cart",
                    code="qris.amount_over_cap",
                    amount=checkout.amount_to_pay,
                    cap=QRIS_CAP_RUPIAH,
                )
            merchant = uow.qris.merchant(market_merchant_id(checkout.market_code))
            if merchant is None:
                raise ValidationFailed(
                    f"market {checkout.market_code} has no QRIS merchant yet",
                    code="qris.no_merchant",
                    market=checkout.market_code,
                )
            now = self._clock()
            reference = new_reference(now)
            while uow.qris.reference_taken(reference):  # pragma: no cover - 40 random bits
                reference = new_reference(now)
        expires_at = now + self._ttl
        made = self._acquirer.generate(checkout.amount_to_pay, reference, expires_at, merchant)
        payload, acq_ref, source = made.payload, made.acquirer_reference, made.source
        return _Prepared(
            stalls, _Code(checkout.amount_to_pay, payload, reference, acq_ref, source, expires_at)
        )

    def _write(
        self, uow: UnitOfWork, caller: Principal, cart: CartIn, prepared: _Prepared
    ) -> dict[str, Any]:
        now = self._clock()
        code = prepared.code
        products = uow.orders.lock_products(_product_ids(cart))
        # Prices and stock are checked again on the locked rows; the stalls were checked
        # just before (a shop closing in between still receives this one order).
        checkout = _price(cart, products, prepared.stalls)
        mode = PaymentMode.PREPAID if code is not None else PaymentMode.CASH_ON_DELIVERY
        if code is not None and checkout.amount_to_pay != code.amount:
            raise Conflict(
                "prices changed while the checkout was being placed; look again",
                code="order.price_changed",
            )
        expires_at = code.expires_at if code is not None else now + self._ttl
        checkout_id = str(uuid.uuid4())
        # Prepaid orders wait for payment from the start: both moves are recorded below.
        track = OrderTrack.place(checkout_id, now, mode)
        if code is not None:
            track = track.apply(OrderState.AWAITING_PAYMENT, Role.SYSTEM, now)
        records, lines, reservations = [], [], []
        wanted: dict[str, int] = {}
        for stall_order in checkout.orders:
            order_id = f"{ORDER_REF_PREFIX}{uuid.uuid4().hex[:20].upper()}"
            records.append(
                OrderRecord(
                    id=order_id,
                    checkout_id=checkout_id,
                    shopper=caller.key_id,
                    stall_code=stall_order.stall_id,
                    vendor_code=stall_order.vendor_code,
                    market_code=stall_order.market_code,
                    mode=mode.value,
                    state=track.state.value,
                    held=stall_order.held_amount,
                    estimated=stall_order.estimated_amount,
                    refunded=0,
                    commission=None,
                    commission_bps=None,
                    hold_entry_id=None,
                    hold_amount=0,
                    bank_code=None,
                    payout_id=None,
                    placed_at=now,
                    updated_at=now,
                    handed_over_at=None,
                    completed_at=None,
                )
            )
            for line in stall_order.lines:
                lines.append(LineRecord(order_id, line, "open", None, None, 0, None))
                qty = (
                    line.quantity
                    if line.quantity is not None
                    else (line.estimated_grams or 0) + line.tolerance_grams
                )
                wanted[line.product_id] = wanted.get(line.product_id, 0) + qty
                reservations.append((order_id, line.product_id, qty))
        self._check_stock(uow, products, wanted, now)
        intent = self._intent(uow, checkout, code, now) if code is not None else None
        stored_checkout = CheckoutRecord(
            id=checkout_id,
            shopper=caller.key_id,
            market_code=checkout.market_code,
            mode=mode.value,
            status="awaiting_payment" if code is not None else "cash_on_delivery",
            amount=checkout.amount_to_pay,
            estimated=checkout.estimated_total,
            intent_id=intent.id if intent else None,
            bank_code=None,
            expires_at=expires_at,
            created_at=now,
            paid_at=None,
        )
        uow.orders.add_checkout(stored_checkout)
        uow.orders.add_orders(records, lines)
        uow.orders.add_reservations(
            [
                {
                    "id": str(uuid.uuid4()),
                    "order_id": order_id,
                    "product_id": pid,
                    "quantity": qty,
                    "reserved_at": now,
                    "expires_at": expires_at,
                }
                for order_id, pid, qty in reservations
                if products[pid].product.stock.on_hand is not None
            ]
        )
        payment: dict[str, Any] = {"method": mode.value}
        events: list[dict[str, Any]] = []
        for order in records:
            events.append(_event(order.id, "new", "placed", Role.SHOPPER, caller.key_id, now))
            for record in track.history:
                source, target = record.source.value, record.target.value
                events.append(_event(order.id, source, target, record.role, "checkout", now))
        uow.orders.add_events(events)
        endpoints = {v: uow.orders.endpoints(v) for v in {o.vendor_code for o in records}}
        for order in records:
            for event in ("order.placed", *(f"order.{r.target}" for r in track.history)):
                lifecycle.announce(uow, order, event, now, endpoints[order.vendor_code])
        if code is not None and intent is not None:
            payment.update(
                method="qris",
                intent_id=intent.id,
                reference=code.reference,
                payload=code.payload,
                amount=checkout.amount_to_pay,
                expires_at=code.expires_at.isoformat(),
                source=code.source,
            )
        by_order: dict[str, list[LineRecord]] = {}
        for line_record in lines:
            by_order.setdefault(line_record.order_id, []).append(line_record)
        views = [
            order_view_from(
                o,
                by_order[o.id],
                [
                    {k: v for k, v in e.items() if k != "order_id"}
                    for e in events
                    if e["order_id"] == o.id
                ],
                [],
            )
            for o in records
        ]
        view = checkout_view_from(stored_checkout, views, payment)
        view["price_changes"] = [
            {"line_id": c.line_id, "product_id": c.product_id, "seen": c.seen, "current": c.current}
            for c in checkout.price_changes
        ]
        return view

    @staticmethod
    def _check_stock(
        uow: UnitOfWork, products: dict[str, ProductRecord], wanted: dict[str, int], now: datetime
    ) -> None:
        counted = [pid for pid in wanted if products[pid].product.stock.on_hand is not None]
        held = uow.orders.reserved(counted, now)
        for pid in sorted(counted):
            on_hand = products[pid].product.stock.on_hand
            assert on_hand is not None
            available = max(on_hand - held.get(pid, 0), 0)
            reserve(available, ReservationRequest(pid, pid, wanted[pid]), now)  # or out_of_stock

    @staticmethod
    def _intent(uow: UnitOfWork, checkout: Checkout, code: _Code, now: datetime) -> PaymentIntent:
        intent = PaymentIntent(
            id=str(uuid.uuid4()),
            kind="order",
            channel="qris",
            vendor_code=None,  # one payment for several vendors: the checkout says whose
            market_code=checkout.market_code,
            bill_ids=(),
            amount=checkout.amount_to_pay,
            reference=code.reference,
            payload=code.payload,
            status="live",
            source=code.source,
            acquirer_reference=code.acquirer_reference,
            expires_at=code.expires_at,
            created_at=now,
        )
        uow.qris.add_intent(intent)
        return intent

    # reading and cancelling ------------------------------------------------------------
    def get(self, caller: Principal, checkout_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            checkout = self._visible(uow, caller, checkout_id)
            return checkout_view(uow, checkout)

    def cancel(self, caller: Principal, checkout_id: str) -> dict[str, Any]:
        """The shopper gives up before paying: every order of the checkout is cancelled (one
        payment covers them all) and the stock returns."""
        with self._uow() as uow:
            checkout = self._visible(uow, caller, checkout_id, lock=True)
            close_checkout(
                uow, checkout, OrderState.CANCELLED, Role.SHOPPER, caller.key_id, self._clock()
            )
            uow.commit()
            fresh = uow.orders.checkout(checkout_id)
            assert fresh is not None
        with self._uow() as uow:
            return checkout_view(uow, fresh)

    @staticmethod
    def _visible(
        uow: UnitOfWork, caller: Principal, checkout_id: str, *, lock: bool = False
    ) -> CheckoutRecord:
        checkout = uow.orders.checkout(checkout_id, lock=lock)
        if checkout is None or checkout.shopper != caller.key_id:
            raise NotFound("checkout not found", code="order.checkout_not_found")
        return checkout


def _event(
    order_id: str, source: str, target: str, role: Role, actor: str, at: datetime
) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "source": source,
        "target": target,
        "role": role.value,
        "actor": actor,
        "at": at,
        "reason": None,
    }


def release_stock(uow: UnitOfWork, order_id: str, at: datetime) -> None:
    for reservation in uow.orders.open_reservations(order_id):
        uow.orders.close_reservation(reservation["id"], "released_at", at)


def consume_stock(uow: UnitOfWork, order_id: str, at: datetime) -> None:
    """The order is paid (or a cash order accepted): the reserved stock leaves the shelf."""
    for reservation in uow.orders.open_reservations(order_id):
        if reservation["expires_at"] <= at:  # the stock may have gone to someone else
            raise Conflict(
                "the order's stock reservation has expired",
                code="order.reservation_expired",
                expired_at=reservation["expires_at"].isoformat(),
            )
        uow.orders.adjust_stock(reservation["product_id"], -reservation["quantity"], at)
        uow.orders.close_reservation(reservation["id"], "consumed_at", at)


def close_checkout(
    uow: UnitOfWork,
    checkout: CheckoutRecord,
    target: OrderState,
    role: Role,
    actor: str | None,
    at: datetime,
) -> None:
    """Cancel or expire an unpaid checkout: its orders, its reservations and its code."""
    from pasar_pay.services.orders.ports import OrderFilter

    if checkout.status != "awaiting_payment":
        raise Conflict(
            f"the checkout is {checkout.status}",
            code="order.invalid_transition",
            state=checkout.status,
            target=target.value,
        )
    for order in uow.orders.orders(OrderFilter(checkout=checkout.id), None, 1000):
        lifecycle.move(uow, order, target, role, actor, at)
        release_stock(uow, order.id, at)
    if checkout.intent_id:
        uow.qris.close_intents(
            [checkout.intent_id], "expired" if target is OrderState.EXPIRED else "cancelled", at
        )
    uow.orders.set_checkout_status(checkout.id, target.value, at)


__all__: Sequence[str] = ["CartIn", "CheckoutService", "SubstitutionPreference", "close_checkout"]
