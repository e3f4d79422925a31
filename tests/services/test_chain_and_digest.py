"""Hash chains verify, tampering behind the application's back is found at the right sequence
number, and the daily digest of chain heads is signed and checkable with the public key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import Engine, text

from pasar_pay.adapters.crypto.ed25519 import Ed25519Checker
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from tests.conftest import VENDOR, FakeClock


def _charge(books: Container, clock: FakeClock, market: str, amount: int) -> dict[str, object]:
    draft = EntryDraft(
        kind=EntryKind.STANDARD,
        effective_at=clock(),
        description=f"charge {amount}",
        chain=market,
        postings=(
            Posting(chart.market_receivable(market, VENDOR).code, Side.DEBIT, amount),
            Posting(chart.retribution_revenue(market).code, Side.CREDIT, amount),
        ),
    )
    return dict(books.ledger.post(draft).response["entries"][0])


@contextmanager
def triggers_off(engine: Engine) -> Iterator[None]:
    """What an attacker with database access would do first."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE ledger_postings DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER trg_ledger_postings_no_update"))
    try:
        yield
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ALTER TABLE ledger_postings ENABLE TRIGGER USER"))


def test_untouched_chains_verify(books: Container, clock: FakeClock) -> None:
    for amount in (100, 200, 300):
        _charge(books, clock, "PSR-GEDE", amount)
    _charge(books, clock, "PSR-LEGI", 50)
    reports = {r.chain: r for r in books.verifier.verify(full=True)}
    assert all(r.broken is None for r in reports.values())
    assert (reports["PSR-GEDE"].head_seq, reports["PSR-LEGI"].head_seq) == (3, 1)


def test_a_changed_amount_is_reported_at_its_sequence_number(
    books: Container, clock: FakeClock, engine: Engine
) -> None:
    entries = [_charge(books, clock, "PSR-GEDE", amount) for amount in (100, 200, 300, 400)]
    target = entries[2]
    with triggers_off(engine), engine.begin() as connection:
        connection.execute(
            text("UPDATE ledger_postings SET amount = 30 WHERE entry_id = :id"),
            {"id": target["id"]},
        )
    report = books.verifier.verify(full=True, chain="PSR-GEDE")[0]
    assert report.broken is not None
    assert report.broken.seq == 3
    assert "content" in report.broken.reason


def test_incremental_verify_starts_from_the_last_verified_head(
    books: Container, clock: FakeClock
) -> None:
    for amount in (1, 2, 3):
        _charge(books, clock, "PSR-GEDE", amount)
    assert books.verifier.verify(full=False, chain="PSR-GEDE")[0].checked == 3
    _charge(books, clock, "PSR-GEDE", 4)
    again = books.verifier.verify(full=False, chain="PSR-GEDE")[0]
    assert (again.checked, again.head_seq, again.broken) == (1, 4, None)


def test_the_daily_digest_is_signed_and_verifiable(books: Container, clock: FakeClock) -> None:
    _charge(books, clock, "PSR-GEDE", 100)
    clock.advance(days=1)
    digest = books.digests.publish(date(2026, 11, 2))
    assert '"PSR-GEDE":{"hash"' in digest.document
    checker = Ed25519Checker()
    assert checker.verify(digest.public_key, digest.document.encode(), digest.signature)
    forged = digest.document.replace('"seq":1', '"seq":2')
    assert not checker.verify(digest.public_key, forged.encode(), digest.signature)
    assert books.digests.publish(date(2026, 11, 2)).signature == digest.signature


def test_a_day_cannot_be_digested_before_it_ends(books: Container) -> None:
    with pytest.raises(ValidationFailed) as refused:
        books.digests.publish(date(2026, 11, 2))
    assert refused.value.code == "day_not_ended"
