from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from pasar_pay.adapters.statements import (
    StatementParseError,
    parse_mt940,
    parse_qris_settlement,
    parse_va_settlement,
)
from pasar_pay.domain.reconciliation import (
    WIB,
    CallbackRecord,
    Channel,
    FeeRule,
    MatchConfig,
    MatchRule,
    match,
)

SAMPLES = Path(__file__).parent / "samples"
VA_FILE = "VIRTUAL_ACCOUNT_BNC01_20250115.csv"


def test_va_settlement_minor_units_to_rupiah() -> None:
    batch, rows = parse_va_settlement((SAMPLES / VA_FILE).read_text(), file_name=VA_FILE,
                                      flat_fee=2_500)
    assert (batch.acquirer, batch.batch_id, batch.settled_date) == (
        "BNC01", "VIRTUAL_ACCOUNT_BNC01_20250115", date(2025, 1, 16))
    assert (batch.gross_total, batch.fee_total, batch.net_credit) == (315_670, 5_000, 310_670)
    assert rows[0].gross == 215_670
    assert rows[0].va_number == "123450101000123"
    assert batch.member_refs == ("202501150929580012345INQ01", "202501151400000012345INQ02")


def _va_error(text: str, name: str = VA_FILE) -> StatementParseError:
    with pytest.raises(StatementParseError) as err:
        parse_va_settlement(text, file_name=name)
    return err.value


def test_va_settlement_refusals_name_the_line() -> None:
    good = (SAMPLES / VA_FILE).read_text()
    assert _va_error(good.replace("21567000,21317000", "21567050,21317050")).line == 2
    assert _va_error(good.replace(",IDR,1000", ",USD,1000")).line == 3
    assert _va_error(good.replace("21317000", "21317100")).line == 2  # total − fee ≠ paid
    err = _va_error("PAYMENT_REQUEST_ID,REFERENCE_NO\n")
    assert err.line == 1
    assert "TRX_DATE_TIME" in err.reason
    assert "file name" in _va_error(good, "statement.csv").reason


def test_qris_settlement_with_total_row() -> None:
    [batch] = parse_qris_settlement((SAMPLES / "qris_settlement.csv").read_bytes())
    assert (batch.batch_id, batch.acquirer, batch.mdr_bp, batch.settled_date) == (
        "B20250116-1", "BCA", 30, date(2025, 1, 16))
    assert (batch.gross_total, batch.fee_total, batch.net_credit) == (605_000, 1_800, 603_200)
    assert batch.member_refs == ("501509330112", "501509330113")


def test_qris_settlement_refusals_name_the_line() -> None:
    good = (SAMPLES / "qris_settlement.csv").read_text()
    with pytest.raises(StatementParseError) as err:
        parse_qris_settlement(good.replace("1800,598200", "1800,598000"), source="q.csv")
    assert err.value.line == 2
    with pytest.raises(StatementParseError) as err:
        parse_qris_settlement(good.replace("2025-01-16,BCA,30,501509330113",
                                           "2025-01-16,BCA,70,501509330113"))
    assert err.value.line == 3
    assert "line 2" in err.value.reason


def test_files_to_match_end_to_end() -> None:
    """Statement + acquirer report + callbacks: the batch settles and its fee is posted."""
    [statement] = parse_mt940((SAMPLES / "bni_statement.sta").read_text(), bank="BNI")
    [batch] = parse_qris_settlement((SAMPLES / "qris_settlement.csv").read_text())
    # The statement's 598,200 credit settles the report's first payment only.
    one = replace(batch, gross_total=600_000, net_credit=598_200, members=batch.members[:1])
    qris = CallbackRecord("BCA", "QR-PGD-A12-01", Channel.QRIS, 600_000,
                          datetime(2025, 1, 15, 9, 33, tzinfo=WIB), "501509330112")
    va = CallbackRecord("BNI", "INQ01", Channel.VA, 215_670,
                        datetime(2025, 1, 15, 9, 30, tzinfo=WIB), "00113696201",
                        "8808010100012", bill_ref="RET-2025-01-000123")
    result = match(statement.lines, [qris, va], [], [one],
                   MatchConfig(fee_rule=FeeRule(free_up_to=500_000)))
    assert {m.rule for m in result.matches} == {MatchRule.BANK_REFERENCE,
                                                MatchRule.SETTLEMENT_BATCH}
    assert [e.type.value for e in result.exceptions] == ["unmatched_debit"]  # the admin fee
    assert [f.amount for f in result.fees_to_post] == [1_800]
