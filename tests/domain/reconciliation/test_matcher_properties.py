"""Properties of the matcher over generated worlds with deliberately colliding keys."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.reconciliation import (
    WIB,
    CallbackRecord,
    Channel,
    LedgerKind,
    LedgerRecord,
    MatchConfig,
    MatchResult,
    SettlementBatch,
    SettlementMember,
    Side,
    StatementLine,
    match,
)

# Small pools so that keys, amounts and days collide often: that is where order could leak.
KEYS = st.one_of(st.none(), st.sampled_from(["K1", "K2", "K3", "K4"]))
AMOUNTS = st.sampled_from([5_000, 5_001, 7_500, 10_000, 215_670])
DAYS = st.integers(min_value=14, max_value=17)
World = tuple[list[StatementLine], list[CallbackRecord], list[LedgerRecord],
              list[SettlementBatch]]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    lines: list[StatementLine] = []
    callbacks: list[CallbackRecord] = []
    ledger: list[LedgerRecord] = []
    for i in range(draw(st.integers(0, 12))):
        amount = draw(AMOUNTS)
        paid = datetime(2025, 1, draw(DAYS), draw(st.integers(0, 23)), tzinfo=WIB)
        rrn, va, bill = draw(KEYS), draw(KEYS), draw(st.sampled_from([None, "RET-A", "RET-B"]))
        channel = draw(st.sampled_from(list(Channel)))
        callbacks.append(CallbackRecord("BNI", f"P{i}", channel, amount, paid, rrn, va, None,
                                        bill, draw(st.sampled_from([0, 0, 15]))))
        if draw(st.booleans()):
            booked = amount + draw(st.sampled_from([0, 0, 1, -1, 500]))
            ledger.append(LedgerRecord(f"E{i}", booked, paid, LedgerKind.PAYMENT, f"P{i}",
                                       "BNI", rrn))
        shape = draw(st.sampled_from(["one", "one", "split", "none", "drift"]))
        day = paid.date() + timedelta(days=draw(st.integers(0, 2)))
        if shape == "split":
            lines.append(_line(f"L{i}a", amount // 2, day, rrn, va, bill))
            lines.append(_line(f"L{i}b", amount - amount // 2, day, rrn, va, bill))
        elif shape != "none":
            drift = 3 if shape == "drift" else 0
            lines.append(_line(f"L{i}", amount - drift, day, draw(KEYS), draw(KEYS), bill))
    for j in range(draw(st.integers(0, 5))):  # orphans, debits, cash, payouts
        day = date(2025, 1, draw(DAYS))
        side = draw(st.sampled_from(list(Side)))
        lines.append(_line(f"X{j}", draw(AMOUNTS), day, draw(KEYS), None, None, side))
        kind = draw(st.sampled_from(list(LedgerKind)))
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=WIB)
        ledger.append(LedgerRecord(f"C{j}", draw(AMOUNTS), moment, kind, None, "BNI",
                                   draw(KEYS)))
    batches: list[SettlementBatch] = []
    use_batch: bool = draw(st.booleans())
    if callbacks and use_batch:
        picked: list[CallbackRecord] = draw(st.lists(
            st.sampled_from(callbacks), min_size=1, max_size=4, unique_by=lambda c: c.payment_id
        ))
        members = tuple(SettlementMember(c.payment_id, c.gross_amount, 0) for c in picked)
        gross = sum(m.gross for m in members)
        batches.append(SettlementBatch("ACQ", "B1", date(2025, 1, 17), gross, 0, 0, gross,
                                       members))
        if draw(st.booleans()):
            lines.append(_line("S1", gross, date(2025, 1, 17), "B1", None, None))
    return lines, callbacks, ledger, batches


def _line(ref: str, amount: int, day: date, rrn: str | None, va: str | None,
          bill: str | None, side: Side = Side.CREDIT) -> StatementLine:
    return StatementLine("BNI", "001", ref, day, amount, side, "", None, rrn, va, None, bill)


CONFIGS = st.builds(MatchConfig, tolerance=st.sampled_from([0, 1]),
                    window_before_days=st.integers(0, 1), window_after_days=st.integers(0, 2))


@settings(max_examples=150, deadline=None)
@given(worlds(), CONFIGS, st.randoms(use_true_random=False))
def test_input_order_never_changes_the_result(world: World, config: MatchConfig,
                                              rnd: random.Random) -> None:
    lines, callbacks, ledger, batches = world
    expected = match(lines, callbacks, ledger, batches, config)
    for items in (lines, callbacks, ledger, batches):
        rnd.shuffle(items)
    # Re-sent duplicates are part of "any order" too: they must collapse, not count.
    assert match(lines + lines[:2], callbacks[::-1] + callbacks[:1], ledger, batches,
                 config) == expected


@settings(max_examples=150, deadline=None)
@given(worlds(), CONFIGS)
def test_every_item_has_exactly_one_home(world: World, config: MatchConfig) -> None:
    lines, callbacks, ledger, batches = world
    result = match(lines, callbacks, ledger, batches, config)
    homes = _homes(result)
    assert homes["line"] == Counter({ln.uid: 1 for ln in lines})
    assert homes["callback"] == Counter({c.uid: 1 for c in callbacks})
    assert homes["ledger"] == Counter({r.uid: 1 for r in ledger})
    for m in result.matches:
        if m.batch is None:  # a one-to-one or split match stays inside the tolerance
            assert abs(m.difference) <= config.tolerance
            assert m.amount == sum(ln.amount for ln in m.lines)
    for e in result.exceptions:
        assert e.amount >= 0


def _homes(result: MatchResult) -> dict[str, Counter[str]]:
    homes: dict[str, Counter[str]] = {"line": Counter(), "callback": Counter(),
                                      "ledger": Counter()}
    groups = [(m.lines, m.callbacks, m.ledger) for m in result.matches]
    groups += [(e.lines, e.callbacks, e.ledger) for e in result.exceptions]
    for lines, callbacks, ledger in groups:
        homes["line"].update(ln.uid for ln in lines)
        homes["callback"].update(c.uid for c in callbacks)
        homes["ledger"].update(r.uid for r in ledger)
    return homes
