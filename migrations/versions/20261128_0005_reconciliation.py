"""reconciliation: statements, matches, exceptions, daily close

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pasar_pay.adapters.db.guards import drop_append_only, install_append_only
from pasar_pay.adapters.db.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = ("recon_audit", "recon_closes")


def upgrade() -> None:
    op.create_table(
        "recon_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("exception_id", sa.String(length=36), nullable=True),
        sa.Column("match_id", sa.String(length=36), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_audit")),
    )
    op.create_index(
        op.f("ix_recon_audit_exception_id"), "recon_audit", ["exception_id"], unique=False
    )
    op.create_index(op.f("ix_recon_audit_match_id"), "recon_audit", ["match_id"], unique=False)
    op.create_table(
        "recon_claims",
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("match_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("item", name=op.f("pk_recon_claims")),
    )
    op.create_table(
        "recon_exceptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("expected", sa.BigInteger(), nullable=True),
        sa.Column("actual", sa.BigInteger(), nullable=True),
        sa.Column(
            "items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("entry_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("requested_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_recon_exceptions_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_exceptions")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_recon_exceptions_fingerprint")),
    )
    op.create_index(
        "ix_recon_exceptions_market_status",
        "recon_exceptions",
        ["market_code", "status"],
        unique=False,
    )
    op.create_table(
        "recon_lines",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("bank_code", sa.String(length=40), nullable=False),
        sa.Column("account_no", sa.String(length=34), nullable=False),
        sa.Column("line_ref", sa.String(length=64), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("narrative", sa.String(length=500), nullable=False),
        sa.Column("booked_at", UTCDateTime(), nullable=True),
        sa.Column("rrn", sa.String(length=64), nullable=True),
        sa.Column("va_number", sa.String(length=32), nullable=True),
        sa.Column("qris_ref", sa.String(length=64), nullable=True),
        sa.Column("bill_ref", sa.String(length=64), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('credit', 'debit')", name=op.f("ck_recon_lines_side_valid")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_recon_lines_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_lines")),
        sa.UniqueConstraint(
            "bank_code",
            "account_no",
            "line_ref",
            name=op.f("uq_recon_lines_bank_code_account_no_line_ref"),
        ),
    )
    op.create_index(
        "ix_recon_lines_market_day", "recon_lines", ["market_code", "value_date"], unique=False
    )
    op.create_table(
        "recon_matches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("difference", sa.BigInteger(), nullable=False),
        sa.Column(
            "items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_matches")),
    )
    op.create_index(
        "ix_recon_matches_market_day", "recon_matches", ["market_code", "day"], unique=False
    )
    op.create_table(
        "recon_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("started_by", sa.String(length=36), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("exceptions", sa.Integer(), nullable=False),
        sa.Column("fees_posted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_runs")),
    )
    op.create_table(
        "recon_settlements",
        sa.Column("acquirer", sa.String(length=40), nullable=False),
        sa.Column("batch_id", sa.String(length=80), nullable=False),
        sa.Column("settled_date", sa.Date(), nullable=False),
        sa.Column("gross_total", sa.BigInteger(), nullable=False),
        sa.Column("fee_total", sa.BigInteger(), nullable=False),
        sa.Column("mdr_bp", sa.Integer(), nullable=False),
        sa.Column("flat_fee", sa.BigInteger(), nullable=False),
        sa.Column("net_credit", sa.BigInteger(), nullable=False),
        sa.Column(
            "members",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("fee_entry_id", sa.String(length=36), nullable=True),
        sa.Column("imported_by", sa.String(length=36), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("acquirer", "batch_id", name=op.f("pk_recon_settlements")),
    )
    op.create_table(
        "recon_statements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bank_code", sa.String(length=40), nullable=False),
        sa.Column("account_no", sa.String(length=34), nullable=False),
        sa.Column("statement_ref", sa.String(length=80), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("opening_date", sa.Date(), nullable=False),
        sa.Column("closing_date", sa.Date(), nullable=False),
        sa.Column("opening", sa.BigInteger(), nullable=True),
        sa.Column("closing", sa.BigInteger(), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("new_lines", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=36), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recon_statements")),
        sa.UniqueConstraint(
            "bank_code",
            "account_no",
            "statement_ref",
            "opening_date",
            "closing_date",
            "closing",
            name=op.f(
                "uq_recon_statements_bank_code_account_no_statement_ref_opening_date_closing_date_closing"
            ),
        ),
    )
    op.create_index(
        "ix_recon_statements_account_day",
        "recon_statements",
        ["bank_code", "account_no", "closing_date"],
        unique=False,
    )
    op.create_table(
        "recon_accounts",
        sa.Column("bank_code", sa.String(length=40), nullable=False),
        sa.Column("account_no", sa.String(length=34), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("csv_format", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_recon_accounts_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("bank_code", "account_no", name=op.f("pk_recon_accounts")),
    )
    op.create_table(
        "recon_closes",
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.Column(
            "report",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_recon_closes_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("market_code", "day", name=op.f("pk_recon_closes")),
    )
    op.create_table(
        "recon_fee_rules",
        sa.Column("acquirer", sa.String(length=40), nullable=False),
        sa.Column("mdr_bp", sa.Integer(), nullable=False),
        sa.Column("flat_fee", sa.BigInteger(), nullable=False),
        sa.Column("free_up_to", sa.BigInteger(), nullable=False),
        sa.Column("rounding", sa.String(length=10), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "mdr_bp >= 0 AND flat_fee >= 0 AND free_up_to >= 0",
            name=op.f("ck_recon_fee_rules_fees_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_recon_fee_rules_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("acquirer", name=op.f("pk_recon_fee_rules")),
    )
    op.create_table(
        "recon_targets",
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("target >= 0", name=op.f("ck_recon_targets_target_not_negative")),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_recon_targets_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("market_code", "month", name=op.f("pk_recon_targets")),
    )
    for table in APPEND_ONLY:
        install_append_only(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        drop_append_only(table)
    op.drop_table("recon_targets")
    op.drop_table("recon_fee_rules")
    op.drop_table("recon_closes")
    op.drop_table("recon_accounts")
    op.drop_index("ix_recon_statements_account_day", table_name="recon_statements")
    op.drop_table("recon_statements")
    op.drop_table("recon_settlements")
    op.drop_table("recon_runs")
    op.drop_index("ix_recon_matches_market_day", table_name="recon_matches")
    op.drop_table("recon_matches")
    op.drop_index("ix_recon_lines_market_day", table_name="recon_lines")
    op.drop_table("recon_lines")
    op.drop_index("ix_recon_exceptions_market_status", table_name="recon_exceptions")
    op.drop_table("recon_exceptions")
    op.drop_table("recon_claims")
    op.drop_index(op.f("ix_recon_audit_exception_id"), table_name="recon_audit")
    op.drop_index(op.f("ix_recon_audit_match_id"), table_name="recon_audit")
    op.drop_table("recon_audit")
