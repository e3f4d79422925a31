"""foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-28 07:11:44.598448
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pasar_pay.adapters.db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("vendor_code", sa.String(length=40), nullable=True),
        sa.Column("bank_code", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("operation", sa.String(length=60), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "ledger_chain_heads",
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_ledger_chain_heads")),
    )
    op.create_table(
        "ledger_digests",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ledger_digests")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reverses", sa.String(length=36), nullable=True),
        sa.Column("pending_id", sa.String(length=36), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("posting_count", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("idempotency_scope", sa.String(length=80), nullable=True),
        sa.Column("idempotency_key", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "posting_count >= 2 AND total > 0", name=op.f("ck_ledger_entries_balanced_shape")
        ),
        sa.ForeignKeyConstraint(
            ["pending_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_pending_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_reverses_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("chain", "seq", name=op.f("uq_ledger_entries_chain_seq")),
        sa.UniqueConstraint("pending_id", name=op.f("uq_ledger_entries_pending_id")),
        sa.UniqueConstraint("reverses", name=op.f("uq_ledger_entries_reverses")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_effective_at"), ["effective_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_recorded_at"), ["recorded_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_reference"), ["reference"], unique=False
        )

    op.create_table(
        "ledger_verifications",
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_ledger_verifications")),
    )
    op.create_table(
        "markets",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kecamatan", sa.String(length=100), nullable=True),
        sa.Column("kelas", sa.String(length=10), nullable=True),
        sa.Column("specialty", sa.Text(), nullable=True),
        sa.Column("stalls_estimate", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_markets")),
    )
    op.create_table(
        "api_key_markets",
        sa.Column("key_id", sa.String(length=36), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.id"], name=op.f("fk_api_key_markets_key_id_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_api_key_markets_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("key_id", "market_code", name=op.f("pk_api_key_markets")),
    )
    op.create_table(
        "ledger_accounts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("market_code", sa.String(length=40), nullable=True),
        sa.Column("vendor_code", sa.String(length=40), nullable=True),
        sa.Column("qualifier", sa.String(length=40), nullable=True),
        sa.Column("normal_side", sa.String(length=6), nullable=False),
        sa.Column("debits_must_not_exceed_credits", sa.Boolean(), nullable=False),
        sa.Column("credits_must_not_exceed_debits", sa.Boolean(), nullable=False),
        sa.Column("posted_debits", sa.BigInteger(), nullable=False),
        sa.Column("posted_credits", sa.BigInteger(), nullable=False),
        sa.Column("pending_debits", sa.BigInteger(), nullable=False),
        sa.Column("pending_credits", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "posted_debits >= 0 AND posted_credits >= 0 AND pending_debits >= 0 AND pending_credits >= 0",
            name=op.f("ck_ledger_accounts_totals_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["market_code"], ["markets.code"], name=op.f("fk_ledger_accounts_market_code_markets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_accounts_market_code"), ["market_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_accounts_vendor_code"), ["vendor_code"], unique=False
        )

    op.create_table(
        "ledger_postings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=6), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "side IN ('debit', 'credit')", name=op.f("ck_ledger_postings_side_valid")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_postings_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_accounts.id"],
            name=op.f("fk_ledger_postings_account_id_ledger_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_postings_entry_id_ledger_entries"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_postings_account_entry", ["account_id", "entry_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_postings_entry_id"), ["entry_id"], unique=False)
    _install_guards()


def downgrade() -> None:
    _drop_guards()

    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_postings_entry_id"))
        batch_op.drop_index("ix_ledger_postings_account_entry")

    op.drop_table("ledger_postings")
    with op.batch_alter_table("ledger_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_accounts_vendor_code"))
        batch_op.drop_index(batch_op.f("ix_ledger_accounts_market_code"))

    op.drop_table("ledger_accounts")
    op.drop_table("api_key_markets")
    op.drop_table("markets")
    op.drop_table("ledger_verifications")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_reference"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_recorded_at"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_effective_at"))

    op.drop_table("ledger_entries")
    op.drop_table("ledger_digests")
    op.drop_table("ledger_chain_heads")
    op.drop_table("idempotency_keys")
    op.drop_table("audit_log")
    op.drop_table("api_keys")


# Append-only ledger tables: the database itself refuses UPDATE and DELETE (and TRUNCATE on
# PostgreSQL). Postings are written first and the entry row seals them: the entry insert checks
# that its postings balance, and no posting may join a sealed entry. NOTE: a later SQLite batch
# migration that recreates one of these tables must install its triggers again.
APPEND_ONLY = (
    "ledger_entries",
    "ledger_postings",
    "idempotency_keys",
    "ledger_digests",
    "audit_log",
)

PG_FUNCTIONS = """
CREATE FUNCTION pasar_pay_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pasar_pay: % on % refused: ledger rows are immutable', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END $$;
CREATE FUNCTION pasar_pay_posting_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_entries WHERE id = NEW.entry_id) THEN
    RAISE EXCEPTION 'pasar_pay: entry % is sealed: postings cannot be added', NEW.entry_id
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION pasar_pay_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n integer; d bigint; c bigint;
BEGIN
  SELECT count(*),
         coalesce(sum(amount) FILTER (WHERE side = 'debit'), 0),
         coalesce(sum(amount) FILTER (WHERE side = 'credit'), 0)
    INTO n, d, c FROM ledger_postings WHERE entry_id = NEW.id;
  IF n <> NEW.posting_count OR d <> c OR d <> NEW.total THEN
    RAISE EXCEPTION 'pasar_pay: entry % unbalanced (% postings, debits %, credits %)',
      NEW.id, n, d, c USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
