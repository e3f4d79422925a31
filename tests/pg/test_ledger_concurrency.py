"""Real concurrency on PostgreSQL: threads with their own connections racing the same rows."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from pasar_pay.adapters.db.tables import ledger_accounts, ledger_entries
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.idempotency import IdempotencyKey
from tests.conftest import MARKETS, VENDOR

pytestmark = pytest.mark.pg_only

CREDIT = chart.vendor_credit(VENDOR).code


def _draft(debit: str, credit: str, amount: int, chain: str = "PSR-GEDE") -> EntryDraft:
    return EntryDraft(
        kind=EntryKind.STANDARD,
        effective_at=datetime(2026, 11, 2, tzinfo=UTC),
        description="race",
        chain=chain,
        postings=(Posting(debit, Side.DEBIT, amount), Posting(credit, Side.CREDIT, amount)),
    )


def test_fifty_concurrent_posts_with_one_key_make_one_entry(
    books: Container, engine: Engine
) -> None:
    draft = _draft(
        chart.bank_clearing("PSR-GEDE", "BNI").code,
        chart.market_receivable("PSR-GEDE", VENDOR).code,
        215_670,
    )
    key = IdempotencyKey("key:bank", "paymentRequestId-0001")

    def attempt(_: int) -> tuple[bool, str]:
        outcome = books.ledger.post(draft, idem=key)
        return outcome.replayed, outcome.response["entries"][0]["id"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(attempt, range(50)))
    assert len({entry_id for _, entry_id in results}) == 1
    assert sum(1 for replayed, _ in results if not replayed) == 1
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(ledger_entries))
    assert count == 1


def test_concurrent_spending_never_overdraws_a_vendor_credit(
    books: Container, engine: Engine
) -> None:
    clearing = chart.bank_clearing("PSR-GEDE", "BNI").code
    receivable = chart.market_receivable("PSR-GEDE", VENDOR).code
    books.ledger.post(_draft(clearing, CREDIT, 10_000))

    def spend(_: int) -> bool:
        try:
            books.ledger.post(_draft(CREDIT, receivable, 500))
            return True
        except DomainError as error:
            assert error.code == "insufficient_balance"
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        succeeded = sum(pool.map(spend, range(40)))
    assert succeeded == 20
    with engine.connect() as connection:
        row = connection.execute(
            select(ledger_accounts.c.posted_debits, ledger_accounts.c.posted_credits).where(
                ledger_accounts.c.code == CREDIT
            )
        ).one()
    assert (row.posted_credits, row.posted_debits) == (10_000, 10_000)


def test_chains_verify_after_a_concurrent_run(books: Container) -> None:
    rng = random.Random(7)
    jobs = []
    for _ in range(200):
        market = rng.choice(MARKETS)
        jobs.append(
            _draft(
                chart.market_receivable(market, VENDOR).code,
                chart.retribution_revenue(market).code,
                rng.randint(1, 10**6),
                market,
            )
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(books.ledger.post, jobs))
    reports = books.verifier.verify(full=True)
    assert all(r.broken is None for r in reports)
    assert sum(r.head_seq for r in reports) == 200
