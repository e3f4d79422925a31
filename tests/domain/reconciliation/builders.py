"""Small constructors so each scenario reads as the story it tests."""

from __future__ import annotations

from datetime import date, datetime

from pasar_pay.domain.reconciliation import (
    WIB,
    CallbackRecord,
    Channel,
    LedgerKind,
    LedgerRecord,
    Side,
    StatementLine,
)

DAY = date(2025, 1, 15)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2025, 1, day, hh, mm, tzinfo=WIB)


def line(
    ref: str,
    amount: int,
    *,
    day: int = 15,
    side: Side = Side.CREDIT,
    rrn: str | None = None,
    va: str | None = None,
    qris: str | None = None,
    bill: str | None = None,
) -> StatementLine:
    return StatementLine("BNI", "0123456789", ref, date(2025, 1, day), amount, side, "",
                         None, rrn, va, qris, bill)


def callback(
    pid: str,
    amount: int,
    *,
    paid: datetime | None = None,
    channel: Channel = Channel.VA,
    rrn: str | None = None,
    va: str | None = None,
    qris: str | None = None,
    bill: str | None = None,
    fee: int = 0,
    market: str | None = "pasar-gede",
) -> CallbackRecord:
    return CallbackRecord("BNI", pid, channel, amount, paid or at(15, 9, 30), rrn, va, qris,
                          bill, fee, market)


def entry(
    eid: str,
    amount: int,
    *,
    pid: str | None = None,
    effective: datetime | None = None,
    kind: LedgerKind = LedgerKind.PAYMENT,
    rrn: str | None = None,
    bill: str | None = None,
    market: str | None = "pasar-gede",
) -> LedgerRecord:
    return LedgerRecord(eid, amount, effective or at(15, 9, 30), kind, pid, "BNI", rrn,
                        None, None, bill, market)
