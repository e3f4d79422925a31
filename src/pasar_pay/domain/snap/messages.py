"""Typed SNAP request bodies: VA inquiry (24), VA payment (25), QR MPM notify (52).

Input is the dict from `json.loads` of the (already signature-checked) raw body. Unknown
fields are ignored (PJPs add fields without notice); known ones are checked for presence
(case 02) and shape (case 01), naming the field. Raw strings that the response must echo
(padded VA identity, `trxDateTime`) are kept exactly as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pasar_pay.domain.snap.amounts import format_value, parse_amount, parse_amount_sen
from pasar_pay.domain.snap.errors import format_error
from pasar_pay.domain.snap.fields import (
    is_missing,
    optional_choice,
    optional_int,
    optional_list,
    optional_object,
    optional_str,
    optional_time,
    require_object,
    require_str,
)
from pasar_pay.domain.snap.tx_status import TxStatus, parse_tx_status
from pasar_pay.domain.snap.virtual_account import VirtualAccount, parse_virtual_account

MAX_BILLS = 24  # billDetails and the 24-bit paidBills bitmap
_FLAG_ADVISE = frozenset({"Y", "N"})
_LANGUAGES = frozenset({"ID", "EN"})


@dataclass(frozen=True)
class VaIdentity:
    account: VirtualAccount
    partner_service_id: str  # as sent, padding included: echoed back verbatim
    customer_no: str
    virtual_account_no: str

    def echo(self) -> dict[str, str]:
        return {
            "partnerServiceId": self.partner_service_id,
            "customerNo": self.customer_no,
            "virtualAccountNo": self.virtual_account_no,
        }


@dataclass(frozen=True)
class VaInquiryRequest:
    identity: VaIdentity
    inquiry_request_id: str
    trx_date_init: datetime | None = None
    channel_code: int | None = None
    language: str | None = None
    amount: int | None = None  # typed by the payer (open VA)
    source_bank_code: str | None = None
    additional_info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VaPaymentRequest:
    identity: VaIdentity
    payment_request_id: str  # the bank's id; our idempotency key with the VA identity
    paid_amount: int
    flag_advise: bool = False  # "Y": the bank re-sends a flag it is unsure we received
    total_amount: int | None = None
    cumulative_payment_amount: int | None = None
    paid_bills: frozenset[int] | None = None  # 0-based billDetails positions
    paid_bills_raw: str | None = None
    trx_id: str | None = None
    reference_no: str | None = None
    journal_num: str | None = None
    payment_type: str | None = None
    trx_date_time: datetime | None = None
    trx_date_time_raw: str | None = None
    channel_code: int | None = None
    source_bank_code: str | None = None
    virtual_account_name: str | None = None
    bill_details: tuple[Any, ...] = ()
    additional_info: Mapping[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> dict[str, Any]:
        """The content a retry must repeat; a difference means `4042518 Inconsistent Request`.

        Bank bookkeeping that may legitimately change on an advice (flagAdvise, trxDateTime,
        journalNum, referenceNo) is left out.
        """
        return {
            "virtualAccount": self.identity.account.digits,
            "paymentRequestId": self.payment_request_id,
            "paidAmount": format_value(self.paid_amount),
            "totalAmount": None if self.total_amount is None else format_value(self.total_amount),
            "paidBills": None if self.paid_bills is None else sorted(self.paid_bills),
            "trxId": self.trx_id,
        }


@dataclass(frozen=True)
class QrNotifyRequest:
    original_reference_no: str  # the acquirer's id
    status: TxStatus
    amount: int
    original_partner_reference_no: str | None = None  # our order id, when sent
    status_desc: str | None = None
    fee_amount_sen: int | None = None  # MDR can carry sen, hence minor units
    paid_time: datetime | None = None
    rrn: str | None = None  # the cross-party key on settlement reports
    additional_info: Mapping[str, Any] = field(default_factory=dict)


def parse_identity(body: Mapping[str, Any]) -> VaIdentity:
    psid = require_str(body, "partnerServiceId", 8)
    cust = require_str(body, "customerNo", 20)
    va_no = require_str(body, "virtualAccountNo", 28)
    return VaIdentity(parse_virtual_account(psid, cust, va_no), psid, cust, va_no)


def parse_va_inquiry(data: object) -> VaInquiryRequest:
    body = require_object(data)
    identity = parse_identity(body)
    amount = (
        None if is_missing(body.get("amount")) else parse_amount(body["amount"], field="amount")
    )
    return VaInquiryRequest(
        identity=identity,
        inquiry_request_id=require_str(body, "inquiryRequestId", 128),
        trx_date_init=optional_time(body, "trxDateInit"),
        channel_code=optional_int(body, "channelCode", 4),
        language=optional_choice(body, "language", _LANGUAGES),
        amount=amount,
        source_bank_code=optional_str(body, "sourceBankCode", 3),
        additional_info=optional_object(body, "additionalInfo"),
    )


def parse_va_payment(data: object) -> VaPaymentRequest:
    body = require_object(data)
    identity = parse_identity(body)
    paid_bills_raw = optional_str(body, "paidBills", 6)
    return VaPaymentRequest(
        identity=identity,
        payment_request_id=require_str(body, "paymentRequestId", 128),
        paid_amount=parse_amount(body.get("paidAmount"), field="paidAmount"),
        flag_advise=optional_choice(body, "flagAdvise", _FLAG_ADVISE) == "Y",
        total_amount=_optional_amount(body, "totalAmount"),
        cumulative_payment_amount=_optional_amount(body, "cumulativePaymentAmount"),
        paid_bills=None if paid_bills_raw is None else decode_paid_bills(paid_bills_raw),
        paid_bills_raw=paid_bills_raw,
        trx_id=optional_str(body, "trxId", 64),
        reference_no=optional_str(body, "referenceNo", 64),
        journal_num=optional_str(body, "journalNum", 6),
        payment_type=optional_str(body, "paymentType", 1),
        trx_date_time=optional_time(body, "trxDateTime"),
        trx_date_time_raw=optional_str(body, "trxDateTime", 35),
        channel_code=optional_int(body, "channelCode", 4),
        source_bank_code=optional_str(body, "sourceBankCode", 3),
        virtual_account_name=optional_str(body, "virtualAccountName", 255),
        bill_details=optional_list(body, "billDetails", MAX_BILLS),
        additional_info=optional_object(body, "additionalInfo"),
    )


def parse_qr_notify(data: object) -> QrNotifyRequest:
    body = require_object(data)
    info = optional_object(body, "additionalInfo")
    # paidTime sits top-level at some acquirers and inside additionalInfo at others.
    paid_time = optional_time(body, "paidTime")
    if paid_time is None and not is_missing(info.get("paidTime")):
        paid_time = optional_time(info, "paidTime")
    return QrNotifyRequest(
        original_reference_no=require_str(body, "originalReferenceNo", 64),
        status=parse_tx_status(body.get("latestTransactionStatus")),
        amount=parse_amount(body.get("amount"), field="amount"),
        original_partner_reference_no=optional_str(body, "originalPartnerReferenceNo", 64),
        status_desc=optional_str(body, "transactionStatusDesc", 50),
        fee_amount_sen=(
            None
            if is_missing(body.get("feeAmount"))
            else parse_amount_sen(body["feeAmount"], field="feeAmount")
        ),
        paid_time=paid_time,
        rrn=optional_str(info, "rrn", 64),
        additional_info=info,
    )


def decode_paid_bills(value: str, *, field: str = "paidBills") -> frozenset[int]:
    """6 hex digits = 24 bits, most significant first: bit 23 is billDetails[0].

    `"800000"` = the first bill only, `"FFFFFF"` = all 24. The bit order is the common
    reading of BCA's legacy bitmap; confirm it with each bank during UAT.
    """
    if len(value) != 6 or not all(c in "0123456789abcdefABCDEF" for c in value):
        raise format_error(field, f"{field} must be 6 hex digits")
    bits = int(value, 16)
    return frozenset(i for i in range(MAX_BILLS) if bits & (1 << (MAX_BILLS - 1 - i)))


def encode_paid_bills(positions: frozenset[int] | set[int]) -> str:
    if any(not 0 <= p < MAX_BILLS for p in positions):
        raise ValueError("bill positions are 0..23")
    return f"{sum(1 << (MAX_BILLS - 1 - p) for p in positions):06X}"


def _optional_amount(body: Mapping[str, Any], name: str) -> int | None:
    value = body.get(name)
    return None if is_missing(value) else parse_amount(value, field=name)
