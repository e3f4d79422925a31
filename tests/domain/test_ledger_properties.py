"""Invariants of the pure ledger: balance, reversal, canonical hashing, request diffs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.accounts import Side
from pasar_pay.domain.chain import ChainedEntry, canonical_bytes, link_hash
from pasar_pay.domain.idempotency import differing_fields
from pasar_pay.domain.ledger import (
    Balance,
    EntryKind,
    Posting,
    balance_effects,
    reversal_postings,
    validate_postings,
)

ACCOUNTS = [f"market:PSR-GEDE:receivable:V{n:06d}" for n in range(6)]
amounts = st.integers(min_value=1, max_value=10**12)


@st.composite
def balanced_postings(draw: st.DrawFn) -> tuple[Posting, ...]:
    """Any set of debits, with credits that split the same total differently."""
    debits = draw(st.lists(amounts, min_size=1, max_size=5))
    total = sum(debits)
    cuts = (
        sorted(draw(st.lists(st.integers(1, total - 1), max_size=4, unique=True)))
        if total > 1
        else []
    )
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    postings = [Posting(draw(st.sampled_from(ACCOUNTS)), Side.DEBIT, d) for d in debits]
    postings += [Posting(draw(st.sampled_from(ACCOUNTS)), Side.CREDIT, c) for c in credits]
    if len(postings) < 2:
        postings.append(Posting(ACCOUNTS[0], Side.CREDIT, 0))
    return tuple(draw(st.permutations(postings)))


def _net(effects: dict[str, Balance]) -> Counter[str]:
    net: Counter[str] = Counter()
    for account, b in effects.items():
        net[account] += b.posted_debits - b.posted_credits
    return net


@given(st.lists(balanced_postings(), min_size=1, max_size=8))
def test_any_batch_of_valid_entries_keeps_debits_equal_to_credits(
    batch: list[tuple[Posting, ...]],
) -> None:
    totals = Balance()
    for postings in batch:
        validate_postings(postings)
        for delta in balance_effects(EntryKind.STANDARD, postings).values():
            totals = totals + delta
    assert totals.posted_debits == totals.posted_credits


@given(balanced_postings())
def test_an_entry_and_its_reversal_cancel_out(postings: tuple[Posting, ...]) -> None:
    forward = _net(balance_effects(EntryKind.STANDARD, postings))
    back = _net(balance_effects(EntryKind.REVERSAL, reversal_postings(postings)))
    assert all(forward[a] + back[a] == 0 for a in set(forward) | set(back))


@given(balanced_postings())
def test_reversing_a_reversal_gives_back_the_original(postings: tuple[Posting, ...]) -> None:
    assert reversal_postings(reversal_postings(postings)) == postings


def _entry(postings: tuple[Posting, ...], description: str = "x") -> ChainedEntry:
    moment = datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=UTC)
    return ChainedEntry(
        entry_id="e1",
        chain="PSR-GEDE",
        seq=1,
        kind="standard",
        effective_at=moment,
        recorded_at=moment,
        description=description,
        reference=None,
        reverses=None,
        pending_id=None,
        expires_at=None,
        metadata={"b": "2", "a": "1"},
        postings=postings,
    )


@given(balanced_postings(), st.randoms())
def test_canonical_bytes_ignore_posting_order(postings: tuple[Posting, ...], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(postings)
    rnd.shuffle(shuffled)
    assert canonical_bytes(_entry(postings)) == canonical_bytes(_entry(tuple(shuffled)))


@given(balanced_postings(), st.text(max_size=40), st.text(max_size=40))
def test_different_content_gives_a_different_hash(
    postings: tuple[Posting, ...], a: str, b: str
) -> None:
    same = link_hash("0" * 64, _entry(postings, a)) == link_hash("0" * 64, _entry(postings, b))
    assert same == (a == b)


def test_canonical_bytes_are_stable_across_releases() -> None:
    """A pinned vector: changing the encoding would silently break every stored chain."""
    entry = _entry(
        (Posting(ACCOUNTS[0], Side.DEBIT, 215_670), Posting(ACCOUNTS[1], Side.CREDIT, 215_670))
    )
    assert link_hash("0" * 64, entry) == PINNED


PINNED = "eaa46ad60781969e0b105239f75927d53c245b3aeaf7d387258497f2bb00d629"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_a_request_never_differs_from_itself(value: object) -> None:
    assert differing_fields(value, value) == []


@given(json_values, json_values)
def test_requests_differ_exactly_when_unequal(a: object, b: object) -> None:
    assert (differing_fields(a, b) == []) == (a == b and type(a) is type(b))