"""

SQLITE_BALANCED = """
CREATE TRIGGER trg_ledger_entries_balanced BEFORE INSERT ON ledger_entries
WHEN (SELECT count(*) FROM ledger_postings WHERE entry_id = NEW.id) <> NEW.posting_count
  OR (SELECT coalesce(sum(CASE WHEN side = 'debit' THEN amount END), 0)
        FROM ledger_postings WHERE entry_id = NEW.id) <> NEW.total
  OR (SELECT coalesce(sum(CASE WHEN side = 'credit' THEN amount END), 0)
        FROM ledger_postings WHERE entry_id = NEW.id) <> NEW.total
BEGIN SELECT RAISE(ABORT, 'pasar_pay: entry unbalanced'); END
"""

SQLITE_OPEN = """
CREATE TRIGGER trg_ledger_postings_open BEFORE INSERT ON ledger_postings
WHEN EXISTS (SELECT 1 FROM ledger_entries WHERE id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'pasar_pay: entry is sealed: postings cannot be added'); END
"""


def _install_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER trg_{table}_immutable BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION pasar_pay_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION pasar_pay_refuse_change()"
            )
        op.execute(
            "CREATE TRIGGER trg_ledger_postings_open BEFORE INSERT ON ledger_postings"
            " FOR EACH ROW EXECUTE FUNCTION pasar_pay_posting_open()"
        )
        op.execute(
            "CREATE TRIGGER trg_ledger_entries_balanced BEFORE INSERT ON ledger_entries"
            " FOR EACH ROW EXECUTE FUNCTION pasar_pay_entry_balanced()"
        )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_{action.lower()} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, 'pasar_pay: {action} on {table} refused:"
                " ledger rows are immutable'); END"
            )
    op.execute(SQLITE_OPEN)
    op.execute(SQLITE_BALANCED)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_immutable ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS trg_ledger_postings_open ON ledger_postings")
        op.execute("DROP TRIGGER IF EXISTS trg_ledger_entries_balanced ON ledger_entries")
        for fn in ("pasar_pay_refuse_change", "pasar_pay_posting_open", "pasar_pay_entry_balanced"):
            op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{action}")
    op.execute("DROP TRIGGER IF EXISTS trg_ledger_postings_open")
    op.execute("DROP TRIGGER IF EXISTS trg_ledger_entries_balanced")
