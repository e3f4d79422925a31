"""A matching run: load what is still unmatched, run the pure matcher, persist its decisions.

Runs are serialised (`lock_matching`) and every matched item is claimed once (primary key), so
a repeated or concurrent run never matches or posts anything twice; an exception already
raised for the same items is recognised by its fingerprint. Acquirer fees of settled batches
are posted as their own ledger entries (fee expense against the market's clearing account).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, chain_for
from pasar_pay.domain.reconciliation import (
    WIB,
    CallbackRecord,
    LedgerRecord,
    Match,
    MatchConfig,
    ReconException,
    SettlementBatch,
    StatementLine,
    local_date,
    match,
)
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import Clock
from pasar_pay.services.recon.common import audit_row, record, require_market
from pasar_pay.services.recon.imports import exception_row
from pasar_pay.services.recon_ports import ExceptionFilter, ReconUnitOfWork, ReconUnitOfWorkFactory

MAX_RUN_DAYS = 62
RECON_PREFIX = "RECON:"


def line_item(line: StatementLine) -> str:
    return f"line:{line.bank}:{line.account}:{line.line_ref}"


def callback_item(cb: CallbackRecord) -> str:
    return f"callback:{cb.bank}:{cb.payment_id}"


def entry_item(rec: LedgerRecord) -> str:
    return f"entry:{rec.entry_id}"


def batch_item(batch: SettlementBatch) -> str:
    return f"batch:{batch.acquirer}:{batch.batch_id}"


def items_of(found: Match | ReconException) -> list[str]:
    items = [line_item(x) for x in found.lines]
    items += [callback_item(x) for x in found.callbacks]
    items += [entry_item(x) for x in found.ledger]
    if found.batch is not None:
        items.append(batch_item(found.batch))
    return items


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    matches: int
    new_exceptions: int
    known_exceptions: int
    fees_posted: int
    auto_resolved: int


class MatchingService:
    def __init__(
        self,
        uow_factory: ReconUnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        config: MatchConfig | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._config = config or MatchConfig()

    def run(self, caller: Principal | None, market: str | None, lo: date, hi: date) -> RunSummary:
        """Reconcile [lo, hi] (Jakarta dates) for one market, or every market (finance).

        `caller` None is the scheduler (system). Inputs reach one day either side, so a
        payment at 23:58 and its credit the next morning meet.
        """
        if caller is not None:
            if market is None:
                caller.require_role(Role.FINANCE)  # every market at once
            else:
                require_market(caller, market)
        if hi < lo or (hi - lo).days > MAX_RUN_DAYS:
            raise ValidationFailed(
                f"a run covers 1 to {MAX_RUN_DAYS + 1} days", code="run_range_invalid"
            )
        actor = caller.key_id if caller else None
        with self._uow() as uow:
            uow.recon.lock_matching()
            now = self._clock()
            run_id = str(uuid.uuid4())
            before, after = lo - timedelta(days=1), hi + timedelta(days=1)
            lines = uow.recon.open_lines(market, before, after)
            callbacks = uow.recon.open_callbacks(market, before, hi)
            ledger = uow.recon.open_ledger(market, before, hi)
            batches = uow.recon.open_batches(lo, after)
            result = match(lines, callbacks, ledger, batches, self._config)
            rules = uow.recon.fee_rules()
            account_market: dict[tuple[str, str], str | None] = {}
            for ln in lines:
                if (ln.bank, ln.account) not in account_market:
                    found_account = uow.recon.account(ln.bank, ln.account)
                    account_market[(ln.bank, ln.account)] = (
                        found_account.market if found_account else None
                    )
            line_market = {ln.uid: account_market[(ln.bank, ln.account)] for ln in lines}
            fees = 0
            match_rows: list[dict[str, Any]] = []
            audit_rows: list[dict[str, Any]] = []
            for found in result.matches:
                match_id = str(uuid.uuid4())
                items = items_of(found)
                market_of = _match_market(found, line_market)
                match_rows.append(
                    {
                        "id": match_id,
                        "run_id": run_id,
                        "rule": found.rule.value,
                        "market_code": market_of,
                        "day": _match_day(found),
                        "amount": found.amount,
                        "difference": found.difference,
                        "items": items,
                        "decided_by": None,
                        "created_at": now,
                    }
                )
                audit_rows.append(
                    audit_row(
                        now,
                        None,
                        "matched",
                        match_id=match_id,
                        rule=found.rule.value,
                        amount=found.amount,
                        difference=found.difference,
                        items=items,
                    )
                )
                if found.batch is not None:
                    rule = rules.get(found.batch.acquirer)
                    fallback = market_of or (rule.market if rule else None)
                    if self._post_fee(uow, found, fallback, now):
                        fees += 1
            uow.recon.add_matches(match_rows)  # and one claim per item: a claimed item refuses
            raised: set[str] = set()
            covered = {i for m in match_rows for i in m["items"]}
            exception_rows = []
            for exc in result.exceptions:
                items = items_of(exc)
                covered.update(items)
                market_of = exc.market or next(
                    (line_market.get(ln.uid) for ln in exc.lines if line_market.get(ln.uid)), None
                )
                row = exception_row(str(uuid.uuid4()), exc, items, market_of, run_id, now)
                raised.add(row["fingerprint"])
                exception_rows.append(row)
            inserted = uow.recon.add_exceptions(exception_rows)  # known fingerprints skipped
            for row in exception_rows:
                if row["id"] in inserted:
                    audit_rows.append(
                        audit_row(
                            now,
                            None,
                            "exception_raised",
                            exception_id=row["id"],
                            type=row["type"],
                            amount=row["amount"],
                            detail=row["detail"],
                            items=row["items"],
                        )
                    )
            uow.recon.audit_many(audit_rows)
            new, known = len(inserted), len(exception_rows) - len(inserted)
            resolved = _supersede(uow, market, covered, raised, run_id, now)
            uow.recon.add_run(
                {
                    "id": run_id,
                    "market_code": market,
                    "date_from": lo,
                    "date_to": hi,
                    "started_by": actor,
                    "started_at": now,
                    "matches": len(result.matches),
                    "exceptions": new,
                    "fees_posted": fees,
                }
            )
            uow.commit()
        return RunSummary(run_id, len(result.matches), new, known, fees, resolved)

    def _post_fee(
        self, uow: ReconUnitOfWork, found: Match, fallback: str | None, now: datetime
    ) -> bool:
        """The acquirer's fee as its own entry: expense up, the market's clearing down."""
        batch = found.batch
        assert batch is not None
        if batch.fee_total <= 0:
            return False  # 0 % MDR (payments to government): nothing to book
        market_by_ref: dict[str, str | None] = {}
        for cb in found.callbacks:
            for ref in (cb.reference_no, cb.qris_ref, cb.payment_id):
                if ref:
                    market_by_ref.setdefault(ref, cb.market)
        per_market: dict[str, int] = {}
        for member in batch.members:
            market = market_by_ref.get(member.reference) or fallback
            if market is None:
                raise ValidationFailed(
                    f"settlement {batch.batch_id}: cannot tell which market paid the fee",
                    code="fee_market_unknown",
                )
            per_market[market] = per_market.get(market, 0) + member.fee
        postings: list[Posting] = []
        specs = [chart.ACQUIRER_FEES]
        for market, fee in sorted(per_market.items()):
            if fee:
                clearing = chart.bank_clearing(market, batch.acquirer)
                specs.append(clearing)
                postings.append(Posting(chart.ACQUIRER_FEES.code, Side.DEBIT, fee))
                postings.append(Posting(clearing.code, Side.CREDIT, fee))
        if not postings:
            return False
        uow.ledger.open_accounts(specs, now)
        settled = datetime.combine(batch.settled_date, time(12), WIB).astimezone(UTC)
        entry = self._ledger.write(
            uow,
            [
                EntryDraft(
                    kind=EntryKind.STANDARD,
                    postings=tuple(postings),
                    effective_at=min(settled, now),
                    description=f"MDR {batch.acquirer} batch {batch.batch_id}"[:500],
                    chain=chain_for(specs),
                    reference=f"{RECON_PREFIX}FEE:{batch.acquirer}:{batch.batch_id}"[:120],
                    metadata={"recon": "acquirer_fee", "batch": batch.batch_id},
                )
            ],
        )[0]
        uow.recon.set_fee_entry(batch.acquirer, batch.batch_id, entry.id)
        record(
            uow,
            now,
            None,
            "fee_posted",
            entry=entry.id,
            acquirer=batch.acquirer,
            batch=batch.batch_id,
            fee=batch.fee_total,
        )
        return True


def _match_market(found: Match, line_market: dict[str, str | None]) -> str | None:
    for cb in found.callbacks:
        if cb.market:
            return cb.market
    for rec in found.ledger:
        if rec.market:
            return rec.market
    return next((m for ln in found.lines if (m := line_market.get(ln.uid))), None)


def _match_day(found: Match) -> date:
    """The day the money belongs to: the payment's Jakarta date, else the value date."""
    moments: list[date] = [local_date(cb.paid_at) for cb in found.callbacks]
    moments += [local_date(rec.effective_at) for rec in found.ledger]
    if found.batch is not None:
        moments.append(found.batch.settled_date)
    moments += [ln.value_date for ln in found.lines]
    return min(moments)


def _supersede(
    uow: ReconUnitOfWork,
    market: str | None,
    covered: set[str],
    raised: set[str],
    run_id: str,
    now: datetime,
) -> int:
    """Open exceptions whose items this run matched or re-classified are closed automatically
    (a credit that arrived late, a callback that turned into an amount mismatch)."""
    markets = frozenset({market}) if market is not None else None
    done = 0
    for row in _all_open(uow, markets):
        items = [i for i in row["items"] if not str(i).startswith(("statement:", "batch:"))]
        if not items or row["fingerprint"] in raised or not set(items) <= covered:
            continue
        uow.recon.update_exception(
            row["id"],
            {"status": "resolved", "reason": f"superseded by run {run_id}", "updated_at": now},
        )
        record(uow, now, None, "auto_resolved", exception_id=row["id"], run=run_id)
        done += 1
    return done


def _all_open(uow: ReconUnitOfWork, markets: frozenset[str] | None) -> Iterable[dict[str, Any]]:
    after: str | None = None
    while True:
        page = uow.recon.exceptions(ExceptionFilter(markets, "open"), after, 500)
        yield from page
        if len(page) < 500:
            return
        after = page[-1]["id"]
