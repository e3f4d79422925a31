"""Bank CSV mutation exports → statement lines. One parser, formats described as data.

Formats (snap.md §4.2): KlikBCA Bisnis (side as an amount suffix, `PEND` instead of a date for
unposted rows), KlikBCA Individu (apostrophe-prefixed cells, side in an unnamed column), and
the project's bank simulator (`date,time,reference,description,amount,side,balance`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from pasar_pay.adapters.statements.amounts import parse_amount_text
from pasar_pay.adapters.statements.errors import StatementParseError
from pasar_pay.domain.reconciliation import (
    BANK_PATTERNS,
    WIB,
    KeyPattern,
    Side,
    StatementLine,
    extract_keys,
)


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """Where each field lives. A column is named by its header text, or `#n` (0-based) for the
    unnamed columns some exports have. `side` None means the side is a suffix of the amount."""

    name: str
    date: str
    description: str
    amount: str
    date_format: str
    side: str | None = None
    balance: str | None = None
    reference: str | None = None
    time: str | None = None
    pending_marker: str | None = None  # e.g. PEND: not yet booked, kept apart


KLIKBCA_BISNIS = CsvFormat(
    "klikbca_bisnis",
    date="Tanggal Transaksi",
    description="Keterangan",
    amount="Jumlah",
    date_format="%d/%m/%Y",
    balance=None,
    pending_marker="PEND",
)
KLIKBCA_INDIVIDU = CsvFormat(
    "klikbca_individu",
    date="Date",
    description="Description",
    amount="Amount",
    date_format="%d/%m/%Y",
    side="#4",
    balance="Balance",
    pending_marker="PEND",
)
SIMULATOR = CsvFormat(
    "simulator",
    date="date",
    description="description",
    amount="amount",
    date_format="%Y-%m-%d",
    side="side",
    balance="balance",
    reference="reference",
    time="time",
)
FORMATS: Mapping[str, CsvFormat] = {
    f.name: f for f in (KLIKBCA_BISNIS, KLIKBCA_INDIVIDU, SIMULATOR)
}

_SIDES = {
    "CR": Side.CREDIT,
    "C": Side.CREDIT,
    "CREDIT": Side.CREDIT,
    "K": Side.CREDIT,
    "DB": Side.DEBIT,
    "D": Side.DEBIT,
    "DEBIT": Side.DEBIT,
}


@dataclass(frozen=True, slots=True)
class PendingRow:
    """A row the bank has not booked yet: shown to people, never matched or balanced."""

    source_line: int
    description: str
    amount: int
    side: Side


@dataclass(frozen=True, slots=True)
class CsvImport:
    lines: tuple[StatementLine, ...]
    pending: tuple[PendingRow, ...]
    opening: int | None  # derived from the first row's running balance, when the format has one
    closing: int | None


def parse_csv(
    data: str | bytes,
    fmt: CsvFormat,
    *,
    bank: str,
    account: str,
    source: str = "csv",
    patterns: Mapping[str, tuple[KeyPattern, ...]] = BANK_PATTERNS,
) -> CsvImport:
    """All rows or nothing: the first bad row raises `StatementParseError` naming its line."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(enumerate(csv.reader(io.StringIO(text)), start=1))
    header_at, columns = _header(rows, fmt, source)
    lines: list[StatementLine] = []
    pending: list[PendingRow] = []
    seen: dict[str, int] = {}
    opening: int | None = None
    closing: int | None = None
    trailer: dict[str, int] = {}
    in_trailer = False
    for number, row in rows[header_at:]:
        cells = [_cell(c) for c in row]
        if not any(cells):
            continue
        label = cells[0].lower()
        if label in _TRAILER or in_trailer:
            # Summary block after the rows ("Saldo Awal : …"): balances, then nothing more.
            in_trailer = True
            _read_trailer(cells, label, trailer, number, source)
            continue
        if max(columns.values()) >= len(cells):
            raise StatementParseError(
                f"row has {len(cells)} cells, the header names {max(columns.values()) + 1}",
                line=number,
                source=source,
            )
        row_of = _Row(cells, columns)
        amount_text, side = _amount_and_side(row_of, fmt, number, source)
        amount = _amount(amount_text, number, source)
        description = row_of[fmt.description]
        get = row_of.__getitem__
        if fmt.pending_marker and get(fmt.date).upper() == fmt.pending_marker:
            pending.append(PendingRow(number, description, amount, side))
            continue
        value_date = _date(get(fmt.date), fmt, number, source)
        booked_at = None
        if fmt.time:
            booked_at = _time(value_date, get(fmt.time), number, source)
        signed = amount if side is Side.CREDIT else -amount
        if fmt.balance:
            balance = _amount(get(fmt.balance), number, source, signed=True)
            if opening is None:
                opening = balance - signed
            closing = balance
        reference = get(fmt.reference) if fmt.reference else ""
        line_ref = reference or _synthetic_ref(value_date, description, signed, seen)
        keys = extract_keys(bank, description, reference, patterns)
        lines.append(
            StatementLine(
                bank=bank,
                account=account,
                line_ref=line_ref,
                value_date=value_date,
                amount=amount,
                side=side,
                narrative=description,
                booked_at=booked_at,
                rrn=keys.rrn,
                va_number=keys.va_number,
                qris_ref=keys.qris_ref,
                bill_ref=keys.bill_ref,
                source_line=number,
            )
        )
    opening = trailer.get("opening", opening)
    closing = trailer.get("closing", closing)
    return CsvImport(tuple(lines), tuple(pending), opening, closing)


