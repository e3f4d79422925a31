"""orders: catalog, checkouts, orders, reservations, payouts, webhooks (issue 7)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pasar_pay.adapters.db.guards import drop_append_only, install_append_only
from pasar_pay.adapters.db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The history of orders, refunds and webhook attempts is append-only.
APPEND_ONLY = ("order_events", "order_refunds", "webhook_attempts")


def upgrade() -> None:
    op.create_table(
        "order_checkouts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shopper", sa.String(length=36), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("estimated", sa.BigInteger(), nullable=False),
        sa.Column("intent_id", sa.String(length=36), nullable=True),
        sa.Column("bank_code", sa.String(length=40), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("paid_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_checkouts")),
        sa.UniqueConstraint("intent_id", name=op.f("uq_order_checkouts_intent_id")),
    )
    op.create_index(
        op.f("ix_order_checkouts_shopper"), "order_checkouts", ["shopper"], unique=False
    )
    op.create_table(
        "order_commission_rules",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("rate_bps", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_commission_rules")),
    )
    op.create_table(
        "order_payouts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column(
            "netted",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("paid_out", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_payouts")),
        sa.UniqueConstraint("vendor_code", "day", name=op.f("uq_order_payouts_vendor_code_day")),
    )
    op.create_table(
        "order_vendor_settings",
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("net_arrears", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("vendor_code", name=op.f("pk_order_vendor_settings")),
    )
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_index(
        op.f("ix_webhook_endpoints_vendor_code"), "webhook_endpoints", ["vendor_code"], unique=False
    )
    op.create_table(
        "order_market_options",
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("cash_on_delivery", sa.Boolean(), nullable=False),
        sa.Column("cod_max_amount", sa.BigInteger(), nullable=True),
        sa.Column("min_channel_refund", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"],
            ["markets.code"],
            name=op.f("fk_order_market_options_market_code_markets"),
        ),
        sa.PrimaryKeyConstraint("market_code", name=op.f("pk_order_market_options")),
    )
    op.create_table(
        "order_reference_prices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("commodity", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("to_verify", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"],
            ["markets.code"],
            name=op.f("fk_order_reference_prices_market_code_markets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_reference_prices")),
        sa.UniqueConstraint(
            "market_code",
            "commodity",
            "as_of",
            name=op.f("uq_order_reference_prices_market_code_commodity_as_of"),
        ),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("checkout_id", sa.String(length=36), nullable=False),
        sa.Column("shopper", sa.String(length=36), nullable=False),
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.Column("estimated", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=True),
        sa.Column("commission_bps", sa.Integer(), nullable=True),
        sa.Column("hold_entry_id", sa.String(length=36), nullable=True),
        sa.Column("hold_amount", sa.BigInteger(), nullable=False),
        sa.Column("bank_code", sa.String(length=40), nullable=True),
        sa.Column("payout_id", sa.String(length=36), nullable=True),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("handed_over_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "refunded >= 0 AND refunded <= held", name=op.f("ck_orders_refund_within_held")
        ),
        sa.ForeignKeyConstraint(
            ["checkout_id"],
            ["order_checkouts.id"],
            name=op.f("fk_orders_checkout_id_order_checkouts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index("ix_orders_checkout", "orders", ["checkout_id"], unique=False)
    op.create_index(op.f("ix_orders_shopper"), "orders", ["shopper"], unique=False)
    op.create_index("ix_orders_vendor_state", "orders", ["vendor_code", "state"], unique=False)
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("endpoint_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "order_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index(op.f("ix_order_events_order_id"), "order_events", ["order_id"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("line_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("estimated_grams", sa.Integer(), nullable=True),
        sa.Column("tolerance_grams", sa.Integer(), nullable=False),
        sa.Column("estimated_amount", sa.BigInteger(), nullable=False),
        sa.Column("held_amount", sa.BigInteger(), nullable=False),
        sa.Column("substitution", sa.String(length=12), nullable=False),
        sa.Column("substitute_product_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("actual_grams", sa.Integer(), nullable=True),
        sa.Column("charge", sa.BigInteger(), nullable=True),
        sa.Column("refund", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "line_id", name=op.f("pk_order_lines")),
    )
    op.create_table(
        "order_payout_lines",
        sa.Column("payout_id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column("commission_bps", sa.Integer(), nullable=True),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_payout_lines_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"],
            ["order_payouts.id"],
            name=op.f("fk_order_payout_lines_payout_id_order_payouts"),
        ),
        sa.PrimaryKeyConstraint("payout_id", "order_id", name=op.f("pk_order_payout_lines")),
        sa.UniqueConstraint("order_id", name=op.f("uq_order_payout_lines_order_id")),
    )
    op.create_table(
        "order_products",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("stock_mode", sa.String(length=20), nullable=False),
        sa.Column("on_hand", sa.BigInteger(), nullable=True),
        sa.Column("tolerance_grams", sa.Integer(), nullable=True),
        sa.Column("tolerance_bps", sa.Integer(), nullable=True),
        sa.Column(
            "photo_urls",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("search_text", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "on_hand IS NULL OR on_hand >= 0", name=op.f("ck_order_products_stock_not_negative")
        ),
        sa.CheckConstraint("price > 0", name=op.f("ck_order_products_price_positive")),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_order_products_stall_code_stalls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_products")),
    )
    op.create_index(
        "ix_order_products_market", "order_products", ["market_code", "id"], unique=False
    )
    op.create_index("ix_order_products_stall", "order_products", ["stall_code", "id"], unique=False)
    op.create_table(
        "order_refunds",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_order_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_refunds_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
    )
    op.create_index(op.f("ix_order_refunds_order_id"), "order_refunds", ["order_id"], unique=False)
    op.create_table(
        "order_stalls",
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_order_stalls_stall_code_stalls")
        ),
        sa.PrimaryKeyConstraint("stall_code", name=op.f("pk_order_stalls")),
    )
    op.create_index(
        op.f("ix_order_stalls_vendor_code"), "order_stalls", ["vendor_code"], unique=False
    )
    op.create_table(
        "webhook_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name=op.f("fk_webhook_attempts_delivery_id_webhook_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    op.create_index(
        "ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id"], unique=False
    )
    op.create_table(
        "order_reservations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("product_id", sa.String(length=36), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("reserved_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("consumed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_reservations_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["order_products.id"],
            name=op.f("fk_order_reservations_product_id_order_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_reservations")),
    )
    op.create_index(
        op.f("ix_order_reservations_order_id"), "order_reservations", ["order_id"], unique=False
    )
    op.create_index(
        "ix_order_reservations_product", "order_reservations", ["product_id"], unique=False
    )
    for table in APPEND_ONLY:
        install_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_index("ix_order_reservations_product", table_name="order_reservations")
    op.drop_index(op.f("ix_order_reservations_order_id"), table_name="order_reservations")
    op.drop_table("order_reservations")
    op.drop_index("ix_webhook_attempts_delivery", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index(op.f("ix_order_stalls_vendor_code"), table_name="order_stalls")
    op.drop_table("order_stalls")
    op.drop_index(op.f("ix_order_refunds_order_id"), table_name="order_refunds")
    op.drop_table("order_refunds")
    op.drop_index("ix_order_products_stall", table_name="order_products")
    op.drop_index("ix_order_products_market", table_name="order_products")
    op.drop_table("order_products")
    op.drop_table("order_payout_lines")
    op.drop_table("order_lines")
    op.drop_index(op.f("ix_order_events_order_id"), table_name="order_events")
    op.drop_table("order_events")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_orders_vendor_state", table_name="orders")
    op.drop_index(op.f("ix_orders_shopper"), table_name="orders")
    op.drop_index("ix_orders_checkout", table_name="orders")
    op.drop_table("orders")
    op.drop_table("order_reference_prices")
    op.drop_table("order_market_options")
    op.drop_index(op.f("ix_webhook_endpoints_vendor_code"), table_name="webhook_endpoints")
    op.drop_table("webhook_endpoints")
    op.drop_table("order_vendor_settings")
    op.drop_table("order_payouts")
    op.drop_table("order_commission_rules")
    op.drop_index(op.f("ix_order_checkouts_shopper"), table_name="order_checkouts")
    op.drop_table("order_checkouts")
