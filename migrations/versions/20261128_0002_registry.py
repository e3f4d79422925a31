"""registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 07:36:54.906749
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pasar_pay.adapters.db.guards import drop_append_only, install_append_only
from pasar_pay.adapters.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "vendors",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("trader_card", sa.String(length=40), nullable=True),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("netting_opt_in", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_vendors")),
        sa.UniqueConstraint("trader_card", name=op.f("uq_vendors_trader_card")),
    )
    op.create_table(
        "market_profiles",
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("cashless_since", sa.Date(), nullable=True),
        sa.Column(
            "channels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_market_profiles_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("market_code", name=op.f("pk_market_profiles")),
    )
    op.create_table(
        "stalls",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("block", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("stall_type", sa.String(length=10), nullable=False),
        sa.Column("area_cm2", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("electricity_meter", sa.String(length=40), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("area_cm2 > 0", name=op.f("ck_stalls_area_positive")),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_stalls_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_stalls")),
        sa.UniqueConstraint(
            "market_code", "block", "number", name=op.f("uq_stalls_market_code_block_number")
        ),
    )
    with op.batch_alter_table("stalls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stalls_market_code"), ["market_code"], unique=False)

    op.create_table(
        "placements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("stall_code", sa.String(length=40), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_placements_stall_code_stalls")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_code"], ["vendors.code"], name=op.f("fk_placements_vendor_code_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_stall_code"), ["stall_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_placements_vendor_code"), ["vendor_code"], unique=False
        )

    op.create_table(
        "placement_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("placement_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=36), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_events_placement_id_placements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_events")),
    )
    with op.batch_alter_table("placement_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_placement_events_placement_id"), ["placement_id"], unique=False
        )
    install_append_only("placement_events")


def downgrade() -> None:
    drop_append_only("placement_events")

    with op.batch_alter_table("placement_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_events_placement_id"))

    op.drop_table("placement_events")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_vendor_code"))
        batch_op.drop_index(batch_op.f("ix_placements_stall_code"))

    op.drop_table("placements")
    with op.batch_alter_table("stalls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stalls_market_code"))

    op.drop_table("stalls")
    op.drop_table("market_profiles")
    op.drop_table("vendors")
