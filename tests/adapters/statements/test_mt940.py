from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pasar_pay.adapters.statements import StatementParseError, parse_mt940
from pasar_pay.domain.reconciliation import Side, check_continuity

SAMPLE = (Path(__file__).parent / "samples" / "bni_statement.sta").read_text()


def test_parses_decimal_comma_amounts_to_exact_rupiah() -> None:
    [st] = parse_mt940(SAMPLE, bank="BNI", source="bni.sta")
    assert (st.account, st.opening, st.closing) == ("0123456789", 1_000_000, 1_808_870)
    assert (st.opening_date, st.closing_date) == (date(2025, 1, 15), date(2025, 1, 16))
    credit, fee, settlement = st.lines
    assert (credit.amount, credit.side, credit.value_date) == (215_670, Side.CREDIT,
                                                               date(2025, 1, 15))
    assert credit.line_ref == "BNI2501150001"
    assert credit.source_line == 6
    assert (credit.rrn, credit.va_number, credit.bill_ref) == (
        "00113696201", "8808010100012", "RET-2025-01-000123")
    assert "SRI RAHAYU" in credit.narrative
    assert (fee.amount, fee.side) == (5_000, Side.DEBIT)  # "5000," : comma, no decimals
    assert settlement.amount == 598_200
    assert check_continuity([st]) == ()


def test_bytes_and_several_statements() -> None:
    second = SAMPLE.replace(":20:STMT250115", ":20:STMT250116").replace(
        ":28C:15/1", ":28C:16/1").replace(":60F:C250115IDR1000000,00", ":60F:C250116IDR1808870,00"
    ).replace(":62F:C250116IDR1808870,00", ":62F:C250116IDR2617740,00").replace(
        "BNI2501", "BNJ2501")
    statements = parse_mt940((SAMPLE + second).encode(), bank="BNI")
    assert [s.statement_ref for s in statements] == ["STMT250115:15/1", "STMT250116:16/1"]
    assert check_continuity(statements) == ()


def _error(text: str) -> StatementParseError:
    with pytest.raises(StatementParseError) as err:
        parse_mt940(text, bank="BNI", source="f.sta")
    return err.value


def test_truncated_file_names_the_last_line_and_returns_nothing() -> None:
    cut = "\n".join(SAMPLE.splitlines()[:9])  # stops after the second :61:
    err = _error(cut)
    assert err.line == 9
    assert "truncated" in str(err)
    assert "f.sta, line 9" in str(err)


def test_truncated_mid_field_names_the_field_line() -> None:
    lines = SAMPLE.splitlines()
    lines[8] = ":61:25011"
    err = _error("\n".join(lines))
    assert err.line == 9
    assert ":61:" in err.reason


def test_wrong_currency_is_refused_naming_the_line() -> None:
    err = _error(SAMPLE.replace("C250116IDR1808870,00", "C250116USD1808870,00"))
    assert err.line == 13
    assert "USD" in err.reason


def test_fraction_of_a_rupiah_is_refused() -> None:
    err = _error(SAMPLE.replace("C215670,00NTRF", "C215670,50NTRF"))
    assert err.line == 6
    assert "fraction" in err.reason


def test_line_after_closing_balance_is_refused() -> None:
    err = _error(SAMPLE.replace("-}", ":61:2501160116C1,00NTRFX//Y\n-}"))
    assert err.line == 14


def test_no_statement_at_all() -> None:
    assert _error("hello\n").line == 1
