"""What the bank use cases need from storage and crypto (implemented in adapters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Counterparty:
    code: str
    name: str
    partner_id: str  # X-PARTNER-ID
    client_key: str  # X-CLIENT-KEY
    partner_service_id: str | None  # VA company code, digits
    channel_id: str | None
    signature_mode: str  # "hmac" (client secret + our token) | "rsa" (bank's key, no token)
    va_bank: bool
    qris_acquirer: bool
    customer_no_length: int = 12
    base_url: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class VaRecord:
    id: str
    bank_code: str
    vendor_code: str
    kind: str  # reusable | closed
    partner_service_id: str
    customer_no: str
    va_padded: str
    va_digits: str
    bill_id: str | None
    amount: int | None
    expires_at: datetime | None
    status: str  # active | paid | expired
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InboxRow:
    bank_code: str
    kind: str  # va_payment | qr_notify
    payment_id: str
    external_id: str
    fingerprint: str
    headers: Mapping[str, str]
    body: str
    amount: int
    received_at: datetime
    status: str | None = None


@dataclass(frozen=True, slots=True)
class InboxRecord:
    id: int
    bank_code: str
    kind: str
    payment_id: str
    fingerprint: str
    status: str | None
    amount: int
    entry_id: str | None
    response: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class IntentRecord:
    id: str
    kind: str
    channel: str
    vendor_code: str | None
    market_code: str | None
    bill_ids: tuple[str, ...]
    amount: int
    reference: str
    status: str
    acquirer_reference: str | None
    expires_at: datetime


class BankStore(Protocol):
    # counterparties and credentials
    def add_counterparty(self, cp: Counterparty, now: datetime) -> None: ...
    def counterparty(self, code: str) -> Counterparty | None: ...
    def by_partner_id(self, partner_id: str) -> Counterparty | None: ...
    def by_client_key(self, client_key: str) -> Counterparty | None: ...
    def counterparties(self) -> list[Counterparty]: ...
    def add_credential(
        self, bank: str, kind: str, value: str, fingerprint: str, valid_from: datetime
    ) -> None: ...
    def end_credentials(self, bank: str, kind: str, valid_to: datetime) -> int: ...
    def credentials(self, bank: str, kind: str, at: datetime) -> list[str]: ...
    # tokens and replay protection
    def add_token(
        self, token_hash: str, bank: str, issued: datetime, expires: datetime
    ) -> None: ...
    def token_bank(self, token_hash: str, now: datetime) -> str | None: ...
    def claim_external_id(self, bank: str, day: date, external_id: str, at: datetime) -> bool: ...
    # virtual accounts
    def next_customer_sequence(self, bank: str) -> int: ...
    def add_va(self, record: VaRecord) -> None: ...
    def va_by_digits(self, bank: str, digits: str) -> VaRecord | None: ...
    def reusable_va(self, bank: str, vendor: str) -> VaRecord | None: ...
    def vendor_vas(self, vendor: str) -> list[VaRecord]: ...
    def close_vas(
        self, bill_ids: Sequence[str], status: str, at: datetime, keep: str | None = None
    ) -> int: ...
    def set_va_status(self, va_id: str, status: str, at: datetime) -> None: ...
    # inbox, raw events, exceptions
    def claim_inbox(self, row: InboxRow) -> bool: ...
    def inbox(self, bank: str, kind: str, payment_id: str, lock: bool) -> InboxRecord | None: ...
    def finish_inbox(
        self,
        bank: str,
        kind: str,
        payment_id: str,
        *,
        status: str | None,
        vendor: str | None,
        entry_id: str | None,
        response: dict[str, Any],
        at: datetime,
    ) -> None: ...
    def add_event(
        self,
        row: InboxRow,
        outcome: str,
    ) -> None: ...
    def add_exception(
        self,
        *,
        bank: str,
        kind: str,
        payment_id: str,
        vendor: str | None,
        market: str | None,
        amount: int,
        entry_id: str | None,
        details: dict[str, Any],
        at: datetime,
    ) -> None: ...
    def exceptions(self, status: str | None) -> list[dict[str, Any]]: ...
    def count_inbox(self, kind: str | None = None) -> int: ...
    # payment intents (QRIS / VA per bill)
    def add_intent(self, intent: IntentRecord, payload: str | None, now: datetime) -> None: ...
    def intent_by_reference(self, reference: str) -> IntentRecord | None: ...
    def intent_by_acquirer_reference(self, reference: str) -> IntentRecord | None: ...
    def set_intent_status(
        self, intent_id: str, status: str, at: datetime, acquirer_reference: str | None = None
    ) -> None: ...
    def expire_sibling_intents(
        self, vendor: str, bill_ids: Sequence[str], at: datetime, keep: str | None
    ) -> int: ...


class SecretBox(Protocol):
    """Encrypts bank client secrets at rest (Fernet in the adapter)."""

    def encrypt(self, plaintext: str) -> str: ...
    def decrypt(self, token: str) -> str: ...


class RsaVerifier(Protocol):
    def check_public_key(self, pem: str) -> str: ...  # returns a short fingerprint
    def verify_token(self, pem: str, client_key: str, timestamp: str, signature: str) -> bool: ...
    def verify_transaction(
        self,
        pem: str,
        signature: str,
        *,
        method: str,
        relative_url: str,
        raw_body: bytes,
        timestamp: str,
    ) -> bool: ...
