"""Online ordering tables (issue 7): catalog, checkouts, orders, reservations, payouts, webhooks.

Registered on the shared `metadata` so Alembic (migration 0006) and the test schema see them.
`order_events`, `order_refunds` and `webhook_attempts` are append-only (the history of what
happened); order rows carry the current state and change under a row lock.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pasar_pay.adapters.db.tables import metadata
from pasar_pay.adapters.db.types import JSONType, UTCDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")

# What a market offers for online orders (cash on delivery is opt-in per market).
order_market_options = Table(
    "order_market_options",
    metadata,
    Column("market_code", String(40), ForeignKey("markets.code"), primary_key=True),
    Column("cash_on_delivery", Boolean, nullable=False),
    Column("cod_max_amount", BigInteger, nullable=True),
    Column("min_channel_refund", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# A stall's online shop: the vendor opens and closes it.
order_stalls = Table(
    "order_stalls",
    metadata,
    Column("stall_code", String(40), ForeignKey("stalls.code"), primary_key=True),
    Column("vendor_code", String(40), nullable=False, index=True),
    Column("market_code", String(40), nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

order_products = Table(
    "order_products",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("stall_code", String(40), ForeignKey("stalls.code"), nullable=False),
    Column("vendor_code", String(40), nullable=False),
    Column("market_code", String(40), nullable=False),
    Column("name", String(120), nullable=False),
    Column("category", String(40), nullable=False),
    Column("unit", String(8), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("stock_mode", String(20), nullable=False),
    Column("on_hand", BigInteger, nullable=True),
    Column("tolerance_grams", Integer, nullable=True),
    Column("tolerance_bps", Integer, nullable=True),
    Column("photo_urls", JSONType, nullable=False),
    Column("search_text", String(200), nullable=False),  # lower-cased name and category
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("price > 0", name="price_positive"),
    CheckConstraint("on_hand IS NULL OR on_hand >= 0", name="stock_not_negative"),
)
Index("ix_order_products_market", order_products.c.market_code, order_products.c.id)
Index("ix_order_products_stall", order_products.c.stall_code, order_products.c.id)

# Published reference prices for staples: entered by staff, never invented (source required).
order_reference_prices = Table(
    "order_reference_prices",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False),
    Column("commodity", String(60), nullable=False),
    Column("unit", String(8), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("source", String(300), nullable=False),
    Column("to_verify", Boolean, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("market_code", "commodity", "as_of"),
)

# Commission rules (market and/or category, most specific wins); NULL = any.
order_commission_rules = Table(
    "order_commission_rules",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("market_code", String(40), nullable=True),
    Column("category", String(40), nullable=True),
    Column("rate_bps", Integer, nullable=False),
    Column("legal_basis", String(300), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

order_vendor_settings = Table(
    "order_vendor_settings",
    metadata,
    Column("vendor_code", String(40), primary_key=True),
    Column("net_arrears", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

order_checkouts = Table(
    "order_checkouts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("shopper", String(36), nullable=False, index=True),  # the shopper's key id
    Column("market_code", String(40), nullable=False),
    Column("mode", String(20), nullable=False),  # prepaid | cash_on_delivery
    Column("status", String(20), nullable=False),  # awaiting_payment | paid | cod | expired ...
    Column("amount", BigInteger, nullable=False),  # what the shopper pays (held amounts)
    Column("estimated", BigInteger, nullable=False),
    Column("intent_id", String(36), nullable=True, unique=True),
    Column("bank_code", String(40), nullable=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("paid_at", UTCDateTime, nullable=True),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(40), primary_key=True),  # ORD-<hex>; the ledger reference
    Column("checkout_id", String(36), ForeignKey("order_checkouts.id"), nullable=False),
    Column("shopper", String(36), nullable=False, index=True),
    Column("stall_code", String(40), nullable=False),
    Column("vendor_code", String(40), nullable=False),
    Column("market_code", String(40), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("held", BigInteger, nullable=False),  # paid (prepaid) or due (COD) at placement
    Column("estimated", BigInteger, nullable=False),
    Column("refunded", BigInteger, nullable=False),
    Column("commission", BigInteger, nullable=True),  # set at completion
    Column("commission_bps", Integer, nullable=True),  # NULL: several rates
    Column("hold_entry_id", String(36), nullable=True),  # the open refund hold
    Column("hold_amount", BigInteger, nullable=False),
    Column("bank_code", String(40), nullable=True),
    Column("payout_id", String(36), nullable=True),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("handed_over_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    CheckConstraint("refunded >= 0 AND refunded <= held", name="refund_within_held"),
)
Index("ix_orders_vendor_state", orders.c.vendor_code, orders.c.state)
Index("ix_orders_checkout", orders.c.checkout_id)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(40), ForeignKey("orders.id"), primary_key=True),
    Column("line_id", String(40), primary_key=True),
    Column("product_id", String(36), nullable=False),
    Column("name", String(120), nullable=False),
    Column("category", String(40), nullable=False),
    Column("unit", String(8), nullable=False),
    Column("unit_price", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=True),
    Column("estimated_grams", Integer, nullable=True),
    Column("tolerance_grams", Integer, nullable=False),
    Column("estimated_amount", BigInteger, nullable=False),
    Column("held_amount", BigInteger, nullable=False),
    Column("substitution", String(12), nullable=False),
    Column("substitute_product_id", String(36), nullable=True),
    Column("outcome", String(12), nullable=False),  # open | weighed | substituted | removed
    Column("actual_grams", Integer, nullable=True),
    Column("charge", BigInteger, nullable=True),
    Column("refund", BigInteger, nullable=False),
    Column("note", String(200), nullable=True),
)

order_reservations = Table(
    "order_reservations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("product_id", String(36), ForeignKey("order_products.id"), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("reserved_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime, nullable=True),
    Column("consumed_at", UTCDateTime, nullable=True),  # the order was paid/accepted
)
Index("ix_order_reservations_product", order_reservations.c.product_id)

order_events = Table(
    "order_events",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("source", String(20), nullable=False),
    Column("target", String(20), nullable=False),
    Column("role", String(12), nullable=False),
    Column("actor", String(64), nullable=True),  # key id, bank code or job name
    Column("at", UTCDateTime, nullable=False),
    Column("reason", String(500), nullable=True),
)

order_refunds = Table(
    "order_refunds",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("route", String(10), nullable=False),  # channel | credit
    Column("reason", String(200), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
)

order_payouts = Table(
    "order_payouts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("vendor_code", String(40), nullable=False),
    Column("day", Date, nullable=False),
    Column("gross", BigInteger, nullable=False),
    Column("refunded", BigInteger, nullable=False),
    Column("commission", BigInteger, nullable=False),
    Column("netted", JSONType, nullable=False),  # [[market, amount], ...]
    Column("paid_out", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("vendor_code", "day"),
)

order_payout_lines = Table(
    "order_payout_lines",
    metadata,
    Column("payout_id", String(36), ForeignKey("order_payouts.id"), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), primary_key=True),
    Column("gross", BigInteger, nullable=False),
    Column("refunded", BigInteger, nullable=False),
    Column("commission", BigInteger, nullable=False),
    Column("commission_bps", Integer, nullable=True),
    Column("net", BigInteger, nullable=False),
    UniqueConstraint("order_id"),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("vendor_code", String(40), nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("secret", String(200), nullable=False),  # sealed with the settings' secret box
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("endpoint_id", String(36), ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("body", Text, nullable=False),  # the exact bytes signed and sent
    Column("status", String(12), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
)
Index(
    "ix_webhook_deliveries_due", webhook_deliveries.c.status, webhook_deliveries.c.next_attempt_at
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("delivery_id", String(36), ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(300), nullable=True),
    Index("ix_webhook_attempts_delivery", "delivery_id"),
)
