"""Tariffs and billing runs: one bill per stall and period, posted to the ledger in batches.

A run is idempotent: bills are unique per (stall, period start) and only newly inserted bills
get a receivable entry, in the same transaction, so two runs (even concurrent) bill once.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import zip_longest
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.bill_calc import (
    BillComputation,
    TradingCalendar,
    TradingDayPolicy,
    compute_bill,
)
from pasar_pay.domain.billing.days_off import TradingCalendars
from pasar_pay.domain.billing.due_dates import DEFAULT_DUE_RULE, DueDateRule, due_date
from pasar_pay.domain.billing.periods import Cadence, month_end, split_periods
from pasar_pay.domain.billing.tariffs import (
    StallType,
    TariffBook,
    TariffVersion,
    market_class_from_registry,
    perda_5_2016_tariffs,
)
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.services.digest import JAKARTA
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import Billable, BillRow, Clock, UnitOfWorkFactory

CHUNK = 1000
# A daily run over many days makes many bills per stall: fewer stalls per transaction then,
# so a year of daily bills commits ~31,000 bills at a time, not 365,000.
BILLS_PER_TRANSACTION = 31_000
Progress = Callable[[int], None]
# stall type, class, area, period, and the days off that shape it (usually none)
_MemoKey = tuple[str, str | None, int, date, date, frozenset[date], frozenset[date]]


def computation_json(comp: BillComputation) -> dict[str, Any]:
    """What the vendor sees: every line of how the amount was reached."""
    return {
        "stall_type": comp.stall_type.value,
        "market_class": comp.market_class.value,
        "area_cm2": comp.area.cm2,
        "first": comp.first.isoformat(),
        "last": comp.last.isoformat(),
        "charged_days": comp.charged_days,
        "lines": [
            {
                "component": line.component.value,
                "first": line.first.isoformat(),
                "last": line.last.isoformat(),
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "legal_basis": line.legal_basis,
                "to_verify": line.to_verify,
            }
            for line in comp.lines
        ],
        "total": comp.total,
        "explanation": comp.breakdown(),
    }


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), JAKARTA)


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: str
    considered: int
    created: int
    amount: int
    skipped_inactive: int


class BillingService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        due_rule: DueDateRule = DEFAULT_DUE_RULE,
        trading_policy: TradingDayPolicy = TradingDayPolicy.EVERY_DAY,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._due_rule = due_rule
        self._policy = trading_policy

    # -- tariffs ------------------------------------------------------------------------------
    def seed_tariffs(self) -> int:
        """Load the Perda 5/2016 seed (kios/los values marked to verify); safe to repeat."""
        with self._uow() as uow:
            created = uow.billing.add_tariffs(perda_5_2016_tariffs().versions(), self._clock())
            uow.commit()
        return created

    def tariffs(self) -> list[TariffVersion]:
        with self._uow() as uow:
            return uow.billing.tariff_versions()

    def add_tariff(self, caller: Principal, version: TariffVersion) -> None:
        caller.require_role(Role.FINANCE)
        with self._uow() as uow:
            TariffBook(uow.billing.tariff_versions()).with_version(version)  # refuses overlaps
            uow.billing.add_tariffs([version], self._clock())
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "tariff.add",
                version.label(),
                {"legal_basis": version.legal_basis},
            )
            uow.commit()

    # -- runs ---------------------------------------------------------------------------------
    def run(
        self,
        caller: Principal | None,
        first: date,
        last: date,
        *,
        markets: Sequence[str] | None = None,
        progress: Progress | None = None,
        on_total: Progress | None = None,
        workers: int = 1,
    ) -> RunResult:
        """Bill every held, active stall for [first, last] in each vendor's cadence.

        `workers` > 1 commits chunks from that many threads (for PostgreSQL; SQLite allows
        one writer at a time, so keep 1 there).
        """
        if caller is not None:
            caller.require_role(Role.FINANCE, Role.MANAGER)
            if not caller.city_wide:
                markets = sorted(set(markets or caller.markets) & caller.markets) or ["-"]
        if last < first or (last - first).days > 366:
            raise ValidationFailed("a run covers 1 to 366 days", code="billing.run_period")
        with self._uow() as uow:
            book = TariffBook(uow.billing.tariff_versions())
            billable = uow.billing.billable(markets)
            # Whole months: a bill's rounding remainder carries from the month's first day.
            lo, hi = first.replace(day=1), month_end(last)
            calendars = TradingCalendars.build(
                self._policy, uow.billing.days_off(markets, lo, hi), lo, hi
            )
        if on_total is not None:
            on_total(len(billable))
        run_id = str(uuid.uuid4())
        created = amount = skipped = 0
        # compute_bill is pure: stalls of one class, type and area share each period's result,
        # so ~16,000 stalls need only a few dozen computations per period.
        memo: dict[_MemoKey, tuple[BillComputation, dict[str, Any]]] = {}

        def prepare(chunk: list[Billable]) -> list[BillRow]:
            nonlocal skipped
            rows = []
            for stall in chunk:
                if stall.status != "active":
                    skipped += 1  # vacant, damaged, closed or sealed stalls are not charged
                    continue
                calendar = calendars.for_stall(stall.market_code, stall.stall_code)
                rows += self._bills_for(book, stall, first, last, run_id, memo, calendar)
            return rows

        def done(result: tuple[set[str], int], chunk: list[Billable]) -> None:
            nonlocal created, amount
            created += len(result[0])
            amount += result[1]
            if progress:
                progress(len(chunk))

        days = (last - first).days + 1
        chunks = _market_chunks(billable, max(10, min(CHUNK, BILLS_PER_TRANSACTION // days)))
        if workers <= 1:
            for chunk in chunks:
                done(self._commit_chunk(prepare(chunk), chunk), chunk)
        else:
            # Chunks hold one market each and alternate between markets, so concurrent
            # transactions rarely wait for the same hash chain or revenue account.
            in_flight: deque[tuple[Future[tuple[set[str], int]], list[Billable]]] = deque()
            with ThreadPoolExecutor(workers) as pool:
                for chunk in chunks:
                    in_flight.append(
                        (pool.submit(self._commit_chunk, prepare(chunk), chunk), chunk)
                    )
                    if len(in_flight) >= 2 * workers:
                        future, finished = in_flight.popleft()
                        done(future.result(), finished)
                while in_flight:
                    future, finished = in_flight.popleft()
                    done(future.result(), finished)
        with self._uow() as uow:
            uow.billing.record_run(
                run_id,
                first,
                last,
                "vendor",
                caller.key_id if caller else None,
                created,
                amount,
                self._clock(),
            )
            uow.commit()
        return RunResult(run_id, len(billable), created, amount, skipped)

    def _bills_for(
        self,
        book: TariffBook,
        stall: Billable,
        first: date,
        last: date,
        run_id: str,
        memo: dict[_MemoKey, tuple[BillComputation, dict[str, Any]]] | None = None,
        calendar: TradingCalendar | None = None,
    ) -> list[BillRow]:
        cadence = Cadence(stall.cadence)
        memo = {} if memo is None else memo
        calendar = calendar or TradingCalendar(self._policy)
        rows = []
        for p_first, p_last in split_periods(cadence, first, last):
            if p_last < stall.held_from:
                continue
            begin = max(p_first, stall.held_from)
            key = (
                stall.stall_type,
                stall.kelas,
                stall.area_cm2,
                begin,
                p_last,
                calendar.market_closed,
                calendar.not_trading,
            )
            if key not in memo:
                computed = compute_bill(
                    book,
                    stall_type=StallType(stall.stall_type),
                    market_class=market_class_from_registry(stall.kelas),
                    area=StallArea(stall.area_cm2),
                    first=begin,
                    last=p_last,
                    trading=calendar,
                )
                memo[key] = (computed, computation_json(computed))
            comp, shown = memo[key]
            if comp.total <= 0:
                continue
            rows.append(
                BillRow(
                    id=f"RET-{begin:%Y%m%d}-{stall.stall_code}",
                    stall_code=stall.stall_code,
                    vendor_code=stall.vendor_code,
                    market_code=stall.market_code,
                    cadence=cadence.value,
                    period_start=begin,
                    period_end=p_last,
                    due_date=due_date(cadence, p_last, self._due_rule),
                    amount=comp.total,
                    computation=shown,
                    to_verify=comp.to_verify,
                    run_id=run_id,
                )
            )
        return rows

    def _commit_chunk(self, rows: list[BillRow], chunk: list[Billable]) -> tuple[set[str], int]:
        with self._uow() as uow:
            now = self._clock()
            # Open only the receivables that are missing: reading is cheaper than insert-ignore.
            wanted = {
                spec.code: spec
                for spec in (chart.market_receivable(s.market_code, s.vendor_code) for s in chunk)
            }
            have = uow.ledger.get_accounts(sorted(wanted))
            missing = [spec for code, spec in sorted(wanted.items()) if code not in have]
            if missing:
                uow.ledger.open_accounts(missing, now)
            new_ids = uow.billing.insert_bills(rows, now)
            drafts = [
                EntryDraft(
                    kind=EntryKind.STANDARD,
                    effective_at=start_of_day(row.period_start),
                    description=f"retribusi {row.period_start}..{row.period_end} {row.stall_code}",
                    chain=row.market_code,
                    reference=row.id,
                    postings=(
                        Posting(
                            chart.market_receivable(row.market_code, row.vendor_code).code,
                            Side.DEBIT,
                            row.amount,
                        ),
                        Posting(
                            chart.retribution_revenue(row.market_code).code, Side.CREDIT, row.amount
                        ),
                    ),
                )
                for row in rows
                if row.id in new_ids
            ]
            if drafts:
                self._ledger.write(uow, drafts)
            uow.commit()
        return new_ids, sum(d.postings[0].amount for d in drafts)


def _market_chunks(billable: Sequence[Billable], size: int = CHUNK) -> list[list[Billable]]:
    """Chunks of at most `size` stalls of one market, taking turns between markets."""
    by_market: dict[str, list[Billable]] = {}
    for stall in billable:
        by_market.setdefault(stall.market_code, []).append(stall)
    per_market = [
        [stalls[i : i + size] for i in range(0, len(stalls), size)]
        for _, stalls in sorted(by_market.items())
    ]
    return [chunk for turn in zip_longest(*per_market) for chunk in turn if chunk is not None]
