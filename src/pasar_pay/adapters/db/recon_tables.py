"""Reconciliation tables (issue 6): statements and their lines, settlements, matches,
exceptions, the append-only audit trail and the daily close.

Registered on the shared `metadata` (imported at the bottom of tables.py) so Alembic's
models-vs-migrations test sees them. Money is BIGINT rupiah.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from pasar_pay.adapters.db.tables import metadata
from pasar_pay.adapters.db.types import JSONType, UTCDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")

# A bank account whose statements we import, and the market it collects for (NULL: the city's
# treasury account, visible to finance only).
recon_accounts = Table(
    "recon_accounts",
    metadata,
    Column("bank_code", String(40), primary_key=True),
    Column("account_no", String(34), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=True),
    Column("csv_format", String(40), nullable=True),  # a key of adapters.statements.FORMATS
    Column("label", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# The contract with an acquirer: MDR in basis points (0 allowed), flat fee per payment.
recon_fee_rules = Table(
    "recon_fee_rules",
    metadata,
    Column("acquirer", String(40), primary_key=True),
    Column("mdr_bp", Integer, nullable=False),
    Column("flat_fee", BigInteger, nullable=False),
    Column("free_up_to", BigInteger, nullable=False),
    Column("rounding", String(10), nullable=False),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=True),
    Column("note", String(500), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("mdr_bp >= 0 AND flat_fee >= 0 AND free_up_to >= 0", name="fees_valid"),
)

recon_statements = Table(
    "recon_statements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("bank_code", String(40), nullable=False),
    Column("account_no", String(34), nullable=False),
    Column("statement_ref", String(80), nullable=False),
    Column("format", String(20), nullable=False),  # mt940 | csv:<format>
    Column("opening_date", Date, nullable=False),
    Column("closing_date", Date, nullable=False),
    Column("opening", BigInteger, nullable=True),  # CSV exports may carry no balances
    Column("closing", BigInteger, nullable=True),
    Column("line_count", Integer, nullable=False),
    Column("new_lines", Integer, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_by", String(36), nullable=True),
    Column("imported_at", UTCDateTime, nullable=False),
    # The same statement imported twice is recognised, whatever the file around it.
    UniqueConstraint(
        "bank_code", "account_no", "statement_ref", "opening_date", "closing_date", "closing"
    ),
)
Index(
    "ix_recon_statements_account_day",
    recon_statements.c.bank_code,
    recon_statements.c.account_no,
    recon_statements.c.closing_date,
)

recon_lines = Table(
    "recon_lines",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("bank_code", String(40), nullable=False),
    Column("account_no", String(34), nullable=False),
    Column("line_ref", String(64), nullable=False),
    Column("statement_id", String(36), nullable=False),
    Column("market_code", String(40), nullable=True),
    Column("value_date", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("side", String(6), nullable=False),
    Column("narrative", String(500), nullable=False),
    Column("booked_at", UTCDateTime, nullable=True),
    Column("rrn", String(64), nullable=True),
    Column("va_number", String(32), nullable=True),
    Column("qris_ref", String(64), nullable=True),
    Column("bill_ref", String(64), nullable=True),
    Column("source_line", Integer, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    # The bank's own line reference makes re-importing (or an overlapping export) idempotent.
    UniqueConstraint("bank_code", "account_no", "line_ref"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("side IN ('credit', 'debit')", name="side_valid"),
)
Index("ix_recon_lines_market_day", recon_lines.c.market_code, recon_lines.c.value_date)

recon_settlements = Table(
    "recon_settlements",
    metadata,
    Column("acquirer", String(40), primary_key=True),
    Column("batch_id", String(80), primary_key=True),
    Column("settled_date", Date, nullable=False),
    Column("gross_total", BigInteger, nullable=False),
    Column("fee_total", BigInteger, nullable=False),
    Column("mdr_bp", Integer, nullable=False),
    Column("flat_fee", BigInteger, nullable=False),
    Column("net_credit", BigInteger, nullable=False),
    Column("members", JSONType, nullable=False),  # [[reference, gross, fee], ...]
    Column("market_code", String(40), nullable=True),
    Column("fee_entry_id", String(36), nullable=True),  # the ledger entry booking the fee
    Column("imported_by", String(36), nullable=True),
    Column("imported_at", UTCDateTime, nullable=False),
)

recon_runs = Table(
    "recon_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("market_code", String(40), nullable=True),  # NULL: every market
    Column("date_from", Date, nullable=False),
    Column("date_to", Date, nullable=False),
    Column("started_by", String(36), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("matches", Integer, nullable=False),
    Column("exceptions", Integer, nullable=False),
    Column("fees_posted", Integer, nullable=False),
)

recon_matches = Table(
    "recon_matches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("run_id", String(36), nullable=True),  # NULL: a manual match
    Column("rule", String(30), nullable=False),
    Column("market_code", String(40), nullable=True),
    Column("day", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("difference", BigInteger, nullable=False),
    Column("items", JSONType, nullable=False),  # claim keys, see recon_claims
    Column("decided_by", String(36), nullable=True),  # NULL: automatic
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_recon_matches_market_day", recon_matches.c.market_code, recon_matches.c.day)

# One row per item (line, callback, ledger entry, settlement batch) that is matched: the primary
# key makes a concurrent or repeated run unable to match an item twice.
recon_claims = Table(
    "recon_claims",
    metadata,
    Column("item", String(200), primary_key=True),
    Column("match_id", String(36), nullable=False),
)

recon_exceptions = Table(
    "recon_exceptions",
    metadata,
    Column("id", String(36), primary_key=True),
    # sha256 of type + items: the same discrepancy found by a re-run is not a second exception.
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("type", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # open|resolved|write_off_requested|written_off
    Column("market_code", String(40), nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("detail", String(500), nullable=False),
    Column("expected", BigInteger, nullable=True),
    Column("actual", BigInteger, nullable=True),
    Column("items", JSONType, nullable=False),
    Column("assignee", String(100), nullable=True),
    Column("run_id", String(36), nullable=True),
    Column("entry_id", String(36), nullable=True),  # the adjusting entry of a resolution
    Column("reason", String(500), nullable=True),  # resolution note / write-off reason
    Column("requested_by", String(36), nullable=True),  # who asked for the write-off
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
)
Index(
    "ix_recon_exceptions_market_status",
    recon_exceptions.c.market_code,
    recon_exceptions.c.status,
)

# Append-only (triggers in the migration): every automatic or manual decision.
recon_audit = Table(
    "recon_audit",
    metadata,
    Column("id", _ID, Identity(), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(36), nullable=True),  # NULL: the matcher
    Column("action", String(40), nullable=False),
    Column("exception_id", String(36), nullable=True, index=True),
    Column("match_id", String(36), nullable=True, index=True),
    Column("detail", JSONType, nullable=False),
)

recon_closes = Table(
    "recon_closes",
    metadata,
    Column("market_code", String(40), ForeignKey("markets.code"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("closed_by", String(36), nullable=True),
    Column("closed_at", UTCDateTime, nullable=False),
    Column("report", JSONType, nullable=False),
)

# Monthly collection targets per market, loaded from the city's budget (to verify: never
# invented here; the loader records where each figure came from).
recon_targets = Table(
    "recon_targets",
    metadata,
    Column("market_code", String(40), ForeignKey("markets.code"), primary_key=True),
    Column("month", Date, primary_key=True),  # first day of the month
    Column("target", BigInteger, nullable=False),
    Column("source", String(300), nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
    CheckConstraint("target >= 0", name="target_not_negative"),
)
