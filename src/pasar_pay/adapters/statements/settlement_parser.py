"""Settlement files → `SettlementBatch`es for the many-to-one match.

VA: the SNAP-style `VIRTUAL_ACCOUNT_<CHANNEL_ID>_<YYYYMMDD>.csv` of snap.md §4.4, amounts as
integer minor units. QRIS: pasar_pay's acquirer report format (defined here, one row per
payment, the batch's identity repeated on each row, an optional TOTAL row per batch):

    batch_id,settled_date,acquirer,mdr_bp,rrn,reference,paid_at,gross,fee,net
    B20250116-1,2025-01-16,BCA,30,501509330112,QR-PGD-A12-01,2025-01-15T09:33:01+07:00,600000,1800,598200
    B20250116-1,2025-01-16,BCA,30,TOTAL,,,600000,1800,598200
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pasar_pay.adapters.statements.errors import StatementParseError
from pasar_pay.domain.reconciliation import SettlementBatch, SettlementMember

VA_COLUMNS = (
    "PAYMENT_REQUEST_ID",
    "REFERENCE_NO",
    "TRX_DATE_TIME",
    "VIRTUAL_ACCOUNT_NO",
    "VIRTUAL_ACCOUNT_NAME",
    "HASHED_SOURCE_ACCOUNT_NO",
    "CURRENCY",
    "TOTAL_AMOUNT",
    "PAID_AMOUNT",
    "FEE_AMOUNT",
    "VALUE_ADDED_TAX",
    "WITH_HOLDING_TAX",
)
QRIS_COLUMNS = (
    "batch_id",
    "settled_date",
    "acquirer",
    "mdr_bp",
    "rrn",
    "reference",
    "paid_at",
    "gross",
    "fee",
    "net",
)
_VA_NAME = re.compile(r"VIRTUAL_ACCOUNT_(?P<channel>[A-Za-z0-9]+)_(?P<day>\d{8})(?:\.csv)?$")


@dataclass(frozen=True, slots=True)
class VaSettlementRow:
    payment_request_id: str
    reference_no: str
    trx_at: datetime
    va_number: str
    gross: int  # rupiah
    net: int
    fee: int  # everything deducted: fee + VAT + withholding
    source_line: int


def parse_va_settlement(
    data: str | bytes,
    *,
    file_name: str,
    mdr_bp: int = 0,
    flat_fee: int = 0,
    minor_per_rupiah: int = 100,
    settled_date: date | None = None,
) -> tuple[SettlementBatch, tuple[VaSettlementRow, ...]]:
    """One file = one batch (channel, trade date). Amounts in the file are minor units (sen by
    default; confirm with the bank), converted exactly to rupiah or refused.

    `mdr_bp`/`flat_fee` are the contract with the bank: the matcher checks each row against
    them. The credit is expected T+1 unless `settled_date` says otherwise.
    """
    name = _VA_NAME.search(file_name)
    if not name:
        raise StatementParseError(
            "file name is not VIRTUAL_ACCOUNT_<CHANNEL_ID>_<YYYYMMDD>.csv", source=file_name
        )
    trade_day = _day(name.group("day"), "%Y%m%d", 1, file_name)
    rows = []
    for number, rec in _records(data, VA_COLUMNS, file_name):
        if rec["CURRENCY"].upper() != "IDR":
            raise StatementParseError(
                f"currency {rec['CURRENCY']}, only IDR is accepted", line=number, source=file_name
            )
        money = {
            c: _minor(rec[c], minor_per_rupiah, c, number, file_name)
            for c in (
                "TOTAL_AMOUNT",
                "PAID_AMOUNT",
                "FEE_AMOUNT",
                "VALUE_ADDED_TAX",
                "WITH_HOLDING_TAX",
            )
        }
        deducted = money["FEE_AMOUNT"] + money["VALUE_ADDED_TAX"] + money["WITH_HOLDING_TAX"]
        if money["TOTAL_AMOUNT"] - deducted != money["PAID_AMOUNT"]:
            raise StatementParseError(
                f"TOTAL_AMOUNT {money['TOTAL_AMOUNT']} − fees {deducted} ≠ PAID_AMOUNT "
                f"{money['PAID_AMOUNT']}",
                line=number,
                source=file_name,
            )
        rows.append(
            VaSettlementRow(
                rec["PAYMENT_REQUEST_ID"],
                rec["REFERENCE_NO"],
                _moment(rec["TRX_DATE_TIME"], number, file_name),
                rec["VIRTUAL_ACCOUNT_NO"].strip(),
                money["TOTAL_AMOUNT"],
                money["PAID_AMOUNT"],
                deducted,
                number,
            )
        )
    batch = SettlementBatch(
        acquirer=name.group("channel"),
        batch_id=name.group(0).removesuffix(".csv"),
        settled_date=settled_date or trade_day + timedelta(days=1),
        gross_total=sum(r.gross for r in rows),
        fee_total=sum(r.fee for r in rows),
        mdr_bp=mdr_bp,
        net_credit=sum(r.net for r in rows),
        members=tuple(SettlementMember(r.payment_request_id, r.gross, r.fee) for r in rows),
        flat_fee=flat_fee,
    )
    return batch, tuple(rows)


def parse_qris_settlement(data: str | bytes, *, source: str = "qris") -> list[SettlementBatch]:
    """Batches in file order. A TOTAL row, when present, is the acquirer's own total and is
    kept as reported (the matcher checks it against the rows); otherwise rows are summed."""
    members: dict[str, list[SettlementMember]] = {}
    heads: dict[str, tuple[date, str, int, int]] = {}
    totals: dict[str, tuple[int, int, int]] = {}
    for number, rec in _records(data, QRIS_COLUMNS, source):
        bid = rec["batch_id"]
        head = (
            _day(rec["settled_date"], "%Y-%m-%d", number, source),
            rec["acquirer"],
            _int(rec["mdr_bp"], "mdr_bp", number, source),
            number,
        )
        if bid in heads and heads[bid][:3] != head[:3]:
            raise StatementParseError(
                f"batch {bid} changes its date, acquirer or rate (first seen at line "
                f"{heads[bid][3]})",
                line=number,
                source=source,
            )
        heads.setdefault(bid, head)
        gross, fee, net = (_int(rec[c], c, number, source) for c in ("gross", "fee", "net"))
        if gross - fee != net:
            raise StatementParseError(
                f"gross {gross} − fee {fee} ≠ net {net}", line=number, source=source
            )
        if rec["rrn"].upper() == "TOTAL":
            totals[bid] = (gross, fee, net)
            continue
        if not rec["rrn"]:
            raise StatementParseError("row without an RRN", line=number, source=source)
        members.setdefault(bid, []).append(SettlementMember(rec["rrn"], gross, fee))
    out = []
    for bid, (settled, acquirer, bp, _) in heads.items():
        rows = tuple(members.get(bid, ()))
        gross, fee, net = totals.get(bid) or (
            sum(m.gross for m in rows),
            sum(m.fee for m in rows),
            sum(m.gross - m.fee for m in rows),
        )
        out.append(SettlementBatch(acquirer, bid, settled, gross, fee, bp, net, rows))
    return out


def _records(
    data: str | bytes, columns: tuple[str, ...], source: str
) -> list[tuple[int, dict[str, str]]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise StatementParseError("empty file", line=1, source=source)
    names = [h.strip() for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        raise StatementParseError(
            f"header is missing column(s): {', '.join(missing)}", line=1, source=source
        )
    out = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise StatementParseError(
                f"{len(row)} cells, the header has {len(names)}", line=number, source=source
            )
        out.append((number, {n: row[i].strip() for i, n in enumerate(names)}))
    return out


def _int(text: str, column: str, line: int, source: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise StatementParseError(f"{column} {text!r} is not an integer", line=line, source=source)
    return int(text)


def _minor(text: str, per_rupiah: int, column: str, line: int, source: str) -> int:
    value = _int(text, column, line, source)
    if value % per_rupiah:
        raise StatementParseError(
            f"{column} {value} minor units is not a whole number of rupiah",
            line=line,
            source=source,
        )
    return value // per_rupiah


def _day(text: str, fmt: str, line: int, source: str) -> date:
    try:
        return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a bare calendar date
    except ValueError as exc:
        raise StatementParseError(f"date {text!r} is not {fmt}", line=line, source=source) from exc


def _moment(text: str, line: int, source: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise StatementParseError(f"bad timestamp {text!r}", line=line, source=source) from exc
    if value.tzinfo is None:
        raise StatementParseError(f"timestamp {text!r} has no offset", line=line, source=source)
    return value
