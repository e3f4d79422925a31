"""Typed parsing of VA inquiry/payment and QR notify bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.messages import (
    decode_paid_bills,
    encode_paid_bills,
    parse_qr_notify,
    parse_va_inquiry,
    parse_va_payment,
)
from pasar_pay.domain.snap.tx_status import TxStatus
from pasar_pay.domain.snap.virtual_account import VirtualAccount
from tests.domain.snap.samples import INQUIRY, NOTIFY, PAYMENT


def with_(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = dict(body)
    for key, value in changes.items():
        if value is ...:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def refusal(parse: Any, body: object, service: ServiceCode) -> tuple[str, str]:
    with pytest.raises(SnapError) as info:
        parse(body)
    status = info.value.status(service)
    return status.code, status.message


def test_inquiry_sample() -> None:
    req = parse_va_inquiry(INQUIRY)
    assert req.identity.account == VirtualAccount("12345", "0101000123")
    assert req.identity.echo()["partnerServiceId"] == "   12345"
    assert req.inquiry_request_id == "202501150929580012345INQ01"
    assert req.trx_date_init == datetime(2025, 1, 15, 2, 29, 58, tzinfo=UTC)
    assert (req.channel_code, req.language, req.amount) == (6017, "ID", None)


def test_payment_sample() -> None:
    req = parse_va_payment(PAYMENT)
    assert req.paid_amount == req.total_amount == 215670
    assert req.flag_advise is False
    assert req.trx_date_time_raw == "2025-01-15T09:30:03+07:00"
    assert req.reference_no == "00113696201"
    assert parse_va_payment(with_(PAYMENT, flagAdvise="Y")).flag_advise is True
    assert parse_va_payment(with_(PAYMENT, flagAdvise=...)).flag_advise is False
    assert parse_va_payment(with_(PAYMENT, channelCode="6017")).channel_code == 6017


def test_fingerprint_ignores_advice_bookkeeping_only() -> None:
    first = parse_va_payment(PAYMENT)
    advice = parse_va_payment(with_(PAYMENT, flagAdvise="Y", journalNum="004513"))
    assert first.fingerprint() == advice.fingerprint()
    other = parse_va_payment(with_(PAYMENT, paidAmount={"value": "215000.00", "currency": "IDR"}))
    assert first.fingerprint() != other.fingerprint()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"paymentRequestId": ...}, ("4002502", "Invalid Mandatory Field paymentRequestId")),
        ({"paymentRequestId": ""}, ("4002502", "Invalid Mandatory Field paymentRequestId")),
        ({"paidAmount": ...}, ("4002502", "Invalid Mandatory Field paidAmount")),
        ({"customerNo": None}, ("4002502", "Invalid Mandatory Field customerNo")),
        ({"paymentRequestId": 42}, ("4002501", "Invalid Field Format paymentRequestId")),
        ({"paymentRequestId": "x" * 129}, ("4002501", "Invalid Field Format paymentRequestId")),
        ({"flagAdvise": "y"}, ("4002501", "Invalid Field Format flagAdvise")),
        ({"channelCode": 60170}, ("4002501", "Invalid Field Format channelCode")),
        ({"channelCode": True}, ("4002501", "Invalid Field Format channelCode")),
        ({"trxDateTime": "15/01/2025"}, ("4002501", "Invalid Field Format trxDateTime")),
        ({"paidBills": "FFFFF"}, ("4002501", "Invalid Field Format paidBills")),
        ({"billDetails": {}}, ("4002501", "Invalid Field Format billDetails")),
        ({"billDetails": [{}] * 25}, ("4002501", "Invalid Field Format billDetails")),
        ({"additionalInfo": []}, ("4002501", "Invalid Field Format additionalInfo")),
        (
            {"paidAmount": {"value": 215670.0, "currency": "IDR"}},
            ("4002501", "Invalid Field Format paidAmount.value"),
        ),
        ({"paidAmount": {"value": "215670.50", "currency": "IDR"}}, ("4042513", "Invalid Amount")),
        (
            {"virtualAccountNo": "   123450101000999"},
            ("4002501", "Invalid Field Format virtualAccountNo"),
        ),
    ],
)
def test_payment_refusals_name_the_field(
    changes: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert refusal(parse_va_payment, with_(PAYMENT, **changes), ServiceCode.VA_PAYMENT) == expected


def test_body_must_be_an_object() -> None:
    assert refusal(parse_va_inquiry, [INQUIRY], ServiceCode.VA_INQUIRY) == (
        "4002401",
        "Invalid Field Format body",
    )


def test_inquiry_refusals() -> None:
    body = with_(INQUIRY, inquiryRequestId=...)
    assert refusal(parse_va_inquiry, body, ServiceCode.VA_INQUIRY)[0] == "4002402"
    assert refusal(parse_va_inquiry, with_(INQUIRY, language="FR"), ServiceCode.VA_INQUIRY)[0] == (
        "4002401"
    )
    open_amount = with_(INQUIRY, amount={"value": "50000.00", "currency": "IDR"})
    assert parse_va_inquiry(open_amount).amount == 50000


def test_paid_bills_bitmap() -> None:
    assert decode_paid_bills("800000") == frozenset({0})
    assert decode_paid_bills("000001") == frozenset({23})
    assert decode_paid_bills("FFFFFF") == frozenset(range(24))
    assert decode_paid_bills("c00000") == frozenset({0, 1})
    assert encode_paid_bills({0, 1}) == "C00000"
    assert parse_va_payment(with_(PAYMENT, paidBills="A00000")).paid_bills == frozenset({0, 2})
    with pytest.raises(ValueError, match=r"0\.\.23"):
        encode_paid_bills({24})


@given(st.frozensets(st.integers(0, 23)))
def test_paid_bills_round_trip(positions: frozenset[int]) -> None:
    assert decode_paid_bills(encode_paid_bills(positions)) == positions


def test_qr_notify_sample() -> None:
    req = parse_qr_notify(NOTIFY)
    assert req.status is TxStatus.SUCCESS
    assert req.amount == 5000
    assert req.fee_amount_sen == 1550
    assert req.rrn == "501509330112"
    assert req.paid_time == datetime(2025, 1, 15, 2, 33, 1, tzinfo=UTC)
    assert req.original_partner_reference_no == "QR-PGD-A12-20250115-01"


def test_qr_notify_refusals() -> None:
    svc = ServiceCode.QR_MPM_NOTIFY
    assert refusal(parse_qr_notify, with_(NOTIFY, latestTransactionStatus="10"), svc) == (
        "4005201",
        "Invalid Field Format latestTransactionStatus",
    )
    assert refusal(parse_qr_notify, with_(NOTIFY, latestTransactionStatus=...), svc)[0] == (
        "4005202"
    )
    assert refusal(parse_qr_notify, with_(NOTIFY, originalReferenceNo=...), svc)[0] == "4005202"
    assert refusal(parse_qr_notify, with_(NOTIFY, amount=...), svc)[0] == "4005202"
