"""What the QRIS use cases need: merchant and intent storage, and an acquirer that issues codes.

`QrisStore` is exposed as `uow.qris` (see `services/ports.UnitOfWork`); `AcquirerPort` is the
seam where a bank's SNAP `qr-mpm-generate` client replaces the embedded local derivation.
`AcquirerConnector` is one acquirer's outbound SNAP client (generate 47, query 51, refund 78)
and `AcquirerDirectory` finds the connector of a merchant's acquirer, if it has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

# "fallback": derived locally because the merchant's acquirer could not generate it (degraded).
IntentSource = Literal["local", "acquirer", "fallback"]


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


@dataclass(frozen=True, slots=True)
class GeneratedCode:
    """A dynamic QRIS and where it came from.

    `source` is recorded on the intent: "local" when the code is derived here from the
    merchant's static payload (the acquirer never sees the reference), "acquirer" when the
    acquirer generated it (SNAP `qr-mpm-generate`; its notification carries the reference),
    "fallback" when the acquirer failed and the local derivation stood in (`notice` says why).
    """

    payload: str
    acquirer_reference: str | None
    source: IntentSource
    notice: str | None = None


class AcquirerPort(Protocol):
    """Issues the dynamic QRIS for one payment. Called outside any database transaction."""

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> GeneratedCode: ...


class AcquirerUnavailable(Exception):
    """The acquirer could not be reached or did not answer usefully (after retries, or the
    circuit is open): a caller may degrade to a local derivation where that is allowed."""


class AcquirerRefused(AcquirerUnavailable):
    """The acquirer answered, and said no (a 4xx responseCode): retrying will not help."""

    def __init__(self, message: str, response_code: str | None = None) -> None:
        super().__init__(message)
        self.response_code = response_code


@dataclass(frozen=True, slots=True)
class AcquirerStatus:
    """SNAP qr-mpm-query (51): the acquirer's view of one generated code."""

    acquirer_reference: str
    reference: str | None
    status: str  # latestTransactionStatus: 00 success, 03 pending, 05 cancelled, 08 expired...
    amount: int | None
    paid_time: datetime | None


@dataclass(frozen=True, slots=True)
class AcquirerRefund:
    """SNAP qr-mpm-refund (78): what the acquirer accepted."""

    refund_no: str  # ours (partnerRefundNo)
    acquirer_refund_no: str | None
    amount: int


class AcquirerConnector(Protocol):
    """One acquirer's outbound SNAP QR services."""

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> tuple[str, str]:
        """(qrContent, the acquirer's referenceNo); raises `AcquirerUnavailable`."""
        ...

    def query(
        self, acquirer_reference: str, reference: str, merchant_id: str
    ) -> AcquirerStatus: ...

    def refund(
        self,
        acquirer_reference: str,
        reference: str,
        refund_no: str,
        amount: int,
        reason: str,
    ) -> AcquirerRefund: ...


class AcquirerDirectory(Protocol):
    def connector(self, acquirer_code: str) -> AcquirerConnector | None:
        """The connector of a registered acquirer that generates codes, else None."""
        ...
