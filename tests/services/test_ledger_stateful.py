"""A stateful test: random operations against the real database and an in-memory model.

After every step, every account's four totals in the database equal the model's.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pasar_pay.adapters.db.engine import make_engine
from pasar_pay.config import Mode, Settings
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import Conflict, DomainError
from pasar_pay.domain.ledger import Balance, EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.idempotency import IdempotencyKey, ReplayedFailure
from pasar_pay.services.ports import MarketRecord
from tests.conftest import _TABLES, VENDOR, FakeClock

CREDIT = chart.vendor_credit(VENDOR).code  # guarded: may never be overdrawn
OTHERS = [
    chart.market_receivable("PSR-GEDE", VENDOR).code,
    chart.retribution_revenue("PSR-GEDE").code,
    chart.bank_clearing("PSR-GEDE", "BNI").code,
]
ACCOUNTS = [CREDIT, *OTHERS]


def test_the_ledger_behaves_like_its_model(migrated_url: str) -> None:
    backend = make_url(migrated_url).get_backend_name()

    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.tmp = Path(tempfile.mkdtemp())
            if backend == "sqlite":
                copy = self.tmp / "db.sqlite"
                shutil.copyfile(make_url(migrated_url).database or "", copy)
                self.engine = make_engine(f"sqlite:///{copy}")
            else:
                self.engine = make_engine(migrated_url, pool_size=2)
            self.clock = FakeClock()
            self.books = Container(
                Settings(mode=Mode.TEST, data_dir=self.tmp, database_url="unused"),
                clock=self.clock,
                engine_override=self.engine,
            )
            self.books.markets.load([MarketRecord(code="PSR-GEDE", name="Pasar Gede")])
            self.books.ledger.open_accounts(chart.vendor_accounts(VENDOR, ["PSR-GEDE"]))
            self.model = {code: Balance() for code in ACCOUNTS}
            self.holds: dict[str, tuple[str, str, int]] = {}
            self.keyed: dict[str, tuple[EntryDraft, dict[str, object] | str]] = {}
            self.counter = 0

        def teardown(self) -> None:
            self.engine.dispose()
            if backend == "postgresql":
                with self.engine.begin() as connection:
                    connection.execute(text("SET session_replication_role = replica"))
                    connection.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
                self.engine.dispose()
            shutil.rmtree(self.tmp, ignore_errors=True)

        # -- model helpers ------------------------------------------------------------------
        def _allowed(self, effects: dict[str, Balance]) -> bool:
            after = self.model[CREDIT] + effects.get(CREDIT, Balance())
            return after.posted_debits + after.pending_debits <= after.posted_credits

        def _apply(self, effects: dict[str, Balance]) -> None:
            for code, delta in effects.items():
                self.model[code] = self.model[code] + delta

        def _draft(self, debit: str, credit: str, amount: int, kind: EntryKind) -> EntryDraft:
            return EntryDraft(
                kind=kind,
                effective_at=self.clock(),
                description="stateful",
                chain="PSR-GEDE",
                postings=(Posting(debit, Side.DEBIT, amount), Posting(credit, Side.CREDIT, amount)),
                expires_at=self.clock() + timedelta(days=1) if kind is EntryKind.PENDING else None,
            )

        @staticmethod
        def _effects(draft: EntryDraft) -> dict[str, Balance]:
            from pasar_pay.domain.ledger import balance_effects

            return balance_effects(draft.kind, draft.postings)

        # -- rules --------------------------------------------------------------------------
        @rule(
            pair=st.permutations(ACCOUNTS).map(lambda p: (p[0], p[1])),
            amount=st.integers(1, 5_000),
            keyed=st.booleans(),
            hold=st.booleans(),
        )
        def post(self, pair: tuple[str, str], amount: int, keyed: bool, hold: bool) -> None:
            kind = EntryKind.PENDING if hold else EntryKind.STANDARD
            draft = self._draft(pair[0], pair[1], amount, kind)
            effects = self._effects(draft)
            self.counter += 1
            key = f"op-{self.counter:06d}" if keyed else None
            idem = IdempotencyKey("key:model", key) if key else None
            try:
                outcome = self.books.ledger.post(draft, idem=idem)
            except DomainError as error:
                assert error.code == "insufficient_balance"
                assert not self._allowed(effects)
                if key:
                    self.keyed[key] = (draft, error.code)
                return
            assert self._allowed(effects)
            self._apply(effects)
            entry = outcome.response["entries"][0]
            if hold:
                self.holds[entry["id"]] = (pair[0], pair[1], amount)
            if key:
                self.keyed[key] = (draft, outcome.response)

        @precondition(lambda self: bool(self.holds))
        @rule(data=st.data(), fraction=st.integers(1, 100))
        def post_hold(self, data: st.DataObject, fraction: int) -> None:
            hold_id = data.draw(st.sampled_from(sorted(self.holds)))
            debit, credit, amount = self.holds.pop(hold_id)
            settle = max(1, amount * fraction // 100)
            release = Balance(pending_debits=-amount)
            self.books.ledger.post_pending(hold_id, amounts=[settle, settle])
            self._apply({debit: release, credit: Balance(pending_credits=-amount)})
            self._apply(
                {debit: Balance(posted_debits=settle), credit: Balance(posted_credits=settle)}
            )

        @precondition(lambda self: bool(self.holds))
        @rule(data=st.data())
        def void_hold(self, data: st.DataObject) -> None:
            hold_id = data.draw(st.sampled_from(sorted(self.holds)))
            debit, credit, amount = self.holds.pop(hold_id)
            self.books.ledger.void_pending(hold_id, reason="model")
            self._apply(
                {debit: Balance(pending_debits=-amount), credit: Balance(pending_credits=-amount)}
            )
            with pytest.raises(Conflict):
                self.books.ledger.void_pending(hold_id, reason="twice")

        @precondition(lambda self: bool(self.keyed))
        @rule(data=st.data())
        def replay(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(sorted(self.keyed)))
            draft, remembered = self.keyed[key]
            idem = IdempotencyKey("key:model", key)
            if isinstance(remembered, str):
                with pytest.raises(ReplayedFailure) as replay:
                    self.books.ledger.post(draft, idem=idem)
                assert replay.value.code == remembered
            else:
                outcome = self.books.ledger.post(draft, idem=idem)
                assert outcome.replayed
                assert outcome.response == remembered

        @precondition(lambda self: bool(self.keyed))
        @rule(data=st.data())
        def conflicting_replay(self, data: st.DataObject) -> None:
            key = data.draw(st.sampled_from(sorted(self.keyed)))
            draft, _ = self.keyed[key]
            first = draft.postings[0]
            other = self._draft(
                first.account, draft.postings[1].account, first.amount + 1, draft.kind
            )
            with pytest.raises(Conflict) as conflict:
                self.books.ledger.post(other, idem=IdempotencyKey("key:model", key))
            assert conflict.value.code == "idempotency_key_reused"

        @invariant()
        def balances_match_the_model(self) -> None:
            with self.books.uow() as uow:
                stored = uow.ledger.get_accounts(ACCOUNTS)
            assert {code: stored[code].balance for code in ACCOUNTS} == self.model

    run = settings(
        max_examples=12,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(LedgerMachine, settings=run)
