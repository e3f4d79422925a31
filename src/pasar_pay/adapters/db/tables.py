"""The database schema. Ledger tables are append-only: triggers refuse UPDATE and DELETE."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pasar_pay.adapters.db.types import JSONType, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

markets = Table(
    "markets",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kecamatan", String(100), nullable=True),
    Column("kelas", String(10), nullable=True),  # NULL when the class is unknown
    Column("specialty", Text, nullable=True),
    Column("stalls_estimate", Integer, nullable=True),
    Column("source", String(200), nullable=True),
    Column("confidence", String(10), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("vendor_code", String(40), nullable=True),
    Column("bank_code", String(40), nullable=True),
    Column("label", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(36), nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

api_key_markets = Table(
    "api_key_markets",
    metadata,
    Column("key_id", String(36), ForeignKey("api_keys.id"), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), primary_key=True),
)

ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("code", String(120), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=True, index=True),
    Column("vendor_code", String(40), nullable=True, index=True),
    Column("qualifier", String(40), nullable=True),
    Column("normal_side", String(6), nullable=False),
    Column("debits_must_not_exceed_credits", Boolean, nullable=False),
    Column("credits_must_not_exceed_debits", Boolean, nullable=False),
    # Running totals, maintained in the posting transaction under a row lock.
    Column("posted_debits", BigInteger, nullable=False),
    Column("posted_credits", BigInteger, nullable=False),
    Column("pending_debits", BigInteger, nullable=False),
    Column("pending_credits", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "posted_debits >= 0 AND posted_credits >= 0 AND pending_debits >= 0"
        " AND pending_credits >= 0",
        name="totals_not_negative",
    ),
)

ledger_chain_heads = Table(
    "ledger_chain_heads",
    metadata,
    Column("chain", String(40), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("head_hash", String(64), nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("chain", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("effective_at", UTCDateTime, nullable=False, index=True),
    Column("recorded_at", UTCDateTime, nullable=False, index=True),
    Column("description", String(500), nullable=False),
    Column("reference", String(120), nullable=True, index=True),
    Column("metadata", JSONType, nullable=False),
    Column("reverses", String(36), ForeignKey("ledger_entries.id"), nullable=True, unique=True),
    Column("pending_id", String(36), ForeignKey("ledger_entries.id"), nullable=True, unique=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("posting_count", Integer, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("idempotency_scope", String(80), nullable=True),
    Column("idempotency_key", String(120), nullable=True),
    UniqueConstraint("chain", "seq"),
    CheckConstraint("posting_count >= 2 AND total > 0", name="balanced_shape"),
)

ledger_postings = Table(
    "ledger_postings",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("entry_id", String(36), nullable=False, index=True),
    Column("account_id", BigInteger, ForeignKey("ledger_accounts.id"), nullable=False),
    Column("side", String(6), nullable=False),
    Column("amount", BigInteger, nullable=False),
    # Deferred: postings are written first, then the entry row that seals them.
    ForeignKeyConstraint(
        ["entry_id"], ["ledger_entries.id"], deferrable=True, initially="DEFERRED"
    ),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("side IN ('debit', 'credit')", name="side_valid"),
)
Index("ix_ledger_postings_account_entry", ledger_postings.c.account_id, ledger_postings.c.entry_id)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(80), primary_key=True),
    Column("key", String(120), primary_key=True),
    Column("operation", String(60), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("request", JSONType, nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("response", JSONType, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

ledger_digests = Table(
    "ledger_digests",
    metadata,
    Column("day", Date, primary_key=True),
    Column("document", Text, nullable=False),
    Column("signature", String(200), nullable=False),
    Column("public_key", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

ledger_verifications = Table(
    "ledger_verifications",
    metadata,
    Column("chain", String(40), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("verified_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(36), nullable=True),
    Column("action", String(60), nullable=False),
    Column("subject", String(120), nullable=True),
    Column("details", JSONType, nullable=False),
)

# Tables whose rows may never change once written (enforced by triggers in the migrations).
APPEND_ONLY_TABLES = (
    "bill_movements",
    "bills",
    "placement_events",
    "ledger_entries",
    "ledger_postings",
    "idempotency_keys",
    "ledger_digests",
    "audit_log",
)

# -- registry ---------------------------------------------------------------------------------
market_profiles = Table(
    "market_profiles",
    metadata,
    Column("market_code", String(40), ForeignKey("markets.code"), primary_key=True),
    Column("cashless_since", Date, nullable=True),
    Column("channels", JSONType, nullable=False),  # e.g. ["qris", "va:BNI", "cash"]
    Column("updated_at", UTCDateTime, nullable=False),
)

vendors = Table(
    "vendors",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("phone", String(20), nullable=True),
    Column("trader_card", String(40), nullable=True, unique=True),
    Column("cadence", String(10), nullable=False),
    Column("netting_opt_in", Boolean, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

stalls = Table(
    "stalls",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False, index=True),
    Column("block", String(20), nullable=False),
    Column("number", String(20), nullable=False),
    Column("stall_type", String(10), nullable=False),
    Column("area_cm2", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("electricity_meter", String(40), nullable=True),
    Column("synthetic", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("market_code", "block", "number"),
    CheckConstraint("area_cm2 > 0", name="area_positive"),
)

placements = Table(
    "placements",
    metadata,
    Column("id", String(40), primary_key=True),  # the SHP number
    Column("stall_code", String(40), ForeignKey("stalls.code"), nullable=False, index=True),
    Column("vendor_code", String(40), ForeignKey("vendors.code"), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

placement_events = Table(
    "placement_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("placement_id", String(40), ForeignKey("placements.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("vendor_code", String(40), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Column("fee", BigInteger, nullable=False),
    Column("note", String(500), nullable=False),
    Column("actor", String(36), nullable=True),
    Column("at", UTCDateTime, nullable=False),
)

# -- tariffs and billing -----------------------------------------------------------------------
tariffs = Table(
    "tariffs",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("market_class", String(10), nullable=False),
    Column("stall_type", String(10), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("legal_basis", String(200), nullable=False),
    Column("service_per_m2_day", Integer, nullable=False),
    Column("cleaning_per_m2_day", Integer, nullable=False),
    Column("fixed_per_month", Integer, nullable=False),
    Column("electricity_per_kwh", Integer, nullable=False),
    Column("to_verify", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("market_class", "stall_type", "valid_from"),
)

billing_runs = Table(
    "billing_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("cadence", String(10), nullable=False),
    Column("requested_by", String(36), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("bills_created", Integer, nullable=False),
    Column("amount_created", BigInteger, nullable=False),
)

bills = Table(
    "bills",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("stall_code", String(40), ForeignKey("stalls.code"), nullable=False),
    Column("vendor_code", String(40), ForeignKey("vendors.code"), nullable=False, index=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False, index=True),
    Column("cadence", String(10), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("due_date", Date, nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("computation", JSONType, nullable=False),
    Column("to_verify", Boolean, nullable=False),
    Column("run_id", String(36), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("stall_code", "period_start"),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
)

# Every change to what a bill still owes: payment, credit applied, penalty, waiver, adjustment.
# Positive amounts add to what is owed (penalty), negative reduce it. Append-only.
bill_movements = Table(
    "bill_movements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("bill_id", String(80), ForeignKey("bills.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("entry_id", String(36), nullable=True),
    Column("as_of", Date, nullable=True),  # penalty accrual date
    Column("months", Integer, nullable=True),  # penalty months this accrual covers
    Column("note", String(500), nullable=False),
    Column("at", UTCDateTime, nullable=False),
)
Index(
    "uq_bill_movements_penalty_day",
    bill_movements.c.bill_id,
    bill_movements.c.kind,
    bill_movements.c.as_of,
    unique=True,
)

channel_outages = Table(
    "channel_outages",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=True),
    Column("channel", String(40), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("note", String(500), nullable=False),
    Column("recorded_by", String(36), nullable=True),
    Column("at", UTCDateTime, nullable=False),
)

# Market closures (stall_code NULL) and a stall's recorded idle days, for the "not trading"
# policy. Append-only: a mistaken record is answered by the objection procedure, not an edit.
days_off = Table(
    "days_off",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False),
    Column("stall_code", String(40), ForeignKey("stalls.code"), nullable=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("recorded_by", String(36), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    CheckConstraint("last_day >= first_day", name="range"),
)
Index("ix_days_off_market_days", days_off.c.market_code, days_off.c.first_day)

dunning_states = Table(
    "dunning_states",
    metadata,
    Column("stall_code", String(40), ForeignKey("stalls.code"), primary_key=True),
    Column("state", String(12), nullable=False),
    Column("since", Date, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

objections = Table(
    "objections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("bill_id", String(80), ForeignKey("bills.id"), nullable=False, index=True),
    Column("vendor_code", String(40), nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("status", String(12), nullable=False),
    Column("resolution", String(1000), nullable=True),
    Column("resolved_by", String(36), nullable=True),
    Column("entry_id", String(36), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
)

cash_receipts = Table(
    "cash_receipts",
    metadata,
    Column("id", String(36), primary_key=True),  # generated on the collector's device
    Column("receipt_no", String(40), nullable=False, unique=True),
    Column("collector", String(40), nullable=False),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False),
    Column("vendor_code", String(40), ForeignKey("vendors.code"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("collected_at", UTCDateTime, nullable=False),
    Column("entry_id", String(36), nullable=False),
    Column("deposit_id", String(36), nullable=True, index=True),
    Column("synced_at", UTCDateTime, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
)

deposits = Table(
    "deposits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=False),
    Column("collector", String(40), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("sts_number", String(40), nullable=True, unique=True),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("verified_by", String(36), nullable=True),
    Column("verified_at", UTCDateTime, nullable=True),
    Column("entry_id", String(36), nullable=True),
)

# -- payment instruments ------------------------------------------------------------------------
qris_merchants = Table(
    "qris_merchants",
    metadata,
    Column("id", String(60), primary_key=True),  # "market:PSR-GEDE" or "vendor:V000001"
    Column("market_code", String(40), ForeignKey("markets.code"), nullable=True),
    Column("vendor_code", String(40), ForeignKey("vendors.code"), nullable=True),
    Column("acquirer_code", String(40), nullable=False),
    Column("guid", String(32), nullable=False),
    Column("pan", String(19), nullable=False),
    Column("merchant_id", String(15), nullable=False),
    Column("nmid", String(15), nullable=False),
    Column("mcc", String(4), nullable=False),
    Column("criteria", String(3), nullable=False),
    Column("name", String(25), nullable=False),
    Column("city", String(15), nullable=False),
    Column("postal_code", String(10), nullable=True),
    Column("static_payload", Text, nullable=False),
    Column("fictitious", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

payment_intents = Table(
    "payment_intents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(10), nullable=False),  # bill | order
    Column("channel", String(20), nullable=False),  # qris | va:BNI ...
    Column("vendor_code", String(40), nullable=True, index=True),
    Column("market_code", String(40), nullable=True),
    Column("bill_ids", JSONType, nullable=False),
    Column("order_ref", String(80), nullable=True, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("reference", String(25), nullable=False, unique=True),  # QRIS 62.05 / VA trx id
    Column("payload", Text, nullable=True),
    Column("va_number", String(28), nullable=True),
    Column("status", String(12), nullable=False),  # live | paid | expired | cancelled
    Column("source", String(12), nullable=False),  # local | acquirer
    Column("acquirer_reference", String(64), nullable=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    CheckConstraint("amount > 0", name="amount_positive"),
)
from pasar_pay.adapters.db import bank_tables as bank_tables  # noqa: E402
from pasar_pay.adapters.db import order_tables as order_tables  # noqa: E402
from pasar_pay.adapters.db import recon_tables as recon_tables  # noqa: E402
