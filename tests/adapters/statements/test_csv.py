from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from pasar_pay.adapters.statements import (
    KLIKBCA_BISNIS,
    KLIKBCA_INDIVIDU,
    SIMULATOR,
    StatementParseError,
    parse_csv,
)
from pasar_pay.domain.reconciliation import WIB, Side

SAMPLES = Path(__file__).parent / "samples"


def test_klikbca_bisnis_suffixes_separators_and_pend() -> None:
    data = (SAMPLES / "bca_bisnis.csv").read_bytes()
    out = parse_csv(data, KLIKBCA_BISNIS, bank="BCA", account="0123456789")
    assert [(ln.amount, ln.side) for ln in out.lines] == [
        (215_670, Side.CREDIT), (5_000, Side.DEBIT), (72_100_000, Side.CREDIT)]
    assert out.lines[0].value_date == date(2025, 1, 15)
    assert (out.lines[0].rrn, out.lines[0].bill_ref) == ("WS95051", "RET-2025-01-000123")
    [pend] = out.pending
    assert (pend.source_line, pend.amount, pend.side) == (5, 5_000, Side.CREDIT)
    # Re-importing the same export yields the same synthetic references.
    again = parse_csv(data, KLIKBCA_BISNIS, bank="BCA", account="0123456789")
    assert [ln.line_ref for ln in again.lines] == [ln.line_ref for ln in out.lines]


def test_identical_rows_get_distinct_references() -> None:
    row = '15/01/2025,"BIAYA ADM","0000","5,000.00 DB"\n'
    text = 'Tanggal Transaksi,"Keterangan","Cabang","Jumlah"\n' + row * 2
    out = parse_csv(text, KLIKBCA_BISNIS, bank="BCA", account="1")
    assert len({ln.line_ref for ln in out.lines}) == 2


def test_klikbca_individu_apostrophes_preamble_and_trailer() -> None:
    out = parse_csv((SAMPLES / "bca_individu.csv").read_text(), KLIKBCA_INDIVIDU,
                    bank="BCA", account="0123456789")
    assert [(ln.amount, ln.side, ln.value_date) for ln in out.lines] == [
        (215_670, Side.CREDIT, date(2025, 1, 15)), (5_000, Side.DEBIT, date(2025, 1, 15))]
    assert len(out.pending) == 1
    assert (out.opening, out.closing) == (1_000_000, 1_210_670)


def test_simulator_format_with_times() -> None:
    out = parse_csv((SAMPLES / "simulator.csv").read_text(), SIMULATOR, bank="SIM",
                    account="SIM-001")
    first, late, fee = out.lines
    assert first.line_ref == "SIM0000001"
    assert first.booked_at == datetime(
        2025, 1, 15, 9, 30, 3, tzinfo=WIB)
    assert (first.va_number, first.rrn, first.bill_ref) == (
        "8808010100012", "00113696201", "RET-2025-01-000123")
    assert late.qris_ref == "A120250115093301QR7781"
    assert (fee.side, fee.amount) == (Side.DEBIT, 2_500)
    assert (out.opening, out.closing) == (1_000_000, 1_218_170)


def _error(text: str, fmt=SIMULATOR) -> StatementParseError:  # type: ignore[no-untyped-def]
    with pytest.raises(StatementParseError) as err:
        parse_csv(text, fmt, bank="SIM", account="A", source="x.csv")
    return err.value


def test_missing_columns_are_named_with_the_header_line() -> None:
    err = _error("date,time,reference,description,amount\n2025-01-15,09:00:00,R,D,5\n")
    assert err.line == 1
    assert "side" in err.reason
    assert "balance" in err.reason
    assert str(err).startswith("x.csv, line 1:")


def test_unnamed_side_column_missing_in_individu() -> None:
    err = _error("Date,Description,Branch,Amount\n", KLIKBCA_INDIVIDU)
    assert "column 5 (unnamed)" in err.reason
    assert "Balance" in err.reason


def test_bad_row_names_its_line_and_nothing_is_returned() -> None:
    good = "2025-01-15,09:00:00,R1,D,5000,CR,5000\n"
    bad = "2025-01-15,09:00:00,R2,D,5.000.00,CR,10000\n"
    err = _error("date,time,reference,description,amount,side,balance\n" + good + bad)
    assert err.line == 3


def test_bisnis_row_without_side_suffix() -> None:
    text = 'Tanggal Transaksi,"Keterangan","Cabang","Jumlah"\n15/01/2025,"X","0000","5,000.00"\n'
    err = _error(text, KLIKBCA_BISNIS)
    assert err.line == 2
    assert "CR/DB" in err.reason


def test_bad_date_and_short_row() -> None:
    head = "date,time,reference,description,amount,side,balance\n"
    assert _error(head + "15/01/2025,09:00:00,R,D,5,CR,5\n").line == 2
    assert _error(head + "2025-01-15,09:00:00,R\n").line == 2


def test_no_header_row() -> None:
    assert "no simulator header" in _error("a,b\n1,2\n").reason
