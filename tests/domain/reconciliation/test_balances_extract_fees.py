from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.reconciliation import (
    ExceptionType,
    FeeRule,
    Rounding,
    Side,
    Statement,
    check_continuity,
    extract_keys,
    payment_fee,
)
from tests.domain.reconciliation.builders import line


def stmt(ref: str, day: int, opening: int, closing: int, *amounts: int) -> Statement:
    lines = tuple(
        line(f"{ref}-{i}", abs(a), day=day, side=Side.CREDIT if a > 0 else Side.DEBIT)
        for i, a in enumerate(amounts)
    )
    return Statement("BNI", "0123456789", ref, date(2025, 1, day), date(2025, 1, day),
                     opening, closing, lines)


def test_continuous_statements_have_no_gap() -> None:
    chain = [stmt("S1", 15, 1_000, 6_000, 5_000), stmt("S2", 16, 6_000, 3_500, -2_500)]
    assert check_continuity(reversed(chain)) == ()


def test_missing_statement_between_two_days_is_a_gap() -> None:
    chain = [stmt("S1", 15, 1_000, 6_000, 5_000), stmt("S3", 17, 9_000, 9_000)]
    [gap] = check_continuity(chain)
    assert gap.type is ExceptionType.STATEMENT_BALANCE_GAP
    assert (gap.amount, gap.expected, gap.actual, gap.as_of) == (3_000, 6_000, 9_000,
                                                                date(2025, 1, 17))


def test_lines_not_adding_up_to_closing_is_a_gap() -> None:
    [gap] = check_continuity([stmt("S1", 15, 1_000, 7_000, 5_000)])
    assert (gap.amount, gap.expected, gap.actual) == (1_000, 6_000, 7_000)
    assert "S1" in gap.detail


def test_accounts_are_chained_separately() -> None:
    a = stmt("S1", 15, 0, 5_000, 5_000)
    b = Statement("BNI", "999", "T1", date(2025, 1, 16), date(2025, 1, 16), 70, 70, ())
    assert check_continuity([a, b]) == ()


@pytest.mark.parametrize(
    ("bank", "narrative", "reference", "expected"),
    [
        ("BNI", "VA 8808010100012 SRI RAHAYU\nRET-2025-01-000123", "00113696201",
         ("00113696201", "8808010100012", None, "RET-2025-01-000123")),
        ("BCA", "TRSF E-BANKING CR 0115/FTSCY/WS95051 215670.00 SRI RAHAYU", "",
         ("WS95051", None, None, None)),
        ("SIM", "VA=8808010100012 RRN=501509330112 QR=A1QR7781 REF=ORD-000042", "",
         ("501509330112", "8808010100012", "A1QR7781", "ORD-000042")),
        ("JATENG", "NO VA 1234567890123 QRIS A120250115093301QR7781", "NONREF",
         (None, "1234567890123", "A120250115093301QR7781", None)),
        ("UNKNOWN", "BIAYA ADM", "", (None, None, None, None)),
        ("BNI", "PEMBAYARAN RETRIBUSI PASAR ORDER ONLINE", "", (None, None, None, None)),
    ],
)
def test_extract_keys_per_bank(bank: str, narrative: str, reference: str,
                               expected: tuple[str | None, ...]) -> None:
    k = extract_keys(bank, narrative, reference)
    assert (k.rrn, k.va_number, k.qris_ref, k.bill_ref) == expected


@pytest.mark.parametrize(
    ("gross", "bp", "rule", "fee"),
    [
        (215_670, 70, FeeRule(), 1_510),  # 1509.69
        (215_670, 70, FeeRule(Rounding.DOWN), 1_509),
        (5_000, 30, FeeRule(), 15),
        (1_250, 70, FeeRule(), 9),  # 8.75
        (1_250, 70, FeeRule(Rounding.DOWN), 8),
        (1_000, 70, FeeRule(Rounding.UP), 7),  # exact: no rounding at all
        (1_001, 70, FeeRule(Rounding.UP), 8),
        (500_000, 30, FeeRule(free_up_to=500_000), 0),
        (500_001, 30, FeeRule(free_up_to=500_000), 1_500),
        (9_999_999, 0, FeeRule(), 0),
    ],
)
def test_payment_fee_rounding(gross: int, bp: int, rule: FeeRule, fee: int) -> None:
    assert payment_fee(gross, bp, rule) == fee


@given(st.integers(0, 10**10), st.integers(0, 10_000))
def test_fee_rounding_brackets_the_exact_value(gross: int, bp: int) -> None:
    down = payment_fee(gross, bp, FeeRule(Rounding.DOWN))
    up = payment_fee(gross, bp, FeeRule(Rounding.UP))
    half = payment_fee(gross, bp, FeeRule(Rounding.HALF_UP))
    assert down * 10_000 <= gross * bp <= up * 10_000
    assert up - down in (0, 1)
    assert half in (down, up)
    assert abs(half * 10_000 - gross * bp) <= 5_000


def test_a_cash_deposits_sts_number_in_the_narrative_is_its_reference() -> None:
    keys = extract_keys("BANKJATENG", "setoran tunai STS-PSR-GEDE-20261102-4F2A9C1B kolektor")
    assert keys.rrn == "STS-PSR-GEDE-20261102-4F2A9C1B"
    assert extract_keys("BANKJATENG", "STS tanpa nomor").rrn is None
