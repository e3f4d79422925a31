"""The ledger's use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.idempotency import IdempotencyKey, ReplayedFailure
from tests.conftest import VENDOR, FakeClock

GEDE = "PSR-GEDE"
RECEIVABLE = chart.market_receivable(GEDE, VENDOR).code
REVENUE = chart.retribution_revenue(GEDE).code
CLEARING = chart.bank_clearing(GEDE, "BNI").code
CREDIT = chart.vendor_credit(VENDOR).code


def draft(clock: FakeClock, debit: str, credit: str, amount: int, **kw: object) -> EntryDraft:
    fields: dict[str, object] = {
        "kind": EntryKind.STANDARD,
        "effective_at": clock(),
        "description": "test",
        "chain": GEDE,
        "postings": (Posting(debit, Side.DEBIT, amount), Posting(credit, Side.CREDIT, amount)),
    }
    fields.update(kw)
    return EntryDraft(**fields)  # type: ignore[arg-type]


def posted(books: Container, code: str) -> int:
    account = books.ledger_reader.balance(_finance(), code, None, False)
    return int(account["posted"])


def available(books: Container, code: str) -> int:
    return int(books.ledger_reader.balance(_finance(), code, None, False)["available"])


def _finance():  # type: ignore[no-untyped-def]
    from pasar_pay.domain.access import Principal, Role

    return Principal(key_id="test", role=Role.FINANCE)


def test_a_charge_and_a_payment_move_balances(books: Container, clock: FakeClock) -> None:
    books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 215_670))
    books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 200_000))
    assert posted(books, RECEIVABLE) == 15_670
    assert posted(books, REVENUE) == 215_670
    assert posted(books, CLEARING) == 200_000


def test_entries_chain_in_sequence_per_market(books: Container, clock: FakeClock) -> None:
    first = books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 1_000)).response["entries"][0]
    second = books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 2_000)).response["entries"][0]
    assert (first["chain"], second["chain"]) == (GEDE, GEDE)
    assert second["seq"] == first["seq"] + 1
    assert second["prev_hash"] == first["hash"]


@pytest.mark.parametrize(
    ("postings", "code"),
    [
        (
            (Posting(RECEIVABLE, Side.DEBIT, 100), Posting(REVENUE, Side.CREDIT, 99)),
            "entry_unbalanced",
        ),
        (
            (Posting(RECEIVABLE, Side.DEBIT, 0), Posting(REVENUE, Side.CREDIT, 0)),
            "amount_not_positive",
        ),
        (
            (Posting(RECEIVABLE, Side.DEBIT, -5), Posting(REVENUE, Side.CREDIT, -5)),
            "amount_not_positive",
        ),
        (
            (Posting(RECEIVABLE, Side.DEBIT, 1.5), Posting(REVENUE, Side.CREDIT, 1.5)),  # type: ignore[arg-type]
            "amount_not_integer",
        ),
        ((Posting(RECEIVABLE, Side.DEBIT, 100),), "entry_too_few_postings"),
        (
            (
                Posting("market:PSR-GEDE:receivable:V999999", Side.DEBIT, 100),
                Posting(REVENUE, Side.CREDIT, 100),
            ),
            "account_unknown",
        ),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(
    books: Container, clock: FakeClock, postings: tuple[Posting, ...], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 1, postings=postings))
    assert refused.value.code == code
    assert posted(books, RECEIVABLE) == 0
    assert books.ledger_reader.entries(_finance(), _no_filter(), None, 10).items == []


def _no_filter():  # type: ignore[no-untyped-def]
    from pasar_pay.services.ports import EntryFilter

    return EntryFilter()


def test_reversal_is_a_new_entry_linked_both_ways(books: Container, clock: FakeClock) -> None:
    original = books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 5_000)).response["entries"][0]
    reversal = books.ledger.reverse(original["id"], reason="billed twice by mistake")
    rev = reversal.response["entries"][0]
    assert rev["kind"] == "reversal"
    assert rev["reverses"] == original["id"]
    assert books.ledger_reader.entry(_finance(), original["id"])["reversed_by"] == rev["id"]
    assert posted(books, RECEIVABLE) == 0
    with pytest.raises(Conflict) as again:
        books.ledger.reverse(original["id"], reason="billed twice by mistake")
    assert again.value.code == "entry_already_reversed"


def test_reversing_a_reversal_restores_the_balance(books: Container, clock: FakeClock) -> None:
    original = books.ledger.post(draft(clock, RECEIVABLE, REVENUE, 7_000)).response["entries"][0]
    rev = books.ledger.reverse(original["id"], reason="mistake").response["entries"][0]
    books.ledger.reverse(rev["id"], reason="the mistake was not one")
    assert posted(books, RECEIVABLE) == 7_000


def test_a_vendor_credit_can_never_be_overdrawn(books: Container, clock: FakeClock) -> None:
    books.ledger.post(draft(clock, CLEARING, CREDIT, 10_000))  # overpayment kept as credit
    books.ledger.post(draft(clock, CREDIT, RECEIVABLE, 6_000))
    with pytest.raises(ValidationFailed) as refused:
        books.ledger.post(draft(clock, CREDIT, RECEIVABLE, 4_001))
    assert refused.value.code == "insufficient_balance"
    assert refused.value.details["shortfall"] == 1
    assert posted(books, CREDIT) == 4_000


def test_a_hold_is_posted_partly_once(books: Container, clock: FakeClock) -> None:
    books.ledger.post(draft(clock, CLEARING, CREDIT, 10_000))
    hold = books.ledger.post(
        draft(
            clock,
            CREDIT,
            RECEIVABLE,
            8_000,
            kind=EntryKind.PENDING,
            expires_at=clock() + timedelta(hours=1),
        )
    ).response["entries"][0]
    assert available(books, CREDIT) == 2_000
    assert posted(books, CREDIT) == 10_000
    books.ledger.post_pending(hold["id"], amounts=[5_000, 5_000])
    assert posted(books, CREDIT) == 5_000
    assert available(books, CREDIT) == 5_000  # the unposted 3,000 is released
    with pytest.raises(Conflict) as twice:
        books.ledger.void_pending(hold["id"], reason="too late")
    assert twice.value.code == "pending_already_resolved"


def test_a_hold_cannot_post_more_than_it_holds(books: Container, clock: FakeClock) -> None:
    books.ledger.post(draft(clock, CLEARING, CREDIT, 10_000))
    hold = books.ledger.post(
        draft(
            clock,
            CREDIT,
            RECEIVABLE,
            8_000,
            kind=EntryKind.PENDING,
            expires_at=clock() + timedelta(hours=1),
        )
    ).response["entries"][0]
    with pytest.raises(ValidationFailed) as refused:
        books.ledger.post_pending(hold["id"], amounts=[9_000, 9_000])
    assert refused.value.code == "pending_amount_exceeds_hold"


def test_an_expired_hold_cannot_be_posted_and_is_voided_by_the_sweeper(
    books: Container, clock: FakeClock
) -> None:
    books.ledger.post(draft(clock, CLEARING, CREDIT, 10_000))
    hold = books.ledger.post(
        draft(
            clock,
            CREDIT,
            RECEIVABLE,
            8_000,
            kind=EntryKind.PENDING,
            expires_at=clock() + timedelta(minutes=15),
        )
    ).response["entries"][0]
    clock.advance(minutes=16)
    with pytest.raises(Conflict) as expired:
        books.ledger.post_pending(hold["id"])
    assert expired.value.code == "pending_expired"
    assert books.ledger.expire_holds() == 1
    assert books.ledger.expire_holds() == 0
    assert available(books, CREDIT) == 10_000


def test_a_void_releases_the_hold(books: Container, clock: FakeClock) -> None:
    books.ledger.post(draft(clock, CLEARING, CREDIT, 10_000))
    hold = books.ledger.post(
        draft(
            clock,
            CREDIT,
            RECEIVABLE,
            10_000,
            kind=EntryKind.PENDING,
            expires_at=clock() + timedelta(hours=1),
        )
    ).response["entries"][0]
    assert available(books, CREDIT) == 0
    books.ledger.void_pending(hold["id"], reason="order cancelled")
    assert available(books, CREDIT) == 10_000
    with pytest.raises(NotFound):
        books.ledger.post_pending("no-such-hold")


def test_linked_batch_is_all_or_nothing(books: Container, clock: FakeClock) -> None:
    good = draft(clock, RECEIVABLE, REVENUE, 1_000)
    overdraw = draft(clock, CREDIT, RECEIVABLE, 1)
    with pytest.raises(ValidationFailed):
        books.ledger.post_batch([good, overdraw])
    assert posted(books, RECEIVABLE) == 0
    books.ledger.post_batch([good, draft(clock, CLEARING, RECEIVABLE, 1_000)])
    assert posted(books, CLEARING) == 1_000


def test_a_retry_with_another_effective_time_is_a_conflict(
    books: Container, clock: FakeClock
) -> None:
    key = IdempotencyKey("key:test", "payment-0001")
    books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 500), idem=key)
    clock.advance(seconds=5)
    with pytest.raises(Conflict) as conflict:
        books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 500), idem=key)
    assert conflict.value.details["fields"] == ["entries[0].effective_at"]
    assert posted(books, CLEARING) == 500


def test_same_key_same_request_replays(books: Container, clock: FakeClock) -> None:
    key = IdempotencyKey("key:test", "payment-0002")
    entry = draft(clock, CLEARING, RECEIVABLE, 500)
    first = books.ledger.post(entry, idem=key)
    second = books.ledger.post(entry, idem=key)
    assert second.replayed is True
    assert second.response == first.response
    assert posted(books, CLEARING) == 500


def test_same_key_different_request_names_the_fields(books: Container, clock: FakeClock) -> None:
    key = IdempotencyKey("key:test", "payment-0003")
    books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 500), idem=key)
    with pytest.raises(Conflict) as conflict:
        books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 600), idem=key)
    assert conflict.value.code == "idempotency_key_reused"
    assert conflict.value.details["fields"] == [
        "entries[0].postings[0].amount",
        "entries[0].postings[1].amount",
    ]


def test_a_remembered_failure_is_returned_again(books: Container, clock: FakeClock) -> None:
    key = IdempotencyKey("key:test", "spend-credit-1")
    spend = draft(clock, CREDIT, RECEIVABLE, 1_000)
    with pytest.raises(ValidationFailed):
        books.ledger.post(spend, idem=key)
    books.ledger.post(draft(clock, CLEARING, CREDIT, 5_000))  # now there would be enough
    with pytest.raises(ReplayedFailure) as replay:
        books.ledger.post(spend, idem=key)
    assert replay.value.code == "insufficient_balance"
    assert posted(books, CREDIT) == 5_000


def test_balances_as_of_effective_and_recorded_time(books: Container, clock: FakeClock) -> None:
    paid_at = clock()
    clock.advance(minutes=5)  # the callback arrives five minutes after the payment
    books.ledger.post(draft(clock, CLEARING, RECEIVABLE, 3_000, effective_at=paid_at))
    reader, me = books.ledger_reader, _finance()
    just_after_payment = paid_at + timedelta(minutes=1)
    by_effective = reader.balance(me, CLEARING, just_after_payment, by_recorded=False)
    by_recorded = reader.balance(me, CLEARING, just_after_payment, by_recorded=True)
    assert by_effective["posted"] == 3_000
    assert by_recorded["posted"] == 0
