"""Reconciliation inputs and outputs: frozen values, integer rupiah, no behaviour beyond keys.

Every record has a stable id (`uid`) used for canonical ordering and tie-breaks, so that the
matcher's result never depends on the order in which records were loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

# Bank value dates and "which day's collection" are Jakarta dates; WIB has no DST, so a fixed
# offset is exact and keeps the domain free of a tz database.
WIB = timezone(timedelta(hours=7), "WIB")


class Side(StrEnum):
    CREDIT = "credit"  # money into the city's account
    DEBIT = "debit"


class Channel(StrEnum):
    VA = "va"
    QRIS = "qris"


class LedgerKind(StrEnum):
    PAYMENT = "payment"  # posted from a bank callback
    CASH_DEPOSIT = "cash_deposit"  # a collector paying cash into the bank
    PAYOUT = "payout"  # money out (vendor payout, refund, bank charge): matches debit lines


class MatchRule(StrEnum):
    SETTLEMENT_BATCH = "settlement_batch"
    BANK_REFERENCE = "bank_reference"
    VA_NUMBER = "va_number"
    QRIS_REFERENCE = "qris_reference"
    BILL_REFERENCE = "bill_reference"
    AMOUNT_DATE = "amount_date"


class ExceptionType(StrEnum):
    CREDIT_WITHOUT_CALLBACK = "credit_without_callback"
    CALLBACK_WITHOUT_CREDIT = "callback_without_credit"
    AMOUNT_MISMATCH = "amount_mismatch"
    PAID_TWICE = "paid_twice"
    VA_OPEN_AFTER_QRIS = "va_open_after_qris"
    CASH_DEPOSIT_MISMATCH = "cash_deposit_mismatch"
    STATEMENT_BALANCE_GAP = "statement_balance_gap"
    SETTLEMENT_MISMATCH = "settlement_mismatch"
    # Money out with no counterpart (a debit line nobody booked, or a payout the bank never
    # executed). Outside the credit-side list above, but every line must land somewhere.
    UNMATCHED_DEBIT = "unmatched_debit"


@dataclass(frozen=True, slots=True)
class StatementLine:
    bank: str
    account: str
    line_ref: str  # the bank's own reference: (bank, account, line_ref) makes re-import idempotent
    value_date: date
    amount: int  # rupiah, > 0; the direction is `side`
    side: Side
    narrative: str = ""
    booked_at: datetime | None = None
    rrn: str | None = None  # RRN / bank transaction reference, as extracted
    va_number: str | None = None
    qris_ref: str | None = None
    bill_ref: str | None = None  # bill (RET…) or order (ORD…) reference
    source_line: int = 0  # line number in the imported file, for audit

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"statement line {self.line_ref}: amount must be > 0")

    @property
    def uid(self) -> str:
        return f"{self.bank}:{self.account}:{self.line_ref}"


@dataclass(frozen=True, slots=True)
class CallbackRecord:
    bank: str
    payment_id: str  # paymentRequestId / originalReferenceNo: unique per bank
    channel: Channel
    gross_amount: int
    paid_at: datetime  # timezone-aware
    reference_no: str | None = None  # bank referenceNo / QRIS RRN
    va_number: str | None = None
    qris_ref: str | None = None
    bill_ref: str | None = None
    fee: int = 0  # fee the bank deducts before crediting (feeAmount)
    market: str | None = None

    def __post_init__(self) -> None:
        _require(self.gross_amount > 0 and 0 <= self.fee <= self.gross_amount,
                 f"callback {self.payment_id}: gross must be > 0 and 0 <= fee <= gross")
        _require(self.paid_at.tzinfo is not None, f"callback {self.payment_id}: naive paid_at")

    @property
    def uid(self) -> str:
        return f"{self.bank}:{self.payment_id}"

    @property
    def expected_credit(self) -> int:
        return self.gross_amount - self.fee


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    entry_id: str
    amount: int  # rupiah, > 0
    effective_at: datetime  # timezone-aware
    kind: LedgerKind = LedgerKind.PAYMENT
    payment_id: str | None = None  # the callback it was posted from, when there was one
    bank: str | None = None
    reference_no: str | None = None  # RRN, or the deposit slip number for cash
    va_number: str | None = None
    qris_ref: str | None = None
    bill_ref: str | None = None
    market: str | None = None

    def __post_init__(self) -> None:
        _require(self.amount > 0, f"ledger entry {self.entry_id}: amount must be > 0")
        _require(self.effective_at.tzinfo is not None,
                 f"ledger entry {self.entry_id}: naive effective_at")

    @property
    def uid(self) -> str:
        return self.entry_id


@dataclass(frozen=True, slots=True)
class SettlementMember:
    reference: str  # RRN (QRIS) or paymentRequestId / referenceNo (VA)
    gross: int
    fee: int  # as reported by the acquirer


@dataclass(frozen=True, slots=True)
class SettlementBatch:
    acquirer: str
    batch_id: str
    settled_date: date
    gross_total: int
    fee_total: int
    mdr_bp: int  # merchant discount rate in basis points (30 = 0.3 %); 0 allowed
    net_credit: int
    members: tuple[SettlementMember, ...]
    flat_fee: int = 0  # per payment, on top of the rate (VA channels charge flat fees)

    @property
    def uid(self) -> str:
        return f"{self.acquirer}:{self.batch_id}"

    @property
    def member_refs(self) -> tuple[str, ...]:
        return tuple(m.reference for m in self.members)


@dataclass(frozen=True, slots=True)
class FeeToPost:
    """An acquirer fee the ledger must book as its own entry (expense against clearing)."""

    acquirer: str
    batch_id: str
    amount: int
    settled_date: date


# Not frozen, on purpose: a run builds one per payment (a million in the benchmark) and a frozen
# dataclass's __init__ costs about 5× more. Treat it as read-only like the other values.
@dataclass(slots=True)
class Match:
    rule: MatchRule
    amount: int  # rupiah credited or debited on the statement
    difference: int  # statement minus expected, within tolerance (0 for exact)
    callbacks: tuple[CallbackRecord, ...] = ()
    ledger: tuple[LedgerRecord, ...] = ()
    lines: tuple[StatementLine, ...] = ()
    batch: SettlementBatch | None = None

    @property
    def ledger_missing(self) -> bool:
        """A callback matched to the bank but never posted: the services must post it."""
        return bool(self.callbacks) and not self.ledger


@dataclass(frozen=True, slots=True)
class ReconException:
    type: ExceptionType
    amount: int  # the rupiah at stake (the difference for mismatches)
    as_of: date  # the Jakarta date the discrepancy arose, for ageing
    market: str | None = None
    detail: str = ""
    callbacks: tuple[CallbackRecord, ...] = ()
    ledger: tuple[LedgerRecord, ...] = ()
    lines: tuple[StatementLine, ...] = ()
    batch: SettlementBatch | None = None
    expected: int | None = None
    actual: int | None = None


@dataclass(frozen=True, slots=True)
class MatchResult:
    matches: tuple[Match, ...] = ()
    exceptions: tuple[ReconException, ...] = ()
    fees_to_post: tuple[FeeToPost, ...] = ()


def _require(ok: bool, message: str) -> None:
    # Refused at construction, so the matcher never meets a record it cannot order or date.
    if not ok:
        raise ValueError(message)


def local_date(moment: datetime) -> date:
    """The Jakarta calendar date of an aware datetime (a 23:58 payment stays on its day)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} has no timezone")
    return moment.astimezone(WIB).date()
