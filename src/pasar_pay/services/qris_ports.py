"""What the QRIS use cases need: merchant and intent storage, and an acquirer that issues codes.

`QrisStore` is exposed as `uow.qris` (see `services/ports.UnitOfWork`); `AcquirerPort` is the
seam where a bank's SNAP `qr-mpm-generate` client replaces the embedded local derivation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

IntentSource = Literal["local", "acquirer"]


@dataclass(frozen=True, slots=True)
class QrisMerchant:
    """One row of `qris_merchants`: a market's retribution merchant or a vendor's own."""

    id: str  # "market:PSR-GEDE" | "vendor:V000001"
    market_code: str | None
    vendor_code: str | None
    acquirer_code: str
    guid: str
    pan: str
    merchant_id: str
    nmid: str
    mcc: str
    criteria: str
    name: str
    city: str
    postal_code: str | None
    static_payload: str
    fictitious: bool
    created_at: datetime


def market_merchant_id(market: str) -> str:
    return f"market:{market}"


def vendor_merchant_id(vendor: str) -> str:
    return f"vendor:{vendor}"


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    """One row of `payment_intents` as the QRIS use cases read it."""

    id: str
    kind: str  # bill | order
    channel: str  # qris
    vendor_code: str | None
    market_code: str | None
    bill_ids: tuple[str, ...]
    amount: int
    reference: str  # QRIS 62.05
    payload: str | None
    status: str  # live | paid | expired | cancelled
    source: str  # local | acquirer
    acquirer_reference: str | None
    expires_at: datetime
    created_at: datetime


class QrisStore(Protocol):
    # merchants
    def merchant(self, merchant_id: str) -> QrisMerchant | None: ...
    def merchant_by_nmid(self, nmid: str) -> QrisMerchant | None: ...
    def merchants(self, markets: frozenset[str] | None) -> list[QrisMerchant]: ...
    def add_merchant_if_absent(self, merchant: QrisMerchant) -> bool: ...
    def save_merchant(self, merchant: QrisMerchant) -> None: ...
    # intents
    def lock_vendor_row(self, vendor: str) -> None: ...
    def intent(self, intent_id: str) -> PaymentIntent | None: ...
    def live_intents(self, vendor: str, kind: str, channel: str) -> list[PaymentIntent]: ...
    def add_intent(self, intent: PaymentIntent) -> None: ...
    def close_intents(self, intent_ids: Sequence[str], status: str, at: datetime) -> None: ...
    def reference_taken(self, reference: str) -> bool: ...


class AcquirerPort(Protocol):
    """Issues the dynamic QRIS for one payment.

    `source` is recorded on the intent: "local" when the code is derived here from the
    merchant's static payload (the acquirer never sees the reference), "acquirer" when the
    acquirer generated it (SNAP `qr-mpm-generate`; its notification carries the reference).
    """

    @property
    def source(self) -> IntentSource: ...

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> tuple[str, str | None]:
        """(payload, acquirer_reference); the reference is None for a local derivation."""
        ...