@dataclass(frozen=True, slots=True)
class _Row:
    cells: list[str]
    columns: dict[str, int]

    def __getitem__(self, column: str) -> str:
        return self.cells[self.columns[column]]


# KlikBCA summary labels (Bisnis in Indonesian, Individu in English) → which balance they carry.
_TRAILER = {
    "saldo awal": "opening",
    "starting balance": "opening",
    "saldo akhir": "closing",
    "ending balance": "closing",
    "mutasi kredit": "",
    "mutasi debet": "",
    "mutasi debit": "",
    "credit": "",
    "debet": "",
    "debit": "",
}


def _read_trailer(
    cells: list[str], label: str, out: dict[str, int], line: int, source: str
) -> None:
    if label not in _TRAILER:
        raise StatementParseError(
            f"row {cells[0]!r} after the summary block", line=line, source=source
        )
    kind = _TRAILER[label]
    values = [c for c in cells[1:] if c and c not in ("=", ":")]
    if kind and values:
        out[kind] = _amount(values[-1].split()[0], line, source, signed=True)


def _header(
    rows: list[tuple[int, list[str]]], fmt: CsvFormat, source: str
) -> tuple[int, dict[str, int]]:
    """The first row naming the date column is the header (exports may have a preamble)."""
    for pos, (number, row) in enumerate(rows):
        names = [_cell(c).lower() for c in row]
        if fmt.date.lower() not in names:
            continue
        wanted = [
            c
            for c in (
                fmt.date,
                fmt.description,
                fmt.amount,
                fmt.side,
                fmt.balance,
                fmt.reference,
                fmt.time,
            )
            if c
        ]
        columns: dict[str, int] = {}
        missing: list[str] = []
        for col in wanted:
            if col.startswith("#"):
                index = int(col[1:])
                if index < len(names):
                    columns[col] = index
                else:
                    missing.append(f"column {index + 1} (unnamed)")
            elif col.lower() in names:
                columns[col] = names.index(col.lower())
            else:
                missing.append(col)
        if missing:
            raise StatementParseError(
                f"{fmt.name} header is missing column(s): {', '.join(missing)}",
                line=number,
                source=source,
            )
        return pos + 1, columns
    raise StatementParseError(
        f"no {fmt.name} header row (a row with a {fmt.date!r} column)",
        line=rows[0][0] if rows else 1,
        source=source,
    )


def _cell(value: str) -> str:
    """KlikBCA Individu prefixes cells with an apostrophe so spreadsheets keep them as text."""
    return value.strip().lstrip("'").strip()


def _amount_and_side(row: _Row, fmt: CsvFormat, line: int, source: str) -> tuple[str, Side]:
    text = row[fmt.amount]
    if fmt.side is not None:
        marker = row[fmt.side].upper()
    else:
        parts = text.rsplit(None, 1)
        marker = parts[-1].upper() if len(parts) == 2 else ""
        text = parts[0] if len(parts) == 2 else text
    if marker not in _SIDES:
        raise StatementParseError(
            f"no credit/debit marker (CR/DB) in {text!r} {marker!r}".rstrip(),
            line=line,
            source=source,
        )
    return text, _SIDES[marker]


def _amount(text: str, line: int, source: str, *, signed: bool = False) -> int:
    try:
        value = parse_amount_text(text)
    except ValueError as exc:
        raise StatementParseError(str(exc), line=line, source=source) from exc
    if not signed and value <= 0:
        raise StatementParseError(f"amount must be positive: {text!r}", line=line, source=source)
    return value


def _date(text: str, fmt: CsvFormat, line: int, source: str) -> date:
    try:
        return datetime.strptime(text, fmt.date_format).date()  # noqa: DTZ007 - a bare date
    except ValueError as exc:
        raise StatementParseError(
            f"date {text!r} does not match {fmt.date_format}", line=line, source=source
        ) from exc


def _time(day: date, text: str, line: int, source: str) -> datetime:
    try:
        return datetime.combine(day, time.fromisoformat(text), tzinfo=WIB)
    except ValueError as exc:
        raise StatementParseError(f"bad time {text!r}", line=line, source=source) from exc


def _synthetic_ref(day: date, description: str, signed: int, seen: dict[str, int]) -> str:
    """KlikBCA rows carry no id: hash the row, numbering identical rows in file order, so
    re-importing the same export yields the same references (and is a no-op)."""
    digest = hashlib.sha256(f"{day}|{description}|{signed}".encode()).hexdigest()[:16]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{day:%Y%m%d}-{digest}-{seen[digest]}"
