"""Where a dynamic QRIS comes from: the merchant's acquirer when it generates codes (SNAP
`qr-mpm-generate`), else a local derivation from the merchant's static QRIS.

The derived code pays the right merchant the right amount, but the acquirer never saw the
reference and cannot enforce the expiry, so the acquirer is preferred wherever it offers
generation. When it fails (timeouts, 5xx, open circuit, refusal) the code degrades to the
local derivation if settings allow it, and says so: source "fallback" on the intent, a
notice in the answer, a warning in the log. Otherwise the request fails with 503.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.qris import to_dynamic
from pasar_pay.services.qris_ports import (
    AcquirerDirectory,
    AcquirerUnavailable,
    GeneratedCode,
    QrisMerchant,
)

log = logging.getLogger("pasar_pay.qris.acquirer")

UNAVAILABLE = "qris.acquirer_unavailable"


class LocalAcquirer:
    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> GeneratedCode:
        payload = to_dynamic(merchant.static_payload, amount=amount, reference=reference)
        return GeneratedCode(payload, None, "local")


class RoutedAcquirer:
    """Asks the merchant's acquirer first; degrades to `LocalAcquirer` where allowed."""

    def __init__(
        self, directory: AcquirerDirectory, *, allow_fallback: bool, override: str | None = None
    ) -> None:
        self._directory = directory
        self._allow_fallback = allow_fallback
        self._override = override  # demo: one acquirer (the simulator) for every merchant
        self._local = LocalAcquirer()

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> GeneratedCode:
        try:
            connector = self._directory.connector(self._override or merchant.acquirer_code)
            if connector is None:
                return self._local.generate(amount, reference, expires_at, merchant)
            payload, acquirer_reference = connector.generate(
                amount, reference, expires_at, merchant
            )
        except AcquirerUnavailable as failure:
            if not self._allow_fallback:
                log.error("acquirer %s failed, no fallback: %s", merchant.acquirer_code, failure)
                raise DomainError(
                    f"the acquirer {merchant.acquirer_code} cannot issue a code right now; "
                    "try again shortly or pay by virtual account",
                    code=UNAVAILABLE,
                    acquirer=merchant.acquirer_code,
                ) from None
            log.warning(
                "acquirer %s failed (%s): code %s derived locally",
                merchant.acquirer_code,
                failure,
                reference,
            )
            local = self._local.generate(amount, reference, expires_at, merchant)
            notice = (
                f"acquirer {merchant.acquirer_code} unavailable ({failure}); "
                "code derived locally from the merchant's static QRIS"
            )
            return GeneratedCode(local.payload, None, "fallback", notice[:300])
        return GeneratedCode(payload, acquirer_reference, "acquirer")
