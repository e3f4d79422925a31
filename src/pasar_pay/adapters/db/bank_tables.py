"""Bank integration tables (issue 5): counterparties, credentials, tokens, VAs, the inbox.

Registered on the shared `metadata` so Alembic and the test schema see them.
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

bank_counterparties = Table(
    "bank_counterparties",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("partner_id", String(36), nullable=False, unique=True),  # X-PARTNER-ID
    Column("client_key", String(64), nullable=False, unique=True),  # X-CLIENT-KEY
    Column("partner_service_id", String(8), nullable=True),  # VA company code (digits)
    Column("channel_id", String(5), nullable=True),
    Column("signature_mode", String(10), nullable=False),  # hmac | rsa
    Column("va_bank", Boolean, nullable=False),
    Column("qris_acquirer", Boolean, nullable=False),
    Column("customer_no_length", Integer, nullable=False),
    Column("base_url", String(300), nullable=True),  # outbound calls (acquirer)
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("signature_mode IN ('hmac', 'rsa')", name="signature_mode"),
)

# Client secrets (Fernet ciphertext) and bank RSA public keys; several valid during a rotation.
bank_credentials = Table(
    "bank_credentials",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("bank_code", String(40), ForeignKey("bank_counterparties.code"), nullable=False),
    Column("kind", String(20), nullable=False),  # client_secret | public_key
    Column("value", Text, nullable=False),  # ciphertext for secrets, PEM for public keys
    Column("fingerprint", String(16), nullable=False),  # for operators; never the secret
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_to", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_bank_credentials_bank_kind", "bank_code", "kind"),
)

bank_tokens = Table(
    "bank_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 hex; the token is not kept
    Column("bank_code", String(40), ForeignKey("bank_counterparties.code"), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# X-EXTERNAL-ID is unique per partner per Asia/Jakarta day.
bank_external_ids = Table(
    "bank_external_ids",
    metadata,
    Column("bank_code", String(40), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("external_id", String(36), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

virtual_accounts = Table(
    "virtual_accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("bank_code", String(40), ForeignKey("bank_counterparties.code"), nullable=False),
    Column("vendor_code", String(40), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # reusable | closed
    Column("partner_service_id", String(8), nullable=False),
    Column("customer_no", String(20), nullable=False),
    Column("va_padded", String(28), nullable=False),
    Column("va_digits", String(28), nullable=False),
    Column("reusable_vendor", String(40), nullable=True),  # vendor for reusable, else NULL
    Column("bill_id", String(36), nullable=True),
    Column("amount", BigInteger, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("status", String(12), nullable=False),  # active | paid | expired
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    UniqueConstraint("bank_code", "va_digits"),
    UniqueConstraint("bank_code", "reusable_vendor"),
)

bank_va_sequences = Table(
    "bank_va_sequences",
    metadata,
    Column("bank_code", String(40), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

# The inbox: one row per bank payment id, written with the booking in one transaction.
bank_inbox = Table(
    "bank_inbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("bank_code", String(40), nullable=False),
    Column("kind", String(12), nullable=False),  # va_payment | qr_notify
    Column("payment_id", String(128), nullable=False),
    Column("external_id", String(36), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("headers", JSONType, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(4), nullable=True),  # QRIS latestTransactionStatus held
    Column("vendor_code", String(40), nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("entry_id", String(36), nullable=True),
    Column("response", JSONType, nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("bank_code", "kind", "payment_id"),
)

# Every authenticated inbound event, raw, including duplicates and stale statuses.
bank_events = Table(
    "bank_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("bank_code", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("payment_id", String(128), nullable=False, index=True),
    Column("external_id", String(36), nullable=False),
    Column("outcome", String(20), nullable=False),  # applied | replayed | stale | conflict ...
    Column("headers", JSONType, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)

bank_exceptions = Table(
    "bank_exceptions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("bank_code", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payment_id", String(128), nullable=False),
    Column("vendor_code", String(40), nullable=True),
    Column("market_code", String(40), nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("entry_id", String(36), nullable=True),
    Column("details", JSONType, nullable=False),
    Column("status", String(12), nullable=False),  # open | resolved
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_bank_exceptions_status", "status"),
)
