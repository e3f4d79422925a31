"""Payment units: a callback and the ledger entry posted from it, reconciled as one thing.

Pairing callbacks with ledger entries first turns the three-way match into a two-way one
(unit ↔ statement lines) and makes "the ledger disagrees with the callback" a local check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.reconciliation.extract import KeyKind
from pasar_pay.domain.reconciliation.model import (
    CallbackRecord,
    Channel,
    ExceptionType,
    LedgerKind,
    LedgerRecord,
    MatchRule,
    Side,
    StatementLine,
    local_date,
)

KEY_ORDER: tuple[KeyKind, ...] = (
    KeyKind.RRN,
    KeyKind.VA_NUMBER,
    KeyKind.QRIS_REF,
    KeyKind.BILL_REF,
)
RULE_BY_KEY: dict[KeyKind, MatchRule] = {
    KeyKind.RRN: MatchRule.BANK_REFERENCE,
    KeyKind.VA_NUMBER: MatchRule.VA_NUMBER,
    KeyKind.QRIS_REF: MatchRule.QRIS_REFERENCE,
    KeyKind.BILL_REF: MatchRule.BILL_REFERENCE,
}
Keys = tuple[str | None, str | None, str | None, str | None]  # in KEY_ORDER


@dataclass(slots=True, eq=False)
class Unit:
    moment: datetime  # when the payment / entry happened
    expected: int  # what the statement should show
    side: Side
    keys: Keys
    callback: CallbackRecord | None = None
    ledger: LedgerRecord | None = None
    flag: ExceptionType | None = None  # decided before matching (double payment, ledger drift)
    flag_detail: str = ""
    lines: tuple[int, ...] = ()  # indexes into the canonical line list
    rule: MatchRule | None = None
    mismatch: bool = False  # matched by key but the amount is off by more than the tolerance
    in_batch: bool = False
    _day: date | None = None

    @property
    def day(self) -> date:
        """Jakarta date, computed on demand: most units match by RRN and never need it."""
        if self._day is None:
            self._day = local_date(self.moment)
        return self._day

    @property
    def is_cash(self) -> bool:
        return (
            self.callback is None
            and self.ledger is not None
            and (self.ledger.kind is LedgerKind.CASH_DEPOSIT)
        )

    @property
    def market(self) -> str | None:
        if self.callback is not None and self.callback.market:
            return self.callback.market
        return self.ledger.market if self.ledger is not None else None


class _HasUid(Protocol):
    @property
    def uid(self) -> str: ...


T = TypeVar("T", bound=_HasUid)


def canonical(items: Iterable[T], what: str) -> list[T]:
    """Distinct records sorted by id: the order every later step relies on.

    Identical repeats collapse (re-imports, re-sent callbacks); the same id with other data is
    refused, because keeping either one would make the result depend on input order.
    """
    given = list(items)
    uids = [item.uid for item in given]
    seen = dict(zip(uids, given, strict=True))  # the last of each id wins...
    if len(seen) != len(given):  # ...so with repeats, check they are all identical
        for uid, item in zip(uids, given, strict=True):
            if seen[uid] != item:
                raise ValidationFailed(
                    f"two different {what} records share the id {uid}",
                    code="recon_conflicting_duplicate",
                    record_id=uid,
                )
    return [seen[uid] for uid in sorted(seen)]


def line_keys(line: StatementLine) -> Keys:
    return (line.rrn, line.va_number, line.qris_ref, line.bill_ref)


def build_units(callbacks: list[CallbackRecord], ledger: list[LedgerRecord]) -> list[Unit]:
    """Pair each callback with its ledger entry (by payment id, else by RRN); the rest stand alone.

    `callbacks` and `ledger` must already be in canonical order: the first unused candidate wins.
    The units come out in that order too: callbacks, then unpaired entries.
    """
    # One entry per payment id is the rule; repeats (should not happen) wait in `extra`.
    # Keeping singles out of lists saves a list per payment on a million-row run.
    by_payment: dict[str, LedgerRecord] = {}
    extra: dict[str, list[LedgerRecord]] = {}
    by_rrn: dict[str, list[LedgerRecord]] = {}
    for rec in ledger:
        if rec.kind is not LedgerKind.PAYMENT:
            continue
        if rec.payment_id:
            if by_payment.setdefault(rec.payment_id, rec) is not rec:
                extra.setdefault(rec.payment_id, []).append(rec)
        elif rec.reference_no:
            by_rrn.setdefault(rec.reference_no, []).append(rec)
    used: set[str] = set()
    units: list[Unit] = []
    for cb in callbacks:
        entry = None
        first = by_payment.get(cb.payment_id)
        if first is not None:
            if first.entry_id not in used and (first.bank is None or first.bank == cb.bank):
                used.add(first.entry_id)
                entry = first
            else:
                entry = _take(extra.get(cb.payment_id), cb.bank, used)
        if entry is None and cb.reference_no:
            entry = _take(by_rrn.get(cb.reference_no), cb.bank, used)
        units.append(_callback_unit(cb, entry))
    units.extend(_ledger_unit(rec) for rec in ledger if rec.entry_id not in used)
    return units


def _take(cands: list[LedgerRecord] | None, bank: str, used: set[str]) -> LedgerRecord | None:
    for rec in cands or ():
        if rec.entry_id not in used and (rec.bank is None or rec.bank == bank):
            used.add(rec.entry_id)
            return rec
    return None


def _callback_unit(cb: CallbackRecord, entry: LedgerRecord | None) -> Unit:
    e = entry
    keys: Keys = (
        cb.reference_no or (e.reference_no if e else None),
        cb.va_number or (e.va_number if e else None),
        cb.qris_ref or (e.qris_ref if e else None),
        cb.bill_ref or (e.bill_ref if e else None),
    )
    # Positional: this runs once per callback and keyword passing is measurably slower.
    unit = Unit(cb.paid_at, cb.gross_amount - cb.fee, Side.CREDIT, keys, cb, entry)
    if entry is not None and entry.amount != cb.gross_amount:
        unit.flag = ExceptionType.AMOUNT_MISMATCH
        unit.flag_detail = f"ledger booked {entry.amount}, callback paid {cb.gross_amount}"
    return unit


def _ledger_unit(rec: LedgerRecord) -> Unit:
    return Unit(
        moment=rec.effective_at,
        expected=rec.amount,
        side=Side.DEBIT if rec.kind is LedgerKind.PAYOUT else Side.CREDIT,
        keys=(rec.reference_no, rec.va_number, rec.qris_ref, rec.bill_ref),
        ledger=rec,
    )


_ONLY = {c: frozenset((c,)) for c in Channel}  # shared: one set per bill would cost millions


def flag_double_payments(units: list[Unit]) -> None:
    """A bill paid on a second channel is a refund case, not a second "paid".

    Within a bill, payments are taken in payment-time order: the first is the legitimate one;
    a later one on a channel other than an earlier one is flagged. VA after QRIS gets its own
    type: the sibling VA should have been closed when the QRIS payment landed.
    """
    by_bill: dict[str, Unit | list[Unit]] = {}
    for unit in units:
        cb = unit.callback
        if cb is None or not cb.bill_ref:
            continue
        prior = by_bill.setdefault(cb.bill_ref, unit)
        if isinstance(prior, list):
            prior.append(unit)
        elif prior is not unit:
            by_bill[cb.bill_ref] = [prior, unit]
    for group in by_bill.values():
        if isinstance(group, list):
            _flag_bill(
                sorted(group, key=lambda u: (u.moment, u.callback.uid if u.callback else ""))
            )


def _flag_bill(group: list[Unit]) -> None:
    channels: frozenset[Channel] = frozenset()
    for unit in group:
        cb = unit.callback
        assert cb is not None
        if channels - _ONLY[cb.channel]:
            va_late = cb.channel is Channel.VA and Channel.QRIS in channels
            unit.flag = ExceptionType.VA_OPEN_AFTER_QRIS if va_late else ExceptionType.PAID_TWICE
            earlier = ", ".join(sorted(c.value for c in channels))
            unit.flag_detail = f"bill {cb.bill_ref} already paid by {earlier}"
        channels = channels | _ONLY[cb.channel]
