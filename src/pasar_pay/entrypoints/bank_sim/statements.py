"""End-of-day files the simulated bank and acquirer send for reconciliation: an MT940
statement, the same day as a bank CSV export (the `simulator` column mapping), and an acquirer
QRIS settlement report netting the MDR per payment.

The bank decides what it credits: tests and demos drop a credit, change an amount or add one
nobody called back about, and reconciliation must notice. All data is synthetic.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pasar_pay.domain.reconciliation import FeeRule, payment_fee


@dataclass(frozen=True, slots=True)
class SimLine:
    value_date: date
    amount: int  # rupiah > 0
    credit: bool
    customer_ref: str  # :61: customer reference (the payment's referenceNo / RRN)
    bank_ref: str  # :61: bank reference: unique per account, the line's identity
    narrative: str


@dataclass(frozen=True, slots=True)
class SettledPayment:
    rrn: str
    reference: str  # the acquirer's transaction id (originalReferenceNo)
    paid_at: datetime
    gross: int


def va_credit(
    day: date, seq: int, amount: int, reference_no: str, va_number: str, bank: str = "BNI"
) -> SimLine:
    """A VA payment as BNI prints it: the referenceNo as customer reference, "VA <number>"."""
    return SimLine(
        day,
        amount,
        True,
        reference_no[-16:],
        f"{bank}{day:%y%m%d}{seq:04d}",
        f"VA {va_number} TRANSFER VA",
    )


def settlement_credit(day: date, seq: int, net: int, batch_id: str, acquirer: str) -> SimLine:
    return SimLine(
        day,
        net,
        True,
        "NONREF",
        f"SET{day:%y%m%d}{seq:04d}",
        f"QRIS SETTLEMENT {batch_id} {acquirer}",
    )


def mt940(
    account: str, day: date, opening: int, lines: Sequence[SimLine], *, number: int = 1
) -> str:
    """One day's MT940 (decimal comma, whole rupiah). The closing balance is computed."""
    closing = opening + sum(ln.amount if ln.credit else -ln.amount for ln in lines)
    out = [
        f":20:SIM{day:%y%m%d}",
        f":25:{account}",
        f":28C:{number}/1",
        f":60F:{_balance(opening, day)}",
    ]
    for ln in lines:
        mark = "C" if ln.credit else "D"
        out.append(
            f":61:{ln.value_date:%y%m%d}{ln.value_date:%m%d}{mark}{ln.amount},00"
            f"NTRF{ln.customer_ref}//{ln.bank_ref}"
        )
        out.append(f":86:{ln.narrative}")
    out.append(f":62F:{_balance(closing, day)}")
    return "{1:F01SIMBANKXXXX0000000000}{2:I940SIMBANKXXXXN}{4:\n" + "\n".join(out) + "\n-}\n"


def bank_csv(opening: int, lines: Iterable[SimLine]) -> str:
    """The same lines in the simulator's CSV export, with a running balance."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["date", "time", "reference", "description", "amount", "side", "balance"])
    balance = opening
    for ln in lines:
        balance += ln.amount if ln.credit else -ln.amount
        out.writerow(
            [
                ln.value_date.isoformat(),
                "12:00:00",
                ln.bank_ref,
                f"{ln.narrative} RRN={ln.customer_ref}",
                ln.amount,
                "CR" if ln.credit else "DB",
                balance,
            ]
        )
    return buf.getvalue()


def qris_settlement(
    batch_id: str,
    settled: date,
    acquirer: str,
    mdr_bp: int,
    payments: Sequence[SettledPayment],
    rule: FeeRule | None = None,
) -> tuple[str, int, int]:
    """The acquirer's report (pasar_pay's settlement format) → (csv text, net, fee)."""
    rule = rule or FeeRule()
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(
        [
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
        ]
    )
    gross_total = fee_total = 0
    for p in payments:
        fee = payment_fee(p.gross, mdr_bp, rule)
        gross_total += p.gross
        fee_total += fee
        out.writerow(
            [
                batch_id,
                settled.isoformat(),
                acquirer,
                mdr_bp,
                p.rrn,
                p.reference,
                p.paid_at.isoformat(),
                p.gross,
                fee,
                p.gross - fee,
            ]
        )
    net = gross_total - fee_total
    out.writerow(
        [
            batch_id,
            settled.isoformat(),
            acquirer,
            mdr_bp,
            "TOTAL",
            "",
            "",
            gross_total,
            fee_total,
            net,
        ]
    )
    return buf.getvalue(), net, fee_total


def _balance(amount: int, day: date) -> str:
    return f"{'C' if amount >= 0 else 'D'}{day:%y%m%d}IDR{abs(amount)},00"
