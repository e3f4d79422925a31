"""SNAP response bodies for the services pasar_pay serves. Amounts are always "n.00" strings.

The builders take the parsed request so echoes are exact (padding included) and take a
`SnapStatus` so the responseCode, the HTTP status and the body can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pasar_pay.domain.snap.amounts import format_amount
from pasar_pay.domain.snap.codes import QR_NOTIFY_OK, SnapStatus
from pasar_pay.domain.snap.messages import (
    MAX_BILLS,
    VaInquiryRequest,
    VaPaymentRequest,
    encode_paid_bills,
)


@dataclass(frozen=True)
class Reason:
    """`{english, indonesia}`: shown to the payer by the bank's channel."""

    english: str
    indonesia: str

    def as_dict(self) -> dict[str, str]:
        return {"english": self.english, "indonesia": self.indonesia}


SUCCESS = Reason("Success", "Sukses")
BILL_NOT_FOUND = Reason("Bill not found", "Tagihan tidak ditemukan")
BILL_PAID = Reason("Bill has been paid", "Tagihan telah dibayar")
BILL_EXPIRED = Reason("Bill has expired", "Tagihan kedaluwarsa")
INVALID_AMOUNT = Reason("Invalid amount", "Jumlah tidak sesuai")
INCONSISTENT_REQUEST = Reason("Inconsistent request", "Permintaan tidak konsisten")
FAILED = Reason("Failed", "Gagal")


@dataclass(frozen=True)
class BillLine:
    """One outstanding bill as the bank shows it; `due` orders them (oldest first)."""

    bill_no: str  # billNo, String(18): an identifier, so never truncated
    name: str  # billName, String(20): display text, truncated to fit
    amount: int  # rupiah
    due: date

    def __post_init__(self) -> None:
        if not self.bill_no or len(self.bill_no) > 18:
            raise ValueError(f"billNo must be 1-18 characters: {self.bill_no!r}")
        if isinstance(self.amount, bool) or self.amount <= 0:
            raise ValueError("bill amount must be a positive number of rupiah")


def select_bills(bills: Iterable[BillLine]) -> tuple[BillLine, ...]:
    """The bills one inquiry can offer: the oldest 24 (by due date, then billNo).

    The service must book a payment against exactly this selection (the closed-VA total is
    its sum, `paidBills` positions index into it); newer bills show up on the next inquiry.
    """
    return tuple(sorted(bills, key=lambda b: (b.due, b.bill_no))[:MAX_BILLS])


def inquiry_success(
    request: VaInquiryRequest,
    status: SnapStatus,
    *,
    virtual_account_name: str,
    bills: Sequence[BillLine],
    free_texts: Sequence[Reason] = (),
    trx_type: str = "C",
) -> dict[str, Any]:
    """`2002400` with the bills. `bills` must already be `select_bills` output (≤ 24, ordered)."""
    if not bills or len(bills) > MAX_BILLS or tuple(bills) != select_bills(bills):
        raise ValueError("bills must be 1-24 items in select_bills order")
    data: dict[str, Any] = {
        "inquiryStatus": "00",
        "inquiryReason": SUCCESS.as_dict(),
        **request.identity.echo(),
        "virtualAccountName": virtual_account_name[:255],
        "inquiryRequestId": request.inquiry_request_id,
        "totalAmount": format_amount(sum(b.amount for b in bills)),
        "billDetails": [
            {
                "billCode": f"{index + 1:02d}",
                "billNo": bill.bill_no,
                "billName": bill.name[:20],
                "billAmount": format_amount(bill.amount),
            }
            for index, bill in enumerate(bills)
        ],
        "freeTexts": [t.as_dict() for t in free_texts],
        "virtualAccountTrxType": trx_type,
    }
    return {**status.envelope(), "virtualAccountData": data, "additionalInfo": {}}


def inquiry_failure(
    request: VaInquiryRequest, status: SnapStatus, reason: Reason
) -> dict[str, Any]:
    """`4042412` / `4042414` / `4042419`…: identity echoed, `inquiryStatus` "01"."""
    data = {
        "inquiryStatus": "01",
        "inquiryReason": reason.as_dict(),
        **request.identity.echo(),
        "inquiryRequestId": request.inquiry_request_id,
    }
    return {**status.envelope(), "virtualAccountData": data, "additionalInfo": {}}


def payment_response(
    request: VaPaymentRequest,
    status: SnapStatus,
    reason: Reason,
    *,
    virtual_account_name: str | None = None,
    paid_bills: frozenset[int] | None = None,
) -> dict[str, Any]:
    """Payment flag answer; `paymentFlagStatus` is "00" exactly when the status is 2xx.

    Store this dict with the payment row: an advice (`flagAdvise: "Y"`) for the same
    paymentRequestId must get the very same answer back.
    """
    name = virtual_account_name or request.virtual_account_name
    bills = request.paid_bills if paid_bills is None else paid_bills
    data: dict[str, Any] = {
        "paymentFlagReason": reason.as_dict(),
        **request.identity.echo(),
        **({"virtualAccountName": name} if name else {}),
        **({"trxId": request.trx_id} if request.trx_id else {}),
        "paymentRequestId": request.payment_request_id,
        "paidAmount": format_amount(request.paid_amount),
        **({"paidBills": encode_paid_bills(bills)} if bills is not None else {}),
        **(
            {"totalAmount": format_amount(request.total_amount)}
            if request.total_amount is not None
            else {}
        ),
        **({"trxDateTime": request.trx_date_time_raw} if request.trx_date_time_raw else {}),
        **({"referenceNo": request.reference_no} if request.reference_no else {}),
        **({"journalNum": request.journal_num} if request.journal_num else {}),
        **({"paymentType": request.payment_type} if request.payment_type else {}),
        "flagAdvise": "Y" if request.flag_advise else "N",
        "paymentFlagStatus": "00" if 200 <= status.http_status < 300 else "01",
        "billDetails": list(request.bill_details),
        "freeTexts": [],
    }
    return {**status.envelope(), "virtualAccountData": data, "additionalInfo": {}}


def notify_ack(status: SnapStatus = QR_NOTIFY_OK) -> dict[str, str]:
    """`{"responseCode":"2005200","responseMessage":"Successful"}` (or the refusal envelope)."""
    return status.envelope()
