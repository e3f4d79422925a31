"""Response bodies: echoes, amounts as "n.00" strings, status consistency, bill selection."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from pasar_pay.domain.snap import responses as r
from pasar_pay.domain.snap.codes import ServiceCode, SnapCase, snap_status
from pasar_pay.domain.snap.messages import parse_va_inquiry, parse_va_payment
from tests.domain.snap.samples import INQUIRY, PAYMENT

INQ, PAY = ServiceCode.VA_INQUIRY, ServiceCode.VA_PAYMENT


def amounts_in(body: Any) -> list[Any]:
    found: list[Any] = []
    if isinstance(body, dict):
        if set(body) == {"value", "currency"}:
            found.append(body["value"])
        for value in body.values():
            found += amounts_in(value)
    elif isinstance(body, list):
        for value in body:
            found += amounts_in(value)
    return found


def bills(n: int) -> list[r.BillLine]:
    return [
        r.BillLine(
            f"RET2025{m:02d}A12", f"Retribusi bulan ke-{m} tahun 2025", 215670, date(2025, m, 5)
        )
        for m in range(n, 0, -1)  # newest first on purpose
    ]


def test_select_bills_oldest_first_at_most_24() -> None:
    many = [
        r.BillLine(f"B{i:03d}", "x", 1000 + i, date(2023 + i // 12, i % 12 + 1, 5))
        for i in reversed(range(30))
    ]
    chosen = r.select_bills(many)
    assert len(chosen) == 24
    assert [b.bill_no for b in chosen] == [f"B{i:03d}" for i in range(24)]


def test_inquiry_success_body() -> None:
    req = parse_va_inquiry(INQUIRY)
    chosen = r.select_bills(bills(3))
    body = r.inquiry_success(
        req,
        snap_status(SnapCase.SUCCESSFUL, INQ),
        virtual_account_name="SRI RAHAYU KIOS A-12",
        bills=chosen,
        free_texts=[r.Reason("Pasar Gede stall fee", "Retribusi Pasar Gede")],
    )
    data = body["virtualAccountData"]
    assert body["responseCode"] == "2002400"
    assert data["virtualAccountNo"] == "   123450101000123"
    assert data["inquiryRequestId"] == INQUIRY["inquiryRequestId"]
    assert data["totalAmount"] == {"value": "647010.00", "currency": "IDR"}
    assert [b["billCode"] for b in data["billDetails"]] == ["01", "02", "03"]
    assert data["billDetails"][0]["billNo"] == "RET202501A12"
    assert all(len(b["billName"]) <= 20 for b in data["billDetails"])
    assert all(re.fullmatch(r"\d+\.00", v) for v in amounts_in(body))
    json.dumps(body)  # serialisable as is


def test_inquiry_success_refuses_unselected_bills() -> None:
    req = parse_va_inquiry(INQUIRY)
    ok = snap_status(SnapCase.SUCCESSFUL, INQ)
    with pytest.raises(ValueError, match="select_bills"):
        r.inquiry_success(req, ok, virtual_account_name="x", bills=bills(2))  # newest first
    with pytest.raises(ValueError, match="select_bills"):
        r.inquiry_success(req, ok, virtual_account_name="x", bills=[])


def test_inquiry_failure_body() -> None:
    req = parse_va_inquiry(INQUIRY)
    body = r.inquiry_failure(req, snap_status(SnapCase.PAID_BILL, INQ), r.BILL_PAID)
    assert body["responseCode"] == "4042414"
    assert body["responseMessage"] == "Paid Bill"
    assert body["virtualAccountData"]["inquiryStatus"] == "01"
    assert body["virtualAccountData"]["inquiryReason"]["indonesia"] == "Tagihan telah dibayar"


def test_payment_bodies() -> None:
    req = parse_va_payment({**PAYMENT, "paidBills": "800000"})
    ok = r.payment_response(req, snap_status(SnapCase.SUCCESSFUL, PAY), r.SUCCESS)
    data = ok["virtualAccountData"]
    assert ok["responseCode"] == "2002500"
    assert data["paymentFlagStatus"] == "00"
    assert data["paidAmount"] == {"value": "215670.00", "currency": "IDR"}
    assert data["trxDateTime"] == "2025-01-15T09:30:03+07:00"
    assert data["paidBills"] == "800000"
    assert data["virtualAccountName"] == "SRI RAHAYU KIOS A-12"
    assert data["flagAdvise"] == "N"
    bad = r.payment_response(req, snap_status(SnapCase.INVALID_AMOUNT, PAY), r.INVALID_AMOUNT)
    assert bad["responseCode"] == "4042513"
    assert bad["virtualAccountData"]["paymentFlagStatus"] == "01"


def test_notify_ack() -> None:
    assert r.notify_ack() == {"responseCode": "2005200", "responseMessage": "Successful"}


def test_bill_line_checks() -> None:
    with pytest.raises(ValueError, match="billNo"):
        r.BillLine("X" * 19, "n", 1, date(2025, 1, 1))
    with pytest.raises(ValueError, match="positive"):
        r.BillLine("X", "n", 0, date(2025, 1, 1))
