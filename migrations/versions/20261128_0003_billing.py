"""billing

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 07:43:10.312180
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pasar_pay.adapters.db.guards import drop_append_only, install_append_only
from pasar_pay.adapters.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "billing_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("bills_created", sa.Integer(), nullable=False),
        sa.Column("amount_created", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_runs")),
    )
    op.create_table(
        "tariffs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("market_class", sa.String(length=10), nullable=False),
        sa.Column("stall_type", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("service_per_m2_day", sa.Integer(), nullable=False),
        sa.Column("cleaning_per_m2_day", sa.Integer(), nullable=False),
        sa.Column("fixed_per_month", sa.Integer(), nullable=False),
        sa.Column("electricity_per_kwh", sa.Integer(), nullable=False),
        sa.Column("to_verify", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariffs")),
        sa.UniqueConstraint(
            "market_class",
            "stall_type",
            "valid_from",
            name=op.f("uq_tariffs_market_class_stall_type_valid_from"),
        ),
    )
    op.create_table(
        "cash_receipts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=False),
        sa.Column("collector", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("collected_at", UTCDateTime(), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("deposit_id", sa.String(length=36), nullable=True),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_cash_receipts_amount_positive")),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_cash_receipts_market_code_markets")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_code"], ["vendors.code"], name=op.f("fk_cash_receipts_vendor_code_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_receipts")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_cash_receipts_receipt_no")),
    )
    with op.batch_alter_table("cash_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cash_receipts_deposit_id"), ["deposit_id"], unique=False
        )

    op.create_table(
        "channel_outages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_channel_outages_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_outages")),
    )
    op.create_table(
        "deposits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("collector", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sts_number", sa.String(length=40), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("verified_by", sa.String(length=36), nullable=True),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_deposits_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposits")),
        sa.UniqueConstraint("sts_number", name=op.f("uq_deposits_sts_number")),
    )
    op.create_table(
        "bills",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "computation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("to_verify", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_bills_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_bills_market_code_markets")
        ),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_bills_stall_code_stalls")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_code"], ["vendors.code"], name=op.f("fk_bills_vendor_code_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint(
            "stall_code", "period_start", name=op.f("uq_bills_stall_code_period_start")
        ),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bills_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_bills_market_code"), ["market_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_bills_vendor_code"), ["vendor_code"], unique=False)

    op.create_table(
        "dunning_states",
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_dunning_states_stall_code_stalls")
        ),
        sa.PrimaryKeyConstraint("stall_code", name=op.f("pk_dunning_states")),
    )
    op.create_table(
        "bill_movements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("bill_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_movements_bill_id_bills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_movements")),
    )
    with op.batch_alter_table("bill_movements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_movements_bill_id"), ["bill_id"], unique=False)
        batch_op.create_index(
            "uq_bill_movements_penalty_day", ["bill_id", "kind", "as_of"], unique=True
        )

    op.create_table(
        "objections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bill_id", sa.String(length=80), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.String(length=1000), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_objections_bill_id_bills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_bill_id"), ["bill_id"], unique=False)
    op.create_table(
        "qris_merchants",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("vendor_code", sa.String(length=40), nullable=True),
        sa.Column("acquirer_code", sa.String(length=40), nullable=False),
        sa.Column("guid", sa.String(length=32), nullable=False),
        sa.Column("pan", sa.String(length=19), nullable=False),
        sa.Column("merchant_id", sa.String(length=15), nullable=False),
        sa.Column("nmid", sa.String(length=15), nullable=False),
        sa.Column("mcc", sa.String(length=4), nullable=False),
        sa.Column("criteria", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=25), nullable=False),
        sa.Column("city", sa.String(length=15), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("static_payload", sa.Text(), nullable=False),
        sa.Column("fictitious", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_qris_merchants_market_code_markets")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_code"], ["vendors.code"], name=op.f("fk_qris_merchants_vendor_code_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qris_merchants")),
    )
    op.create_table(
        "payment_intents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=True),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column(
            "bill_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("order_ref", sa.String(length=80), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=25), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("va_number", sa.String(length=28), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("acquirer_reference", sa.String(length=64), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_intents_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_intents")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_intents_reference")),
    )
    with op.batch_alter_table("payment_intents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_intents_order_ref"), ["order_ref"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_intents_vendor_code"), ["vendor_code"], unique=False
        )
    install_append_only("bills")
    install_append_only("bill_movements")


def downgrade() -> None:
    op.drop_table("payment_intents")
    op.drop_table("qris_merchants")
    drop_append_only("bill_movements")
    drop_append_only("bills")

    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_bill_id"))

    op.drop_table("objections")
    with op.batch_alter_table("bill_movements", schema=None) as batch_op:
        batch_op.drop_index("uq_bill_movements_penalty_day")
        batch_op.drop_index(batch_op.f("ix_bill_movements_bill_id"))

    op.drop_table("bill_movements")
    op.drop_table("dunning_states")
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bills_vendor_code"))
        batch_op.drop_index(batch_op.f("ix_bills_market_code"))
        batch_op.drop_index(batch_op.f("ix_bills_due_date"))

    op.drop_table("bills")
    op.drop_table("deposits")
    op.drop_table("channel_outages")
    with op.batch_alter_table("cash_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_receipts_deposit_id"))

    op.drop_table("cash_receipts")
    op.drop_table("tariffs")
    op.drop_table("billing_runs")
