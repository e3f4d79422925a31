"""days off: market closures and stall idle days for the "not trading" policy

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pasar_pay.adapters.db.guards import drop_append_only, install_append_only
from pasar_pay.adapters.db.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "days_off",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("stall_code", sa.String(length=40), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=36), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_days_off_range")),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_days_off_market_code_markets")
        ),
        sa.ForeignKeyConstraint(
            ["stall_code"], ["stalls.code"], name=op.f("fk_days_off_stall_code_stalls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_days_off")),
    )
    op.create_index("ix_days_off_market_days", "days_off", ["market_code", "first_day"])
    install_append_only("days_off")


def downgrade() -> None:
    drop_append_only("days_off")
    op.drop_index("ix_days_off_market_days", table_name="days_off")
    op.drop_table("days_off")
