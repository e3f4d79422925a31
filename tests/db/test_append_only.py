"""The database itself refuses to change or delete ledger rows, or to seal an unbalanced entry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from pasar_pay.adapters.db.tables import ledger_accounts, ledger_entries, ledger_postings
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.chain import GENESIS_HASH
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.idempotency import IdempotencyKey
from tests.conftest import VENDOR

RECEIVABLE = chart.market_receivable("PSR-GEDE", VENDOR).code
REVENUE = chart.retribution_revenue("PSR-GEDE").code


def _post(books: Container) -> str:
    outcome = books.ledger.post(
        EntryDraft(
            kind=EntryKind.STANDARD,
            effective_at=datetime.now(UTC),
            description="charge",
            chain="PSR-GEDE",
            postings=(Posting(RECEIVABLE, Side.DEBIT, 1_000), Posting(REVENUE, Side.CREDIT, 1_000)),
        ),
        idem=IdempotencyKey("test", "k1"),
    )
    return str(outcome.response["entries"][0]["id"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_postings SET amount = amount + 1",
        "DELETE FROM ledger_postings",
        "UPDATE ledger_entries SET description = 'edited'",
        "DELETE FROM ledger_entries",
        "UPDATE idempotency_keys SET outcome = 'failed'",
        "DELETE FROM idempotency_keys",
    ],
)
def test_ledger_rows_cannot_be_changed(books: Container, engine: Engine, statement: str) -> None:
    _post(books)
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as connection:
        connection.execute(text(statement))


def _ids(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        ids = dict(connection.execute(select(ledger_accounts.c.code, ledger_accounts.c.id)).all())
    return ids[RECEIVABLE], ids[REVENUE]


def _entry_row(entry_id: str, total: int, count: int = 2) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": entry_id,
        "chain": "PSR-GEDE",
        "seq": 99,
        "kind": "standard",
        "effective_at": now,
        "recorded_at": now,
        "description": "sneaky",
        "metadata": {},
        "posting_count": count,
        "total": total,
        "prev_hash": GENESIS_HASH,
        "entry_hash": GENESIS_HASH,
    }


def test_an_unbalanced_entry_cannot_be_sealed(books: Container, engine: Engine) -> None:
    debit_id, credit_id = _ids(engine)
    entry_id = str(uuid.uuid4())
    with engine.connect() as connection:
        connection.begin()
        connection.execute(
            insert(ledger_postings),
            [
                {"entry_id": entry_id, "account_id": debit_id, "side": "debit", "amount": 100},
                {"entry_id": entry_id, "account_id": credit_id, "side": "credit", "amount": 90},
            ],
        )
        with pytest.raises(DBAPIError, match="unbalanced"):
            connection.execute(insert(ledger_entries), [_entry_row(entry_id, 100)])
        connection.rollback()


def test_postings_without_their_entry_cannot_be_committed(books: Container, engine: Engine) -> None:
    debit_id, credit_id = _ids(engine)
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(
            insert(ledger_postings),
            [
                {"entry_id": "orphan", "account_id": debit_id, "side": "debit", "amount": 5},
                {"entry_id": "orphan", "account_id": credit_id, "side": "credit", "amount": 5},
            ],
        )


def test_no_posting_can_join_a_sealed_entry(books: Container, engine: Engine) -> None:
    entry_id = _post(books)
    debit_id, _ = _ids(engine)
    with pytest.raises(DBAPIError, match="sealed"), engine.begin() as connection:
        connection.execute(
            insert(ledger_postings),
            [
                {"entry_id": entry_id, "account_id": debit_id, "side": "debit", "amount": 5},
            ],
        )
