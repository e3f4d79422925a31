"""Payments, credit, penalties, waivers, objections and cash against the real ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.bill_payments import bank_source
from pasar_pay.services.cash import ReceiptIn

FINANCE = Principal("test-finance", Role.FINANCE)
MANAGER = Principal("test-manager", Role.MANAGER, markets=frozenset({"PSR-GEDE"}))
SRI = Principal("key-sri", Role.VENDOR, vendor_code="V000001")
BUDI = Principal("key-budi", Role.VENDOR, vendor_code="V000002")
COLLECTOR = Principal("key-collector-1", Role.COLLECTOR, markets=frozenset({"PSR-GEDE"}))
PAID_AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def pay(c: Container, vendor: str, amount: int, ref: str = "VA-1"):  # type: ignore[no-untyped-def]
    with c.uow() as uow:
        applied = c.bill_payments.apply(
            uow,
            vendor=vendor,
            amount=amount,
            source=bank_source("BNI"),
            fallback_market="PSR-GEDE",
            effective_at=PAID_AT,
            reference=ref,
            channel="va:BNI",
            description="test payment",
        )
        uow.commit()
    return applied


def owed(c: Container, vendor: str) -> list[int]:
    items, _ = c.bills.bills(
        FINANCE, vendor=vendor, market=None, open_only=False, cursor=None, limit=100
    )
    return [b["owed"] for b in items]


def balance(c: Container, code: str) -> int:
    return int(c.ledger_reader.balance(FINANCE, code, None, False)["posted"])


RECEIVABLE = chart.market_receivable("PSR-GEDE", "V000001").code
CREDIT = chart.vendor_credit("V000001").code


def test_a_partial_payment_goes_to_the_oldest_bill_first(billed: Container) -> None:
    before = owed(billed, "V000001")  # two bills: kios 215,670 and los (same due date)
    applied = pay(billed, "V000001", 100_000)
    assert applied.to_credit == 0
    after = owed(billed, "V000001")
    assert sum(before) - sum(after) == 100_000
    assert balance(billed, RECEIVABLE) == sum(after)


def test_an_overpayment_becomes_credit_and_a_second_payment_is_never_a_second_paid(
    billed: Container,
) -> None:
    total = sum(owed(billed, "V000001"))
    first = pay(billed, "V000001", total + 5_000, "VA-1")
    assert first.to_credit == 5_000
    second = pay(billed, "V000001", 20_000, "QRIS-1")  # paid again on another channel
    assert second.applications == ()
    assert second.to_credit == 20_000
    assert owed(billed, "V000001") == [0, 0]
    assert balance(billed, CREDIT) == 25_000
    assert balance(billed, RECEIVABLE) == 0


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(payments=st.lists(st.integers(1, 300_000), min_size=1, max_size=6))
def test_bills_minus_payments_equals_receivable_minus_credit(
    billed: Container, payments: list[int]
) -> None:
    vendor = "V000002"
    receivable = chart.market_receivable("PSR-LEGI", vendor).code
    credit = chart.vendor_credit(vendor).code
    start = balance(billed, receivable) - balance(billed, credit)
    for n, amount in enumerate(payments):
        with billed.uow() as uow:
            billed.bill_payments.apply(
                uow,
                vendor=vendor,
                amount=amount,
                source=bank_source("BNI"),
                fallback_market="PSR-LEGI",
                effective_at=PAID_AT,
                reference=f"P{n}",
                channel="va:BNI",
                description="property",
            )
            uow.commit()
    assert balance(billed, receivable) - balance(billed, credit) == start - sum(payments)


def test_penalties_accrue_monthly_once_and_can_be_waived_by_finance(billed: Container) -> None:
    kios_bill = "RET-20261101-PSR-GEDE-K01-001"
    result = billed.collections.accrue_penalties(date(2027, 2, 10))  # due 5 Dec: 3 months late
    # 1 % a month, floored, for 3 started months: kios 215,670, los 27,000, Legi los 48,000
    assert (result.bills, result.amount) == (3, 3 * (2_156 + 270 + 480))
    detail = billed.bills.bill(FINANCE, kios_bill)
    penalties = [m for m in detail["movements"] if m["kind"] == "penalty"]
    assert [m["amount"] for m in penalties] == [3 * 2_156]  # 1 % of 215,670, floored, × 3
    again = billed.collections.accrue_penalties(date(2027, 2, 10))
    assert (again.bills, again.amount) == (0, 0)
    with pytest.raises(DomainError):
        billed.collections.waive(MANAGER, kios_bill, 1_000, "vendor was in hospital in Dec")
    with pytest.raises(ValidationFailed) as too_much:
        billed.collections.waive(FINANCE, kios_bill, 10_000, "vendor was in hospital in Dec")
    assert too_much.value.code == "waiver_too_large"
    billed.collections.waive(FINANCE, kios_bill, 6_468, "vendor was in hospital in Dec")
    assert billed.bills.bill(FINANCE, kios_bill)["owed"] == 215_670


def test_a_recorded_outage_suspends_penalties(billed: Container) -> None:
    billed.collections.record_outage(
        MANAGER, "PSR-GEDE", "va:BNI", date(2026, 12, 1), date(2027, 1, 20), "BNI VA down for weeks"
    )
    billed.collections.accrue_penalties(date(2027, 1, 20))
    detail = billed.bills.bill(FINANCE, "RET-20261101-PSR-GEDE-K01-001")
    assert [m for m in detail["movements"] if m["kind"] == "penalty"] == []


def test_objections_vendor_files_manager_resolves(billed: Container) -> None:
    bill = "RET-20261101-PSR-GEDE-K01-001"
    with pytest.raises(NotFound):
        billed.objections.file(BUDI, bill, "this is not even my stall, why")
    objection = billed.objections.file(SRI, bill, "the kios is 6 m2, not 9 m2 as billed")
    with pytest.raises(Conflict):
        billed.objections.file(SRI, bill, "the kios is 6 m2, not 9 m2 as billed")
    resolved = billed.objections.resolve(
        MANAGER,
        objection["id"],
        accept_amount=71_890,
        resolution="measured on site: 6 m2; adjusted",
    )
    assert resolved["status"] == "accepted"
    assert billed.bills.bill(SRI, bill)["owed"] == 215_670 - 71_890
    with pytest.raises(Conflict):
        billed.objections.resolve(
            MANAGER, objection["id"], accept_amount=None, resolution="second thoughts, rejected"
        )


def test_cash_receipts_sync_once_and_deposit_with_an_sts_number(billed: Container) -> None:
    receipt = ReceiptIn(
        id="device-7f3a-0001",
        receipt_no="KW-0001",
        vendor="V000001",
        amount=50_000,
        collected_at=PAID_AT,
    )
    first, replayed = billed.cash.record_receipt(COLLECTOR, receipt)
    again, replayed_again = billed.cash.record_receipt(COLLECTOR, receipt)
    assert (replayed, replayed_again) == (False, True)
    assert again["entry_id"] == first["entry_id"]
    with pytest.raises(Conflict):
        billed.cash.record_receipt(COLLECTOR, replace(receipt, amount=1))
    with pytest.raises(NotFound):  # a vendor of another market
        billed.cash.record_receipt(
            COLLECTOR, ReceiptIn("device-7f3a-0002", "KW-0002", "V000002", 1_000, PAID_AT)
        )
    deposit = billed.cash.submit_deposit(COLLECTOR)
    with pytest.raises(ValidationFailed) as short:
        billed.cash.verify_deposit(FINANCE, deposit["id"], 49_000)
    assert short.value.code == "deposit_mismatch"
    verified = billed.cash.verify_deposit(FINANCE, deposit["id"], 50_000)
    assert verified["sts_number"].startswith("STS-PSR-GEDE-")
    cash = chart.collector_cash("PSR-GEDE", first["collector"]).code
    assert balance(billed, cash) == 0
    with pytest.raises(Conflict):
        billed.cash.verify_deposit(FINANCE, deposit["id"], 50_000)
