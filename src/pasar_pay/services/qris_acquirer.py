"""The embedded acquirer: derives the dynamic code locally from the merchant's static QRIS.

The derived code pays the right merchant the right amount, but the acquirer never saw the
reference and cannot enforce the expiry; a SNAP `qr-mpm-generate` implementation of
`AcquirerPort` (bank integration) is preferred wherever the acquirer offers it.
"""

from __future__ import annotations

from datetime import datetime

from pasar_pay.domain.qris import to_dynamic
from pasar_pay.services.qris_ports import IntentSource, QrisMerchant


class LocalAcquirer:
    @property
    def source(self) -> IntentSource:
        return "local"

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> tuple[str, str | None]:
        return to_dynamic(merchant.static_payload, amount=amount, reference=reference), None
