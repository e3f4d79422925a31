"""What the order use cases need from storage (`uow.orders`) and from the outside world."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pasar_pay.domain.orders.catalog import Product
from pasar_pay.domain.orders.checkout import OrderLine
from pasar_pay.domain.orders.commission import CommissionRule
from pasar_pay.domain.orders.settlement import MarketPaymentOptions


@dataclass(frozen=True, slots=True)
class Shop:
    """A stall's online shop as the checkout sees it."""

    stall_code: str
    vendor_code: str
    market_code: str
    is_open: bool


@dataclass(frozen=True, slots=True)
class ProductRecord:
    product: Product
    vendor_code: str
    market_code: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CatalogQuery:
    market: str
    stall: str | None = None
    category: str | None = None
    text: str | None = None
    include_inactive: bool = False


@dataclass(frozen=True, slots=True)
class CheckoutRecord:
    id: str
    shopper: str
    market_code: str
    mode: str
    status: str
    amount: int
    estimated: int
    intent_id: str | None
    bank_code: str | None
    expires_at: datetime
    created_at: datetime
    paid_at: datetime | None


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: str
    checkout_id: str
    shopper: str
    stall_code: str
    vendor_code: str
    market_code: str
    mode: str
    state: str
    held: int
    estimated: int
    refunded: int
    commission: int | None
    commission_bps: int | None
    hold_entry_id: str | None
    hold_amount: int
    bank_code: str | None
    payout_id: str | None
    placed_at: datetime
    updated_at: datetime
    handed_over_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class LineRecord:
    order_id: str
    line: OrderLine
    outcome: str  # open | weighed | substituted | removed | pending
    actual_grams: int | None
    charge: int | None
    refund: int
    note: str | None

    @property
    def settled_charge(self) -> int:
        """What the shopper pays for the line (an untouched unit line: what was held)."""
        return self.line.held_amount - self.refund if self.charge is None else self.charge


@dataclass(frozen=True, slots=True)
class OrderFilter:
    shopper: str | None = None
    vendor: str | None = None
    markets: frozenset[str] | None = None
    state: str | None = None
    checkout: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: str
    vendor_code: str
    url: str
    secret: str  # sealed
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: str
    endpoint_id: str
    event: str
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


class OrderStore(Protocol):
    # market options, shops, settings
    def market_options(self, market: str) -> MarketPaymentOptions: ...
    def save_market_options(self, options: MarketPaymentOptions, now: datetime) -> None: ...
    def shop(self, stall: str) -> Shop | None: ...
    def save_shop(self, shop: Shop, now: datetime) -> None: ...
    def net_arrears(self, vendor: str) -> bool: ...
    def save_net_arrears(self, vendor: str, opted_in: bool, now: datetime) -> None: ...
    # catalog
    def add_product(self, record: ProductRecord) -> None: ...
    def update_product(self, record: ProductRecord) -> None: ...
    def product(self, product_id: str) -> ProductRecord | None: ...
    def lock_products(self, ids: Sequence[str]) -> dict[str, ProductRecord]: ...
    def browse(self, q: CatalogQuery, after: str | None, limit: int) -> list[ProductRecord]: ...
    def reserved(self, product_ids: Sequence[str], now: datetime) -> dict[str, int]: ...
    def add_reference_price(self, row: Mapping[str, Any]) -> None: ...
    def reference_prices(self, market: str) -> list[dict[str, Any]]: ...
    def commission_rules(self) -> list[CommissionRule]: ...
    def add_commission_rule(self, rule: CommissionRule, now: datetime) -> None: ...
    # checkouts and orders
    def add_checkout(self, record: CheckoutRecord) -> None: ...
    def checkout(self, checkout_id: str, *, lock: bool = False) -> CheckoutRecord | None: ...
    def checkout_by_intent(self, intent_id: str) -> CheckoutRecord | None: ...
    def set_checkout_status(
        self, checkout_id: str, status: str, at: datetime, *, paid: bool = False
    ) -> None: ...
    def add_orders(self, orders: Sequence[OrderRecord], lines: Sequence[LineRecord]) -> None: ...
    def order(self, order_id: str, *, lock: bool = False) -> OrderRecord | None: ...
    def orders(self, flt: OrderFilter, after: str | None, limit: int) -> list[OrderRecord]: ...
    def save_order(self, order: OrderRecord) -> None: ...
    def lines(self, order_id: str) -> list[LineRecord]: ...
    def save_line(self, line: LineRecord) -> None: ...
    def add_event(
        self,
        order_id: str,
        source: str,
        target: str,
        role: str,
        actor: str | None,
        at: datetime,
        reason: str | None,
    ) -> None: ...
    def add_events(self, rows: Sequence[Mapping[str, Any]]) -> None: ...
    def events(self, order_id: str) -> list[dict[str, Any]]: ...
    def add_refund(
        self, order_id: str, amount: int, route: str, reason: str, at: datetime
    ) -> None: ...
    def refunds(self, order_id: str) -> list[dict[str, Any]]: ...
    # reservations
    def add_reservations(self, rows: Sequence[Mapping[str, Any]]) -> None: ...
    def open_reservations(self, order_id: str) -> list[dict[str, Any]]: ...
    def close_reservation(self, reservation_id: str, column: str, at: datetime) -> None: ...
    def adjust_stock(self, product_id: str, delta: int, at: datetime) -> None: ...
    # jobs
    def due_checkouts(self, now: datetime, limit: int) -> list[str]: ...
    def due_cod_orders(self, now: datetime, limit: int) -> list[str]: ...
    def orders_in_states(
        self, states: Sequence[str], before: datetime, limit: int
    ) -> list[str]: ...
    # payouts
    def payable_orders(
        self, vendor: str | None, completed_before: datetime
    ) -> list[OrderRecord]: ...
    def payout_exists(self, vendor: str, day: date) -> bool: ...
    def add_payout(self, payout: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> None: ...
    def payouts(self, vendor: str | None, limit: int) -> list[dict[str, Any]]: ...
    def payout_lines(self, payout_id: str) -> list[dict[str, Any]]: ...
    # webhooks
    def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...
    def endpoints(self, vendor: str) -> list[WebhookEndpoint]: ...
    def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None: ...
    def add_delivery(self, delivery: WebhookDelivery) -> None: ...
    def due_deliveries(self, now: datetime, limit: int) -> list[WebhookDelivery]: ...
    def save_delivery(self, delivery: WebhookDelivery) -> None: ...
    def add_attempt(
        self, delivery_id: str, attempt: int, at: datetime, status: int | None, error: str | None
    ) -> None: ...
    def deliveries(self, vendor: str, limit: int) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class SendResult:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender(Protocol):
    """POSTs the exact body with the given headers; never raises for network errors."""

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult: ...
