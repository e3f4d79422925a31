"""The three-way matcher: callback ↔ ledger entry ↔ statement line. Pure and deterministic.

Order of evidence, strongest first, each pass over all still-open items before the next:
  1. acquirer settlement batches (many payments → one net credit);
  2. keys with an exact amount: bank reference/RRN, VA number, QRIS reference, bill reference;
  3. the same keys where several credit lines sum to one payment (bank split the credit);
  4. the same keys with a different amount → amount_mismatch (claims the line so it is not
     reported twice);
  5. amount and date window (T+0..T+1 by default) as the last resort, never across a
     contradicting key.
Every input is sorted canonically first and every tie is broken by stable ids, so the same
inputs in any order give an identical result. Work is dict lookups per item: linear-ish.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from pasar_pay.domain.reconciliation.emit import emit
from pasar_pay.domain.reconciliation.extract import KeyKind
from pasar_pay.domain.reconciliation.fees import FeeRule
from pasar_pay.domain.reconciliation.model import (
    CallbackRecord,
    LedgerRecord,
    MatchResult,
    MatchRule,
    SettlementBatch,
    Side,
    StatementLine,
)
from pasar_pay.domain.reconciliation.settlement import BatchCheck, check_batch
from pasar_pay.domain.reconciliation.units import (
    KEY_ORDER,
    RULE_BY_KEY,
    Unit,
    build_units,
    canonical,
    flag_double_payments,
    line_keys,
)

AmountKey = tuple[str, int, date]  # (side, amount, value date)

# How many same-amount, same-day candidates the last-resort pass inspects for a key conflict
# before giving up: bounds the work on days with thousands of identical Rp 5,000 payments.
AMOUNT_SCAN_LIMIT = 64


@dataclass(frozen=True, slots=True)
class MatchConfig:
    tolerance: int = 0  # rupiah; |statement − expected| ≤ tolerance still matches
    window_before_days: int = 0  # a line may be dated this many days before the payment
    window_after_days: int = 1  # … or this many after (23:58 payment, credit next day)
    fee_rule: FeeRule = field(default_factory=FeeRule)

    def __post_init__(self) -> None:
        if self.tolerance < 0 or self.window_before_days < 0 or self.window_after_days < 0:
            raise ValueError("tolerance and windows must not be negative")


_DEFAULT = MatchConfig()


def match(
    lines: Iterable[StatementLine],
    callbacks: Iterable[CallbackRecord],
    ledger: Iterable[LedgerRecord],
    batches: Iterable[SettlementBatch] = (),
    config: MatchConfig = _DEFAULT,
) -> MatchResult:
    """Reconcile; every line, callback and ledger record ends in exactly one match or exception."""
    with _cyclic_gc_paused():
        return _match(lines, callbacks, ledger, batches, config)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause CPython's cycle collector for the run, restoring it after.

    The matcher allocates millions of small acyclic objects (units, index lists, matches);
    each allocation burst triggers full collections that rescan everything already built,
    which measured as ~40 % of the run. Nothing here forms a cycle, so nothing is leaked;
    reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _match(
    lines: Iterable[StatementLine],
    callbacks: Iterable[CallbackRecord],
    ledger: Iterable[LedgerRecord],
    batches: Iterable[SettlementBatch],
    config: MatchConfig,
) -> MatchResult:
    line_list = canonical(lines, "statement line")
    cb_list = canonical(callbacks, "callback")
    led_list = canonical(ledger, "ledger")
    batch_list = canonical(batches, "settlement batch")
    units = build_units(cb_list, led_list)
    flag_double_payments(units)
    state = _State(line_list, config)
    checks = [state.settle(b, units) for b in batch_list]
    open_units = [u for u in units if not u.in_batch]
    for mode in ("exact", "split", "mismatch"):
        open_units = state.key_pass(open_units, mode)
    state.amount_pass(open_units)
    return emit(line_list, units, batch_list, checks, state.consumed)


class _State:
    def __init__(self, lines: list[StatementLine], config: MatchConfig) -> None:
        self.lines = lines
        self.config = config
        self.consumed = [False] * len(lines)
        # One dict per key kind (in KEY_ORDER): value -> line indexes in canonical order.
        rrn: dict[str, list[int]] = {}
        va: dict[str, list[int]] = {}
        qris: dict[str, list[int]] = {}
        bill: dict[str, list[int]] = {}
        self.by_key = [rrn, va, qris, bill]  # in KEY_ORDER
        # Unrolled: this loop runs once per line and dominated the profile when generic.
        for i, line in enumerate(lines):
            if line.rrn:
                rrn.setdefault(line.rrn, []).append(i)
            # The bank's own line reference doubles as the payment reference at some banks.
            if line.line_ref != line.rrn:
                rrn.setdefault(line.line_ref, []).append(i)
            if line.va_number:
                va.setdefault(line.va_number, []).append(i)
            if line.qris_ref:
                qris.setdefault(line.qris_ref, []).append(i)
            if line.bill_ref:
                bill.setdefault(line.bill_ref, []).append(i)
        self._amount_cache: dict[AmountKey, list[int]] | None = None
        self._unit_by_ref: dict[str, Unit] | None = None
        self._amount_start: dict[AmountKey, int] = {}
        self.offsets = sorted(
            range(-config.window_before_days, config.window_after_days + 1),
            key=lambda d: (abs(d), d),
        )

    def _in_window(self, day: date, value_date: date) -> bool:
        delta = (value_date - day).days
        return -self.config.window_before_days <= delta <= self.config.window_after_days

    def settle(self, batch: SettlementBatch, units: list[Unit]) -> BatchCheck:
        if self._unit_by_ref is None:  # built once: a day may have hundreds of batches
            self._unit_by_ref = {}
            for u in units:
                cb = u.callback
                if cb is None:
                    continue
                for ref in (cb.reference_no, cb.qris_ref, cb.payment_id):
                    if ref:
                        self._unit_by_ref.setdefault(ref, u)
        check = check_batch(
            batch,
            self._unit_by_ref,
            self._batch_line,
            self.lines,
            self.config.fee_rule,
            self.config.tolerance,
        )
        if check.line is not None:
            self.consumed[check.line] = True
        return check

    def _batch_line(self, batch: SettlementBatch) -> int | None:
        """The batch's credit: by batch id in any key, else by net amount near the settled date."""
        for index in self.by_key:
            for i in index.get(batch.batch_id, ()):
                if not self.consumed[i] and self.lines[i].side is Side.CREDIT:
                    return i
        for off in self.offsets:
            day = batch.settled_date + timedelta(days=off)
            for i in self._amount_index().get((Side.CREDIT.value, batch.net_credit, day), ()):
                if not self.consumed[i]:
                    return i
        return None

    def _amount_index(self) -> dict[AmountKey, list[int]]:
        if self._amount_cache is None:
            index: dict[AmountKey, list[int]] = {}
            # Built on first use, from the lines still open: after the key passes that is
            # usually a small remainder.
            for i, line in enumerate(self.lines):
                if not self.consumed[i]:
                    key = (line.side.value, line.amount, line.value_date)
                    index.setdefault(key, []).append(i)
            self._amount_cache = index
        return self._amount_cache

    def key_pass(self, units: list[Unit], mode: str) -> list[Unit]:
        """One mode over every key kind in order; returns the units still open."""
        tol = self.config.tolerance
        lines, consumed = self.lines, self.consumed
        for pos, kind in enumerate(KEY_ORDER):
            index = self.by_key[pos]
            rule = RULE_BY_KEY[kind]
            windowed = kind is not KeyKind.RRN  # an RRN is unique; VA and bill refs recur
            for unit in units:
                value = unit.keys[pos]
                if unit.lines or value is None:
                    continue
                found = index.get(value)
                if found is None:
                    continue
                if mode == "exact" and len(found) == 1:  # the common case, without a list
                    i = found[0]
                    line = lines[i]
                    if (
                        not consumed[i]
                        and line.side is unit.side
                        and abs(line.amount - unit.expected) <= tol
                        and (not windowed or self._in_window(unit.day, line.value_date))
                    ):
                        self._claim(unit, (i,), rule)
                    continue
                cands = [
                    i
                    for i in found
                    if not consumed[i]
                    and lines[i].side is unit.side
                    and (not windowed or self._in_window(unit.day, lines[i].value_date))
                ]
                if not cands:
                    continue
                chosen: tuple[int, ...] = ()
                if mode == "exact":
                    chosen = next(
                        ((i,) for i in cands if abs(lines[i].amount - unit.expected) <= tol), ()
                    )
                elif mode == "split":
                    total = sum(lines[i].amount for i in cands)
                    if len(cands) > 1 and abs(total - unit.expected) <= tol:
                        chosen = tuple(cands)
                else:
                    # A reusable VA recurs on every payment: a line whose own reference
                    # contradicts the unit's is another payment, not this one credited wrong.
                    chosen = next(((i,) for i in cands if not _conflicts(unit, lines[i])), ())
                    unit.mismatch = bool(chosen)
                if chosen:
                    self._claim(unit, chosen, rule)
        return [u for u in units if not u.lines]

    def _claim(self, unit: Unit, chosen: tuple[int, ...], rule: MatchRule) -> None:
        for i in chosen:
            self.consumed[i] = True
        unit.lines = chosen
        unit.rule = rule

    def amount_pass(self, units: list[Unit]) -> None:
        index = self._amount_index()
        tol = self.config.tolerance
        amount_offsets = sorted(range(-tol, tol + 1), key=lambda d: (abs(d), d))
        for unit in units:
            if unit.lines:
                continue
            found = self._amount_candidate(unit, index, amount_offsets)
            if found is not None:
                self._claim(unit, (found,), MatchRule.AMOUNT_DATE)

    def _amount_candidate(
        self,
        unit: Unit,
        index: dict[AmountKey, list[int]],
        amount_offsets: list[int],
    ) -> int | None:
        for day_off in self.offsets:
            day = unit.day + timedelta(days=day_off)
            for amt_off in amount_offsets:
                key = (unit.side.value, unit.expected + amt_off, day)
                bucket = index.get(key)
                if not bucket:
                    continue
                # Skip the claimed prefix once and remember it, so a day with thousands of
                # identical amounts stays O(1) amortised per lookup.
                start = self._amount_start.get(key, 0)
                while start < len(bucket) and self.consumed[bucket[start]]:
                    start += 1
                self._amount_start[key] = start
                for i in bucket[start : start + AMOUNT_SCAN_LIMIT]:
                    if not self.consumed[i] and not _conflicts(unit, self.lines[i]):
                        return i
        return None


def _conflicts(unit: Unit, line: StatementLine) -> bool:
    """Both sides carry the same kind of key with different values: not the same payment."""
    return any(
        a is not None and b is not None and a != b
        for a, b in zip(unit.keys, line_keys(line), strict=True)
    )
