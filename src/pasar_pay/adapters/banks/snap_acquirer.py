"""One acquirer's SNAP QR MPM services over `SnapOutboundClient`: generate (47), query (51)
and refund (78). Field names follow the PJP documents summarised in snap.md §1.9; which
optional fields an acquirer wants (storeId, terminalId, validityPeriod format) is confirmed
per acquirer during onboarding.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pasar_pay.adapters.banks.snap_outbound import SnapOutboundClient
from pasar_pay.domain.snap.amounts import format_amount, parse_amount
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.timestamps import format_timestamp, parse_timestamp
from pasar_pay.services.qris_ports import (
    AcquirerRefund,
    AcquirerStatus,
    AcquirerUnavailable,
    QrisMerchant,
)

GENERATE_PATH = "/v1.0/qr/qr-mpm-generate"
QUERY_PATH = "/v1.0/qr/qr-mpm-query"
REFUND_PATH = "/v1.0/qr/qr-mpm-refund"


class SnapAcquirerConnector:
    def __init__(self, client: SnapOutboundClient) -> None:
        self._client = client

    @property
    def client(self) -> SnapOutboundClient:
        return self._client

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> tuple[str, str]:
        body: dict[str, Any] = {
            "partnerReferenceNo": reference,
            "amount": format_amount(amount),
            "merchantId": merchant.merchant_id,
            "storeId": merchant.market_code or merchant.id,
            "validityPeriod": format_timestamp(expires_at),
            "additionalInfo": {},
        }
        data = self._client.call(GENERATE_PATH, body)
        content, acquirer_reference = data.get("qrContent"), data.get("referenceNo")
        if not isinstance(content, str) or not content:
            raise AcquirerUnavailable("generate answered without qrContent")
        if not isinstance(acquirer_reference, str) or not acquirer_reference:
            raise AcquirerUnavailable("generate answered without referenceNo")
        echoed = data.get("partnerReferenceNo")
        if echoed not in (None, reference):
            raise AcquirerUnavailable(f"generate answered for {echoed!r}, not {reference!r}")
        return content, acquirer_reference

    def query(self, acquirer_reference: str, reference: str, merchant_id: str) -> AcquirerStatus:
        data = self._client.call(
            QUERY_PATH,
            {
                "originalReferenceNo": acquirer_reference,
                "originalPartnerReferenceNo": reference,
                "serviceCode": "47",
                "merchantId": merchant_id,
                "additionalInfo": {},
            },
        )
        status = data.get("latestTransactionStatus")
        if not isinstance(status, str) or len(status) != 2:
            raise AcquirerUnavailable("query answered without latestTransactionStatus")
        try:
            amount = (
                None if data.get("amount") is None else parse_amount(data["amount"], field="amount")
            )
            paid = data.get("paidTime")
            paid_time = parse_timestamp(paid, field="paidTime") if isinstance(paid, str) else None
        except SnapError as error:
            raise AcquirerUnavailable(f"query answer unreadable: {error}") from None
        return AcquirerStatus(
            acquirer_reference=str(data.get("originalReferenceNo") or acquirer_reference),
            reference=data.get("originalPartnerReferenceNo") or reference,
            status=status,
            amount=amount,
            paid_time=paid_time,
        )

    def refund(
        self,
        acquirer_reference: str,
        reference: str,
        refund_no: str,
        amount: int,
        reason: str,
    ) -> AcquirerRefund:
        data = self._client.call(
            REFUND_PATH,
            {
                "originalReferenceNo": acquirer_reference,
                "originalPartnerReferenceNo": reference,
                "partnerRefundNo": refund_no,
                "refundAmount": format_amount(amount),
                "reason": reason[:256],
                "additionalInfo": {},
            },
        )
        try:
            refunded = (
                amount
                if data.get("refundAmount") is None
                else parse_amount(data["refundAmount"], field="refundAmount")
            )
        except SnapError as error:
            raise AcquirerUnavailable(f"refund answer unreadable: {error}") from None
        if refunded != amount:
            raise AcquirerUnavailable(f"refund answered {refunded}, asked {amount}")
        acquirer_no = data.get("refundNo")
        return AcquirerRefund(
            refund_no=refund_no,
            acquirer_refund_no=acquirer_no if isinstance(acquirer_no, str) else None,
            amount=amount,
        )
