"""Arrears: late penalties (accrued as entries), waivers, channel outages, dunning letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.billing.dunning import (
    DunningPolicy,
    DunningState,
    OverdueBill,
    StallDunning,
    days_overdue,
    evaluate,
)
from pasar_pay.domain.billing.outages import Outage
from pasar_pay.domain.billing.penalties import HKPD_1_PERCENT, PenaltyPolicy, penalty_to_accrue
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.services.bill_payments import lock_vendor
from pasar_pay.services.billing import start_of_day
from pasar_pay.services.bills import visible_bill
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import BillRecord, BillsFilter, Clock, UnitOfWorkFactory

VENDORS_PER_TRANSACTION = 200


@dataclass(frozen=True, slots=True)
class AccrualResult:
    bills: int
    amount: int


class CollectionsService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        penalty_policy: PenaltyPolicy = HKPD_1_PERCENT,
        dunning_policy: DunningPolicy | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._policy = penalty_policy
        self._dunning = dunning_policy or DunningPolicy()

    # -- penalties ------------------------------------------------------------------------------
    def accrue_penalties(self, as_of: date, markets: frozenset[str] | None = None) -> AccrualResult:
        """Post the penalty months not yet accrued for every overdue bill (safe to repeat)."""
        with self._uow() as uow:
            overdue = [
                b
                for b in uow.billing.bills(
                    BillsFilter(markets=markets, open_only=True), None, 10**7
                )
                if b.due_date < as_of
            ]
        vendors = sorted({b.vendor_code for b in overdue})
        total = AccrualResult(0, 0)
        for start in range(0, len(vendors), VENDORS_PER_TRANSACTION):
            batch = vendors[start : start + VENDORS_PER_TRANSACTION]
            done = self._accrue_for(batch, as_of, markets)
            total = AccrualResult(total.bills + done.bills, total.amount + done.amount)
        return total

    def _accrue_for(
        self, vendors: list[str], as_of: date, markets: frozenset[str] | None
    ) -> AccrualResult:
        with self._uow() as uow:
            for vendor in vendors:
                lock_vendor(uow, vendor)
            bills = [
                b
                for vendor in vendors
                for b in uow.billing.bills(
                    BillsFilter(vendor=vendor, markets=markets, open_only=True), None, 10_000
                )
                if b.due_date < as_of
            ]
            ids = [b.id for b in bills]
            months = uow.billing.penalty_months(ids)
            paid = uow.billing.principal_paid(ids)
            outages: dict[str, list[Outage]] = {}
            drafts, movements = [], []
            for bill in bills:
                if bill.market_code not in outages:
                    outages[bill.market_code] = uow.billing.outages(bill.market_code)
                accrual = penalty_to_accrue(
                    open_principal=max(bill.amount - paid.get(bill.id, 0), 0),
                    due=bill.due_date,
                    payable_from=bill.period_start,
                    as_of=as_of,
                    months_already_accrued=months.get(bill.id, 0),
                    policy=self._policy,
                    outages=outages[bill.market_code],
                )
                if accrual.amount <= 0:
                    continue
                drafts.append(self._penalty_entry(bill, accrual.amount, as_of))
                movements.append(
                    (
                        bill.id,
                        accrual.amount,
                        accrual.months_accrued_after - accrual.months_accrued_before,
                    )
                )
            entries = self._ledger.write(uow, drafts) if drafts else []
            uow.billing.add_movements(
                [
                    {
                        "bill_id": bill_id,
                        "kind": "penalty",
                        "amount": amount,
                        "entry_id": entry.id,
                        "as_of": as_of,
                        "months": new_months,
                        "note": f"{self._policy.legal_basis}"[:500],
                        "at": entry.recorded_at,
                    }
                    for (bill_id, amount, new_months), entry in zip(movements, entries, strict=True)
                ]
            )
            uow.commit()
        return AccrualResult(len(entries), sum(m[1] for m in movements))

    @staticmethod
    def _penalty_entry(bill: BillRecord, amount: int, as_of: date) -> EntryDraft:
        return EntryDraft(
            kind=EntryKind.STANDARD,
            effective_at=start_of_day(as_of),
            description=f"denda keterlambatan {bill.id}",
            chain=bill.market_code,
            reference=bill.id,
            postings=(
                Posting(
                    chart.market_receivable(bill.market_code, bill.vendor_code).code,
                    Side.DEBIT,
                    amount,
                ),
                Posting(chart.penalty_revenue(bill.market_code).code, Side.CREDIT, amount),
            ),
        )

    # -- waivers ----------------------------------------------------------------------------
    def waive(self, caller: Principal, bill_id: str, amount: int, reason: str) -> str:
        """Finance approves a waiver of accrued penalty (never of the retribution itself)."""
        caller.require_role(Role.FINANCE)
        if len(reason.strip()) < 10:
            raise ValidationFailed("a waiver needs a reason", code="reason_required")
        with self._uow() as uow:
            bill = visible_bill(uow, caller, bill_id)
            lock_vendor(uow, bill.vendor_code)
            penalties = sum(
                int(m["amount"])
                for m in uow.billing.movements(bill_id)
                if m["kind"] in ("penalty", "waiver")
            )
            if amount > min(penalties, bill.owed):
                raise ValidationFailed(
                    "a waiver may cover at most the unpaid penalty",
                    code="waiver_too_large",
                    waivable=max(min(penalties, bill.owed), 0),
                )
            entry = self._ledger.write(
                uow,
                [
                    EntryDraft(
                        kind=EntryKind.ADJUSTMENT,
                        effective_at=self._clock(),
                        description=f"penghapusan denda {bill_id}: {reason.strip()}"[:500],
                        chain=bill.market_code,
                        reference=bill_id,
                        metadata={"by": caller.key_id},
                        postings=(
                            Posting(
                                chart.penalty_revenue(bill.market_code).code, Side.DEBIT, amount
                            ),
                            Posting(
                                chart.market_receivable(bill.market_code, bill.vendor_code).code,
                                Side.CREDIT,
                                amount,
                            ),
                        ),
                    )
                ],
            )[0]
            uow.billing.add_movements(
                [
                    {
                        "bill_id": bill_id,
                        "kind": "waiver",
                        "amount": -amount,
                        "entry_id": entry.id,
                        "as_of": None,
                        "months": None,
                        "note": reason.strip()[:500],
                        "at": entry.recorded_at,
                    }
                ]
            )
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "bill.waive",
                bill_id,
                {"amount": amount, "reason": reason.strip()},
            )
            uow.commit()
        return entry.id

    # -- outages and dunning ----------------------------------------------------------------
    def record_outage(
        self,
        caller: Principal,
        market: str | None,
        channel: str,
        first: date,
        last: date,
        note: str,
    ) -> None:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        if market is None:
            caller.require_role(Role.FINANCE)  # a city-wide outage is the finance office's call
        else:
            caller.require_market(market)
        Outage(first=first, last=last, channel=channel)  # validates the range
        with self._uow() as uow:
            uow.billing.add_outage(market, channel, first, last, note, caller.key_id, self._clock())
            uow.commit()

    def evaluate_dunning(
        self, as_of: date, markets: frozenset[str] | None = None
    ) -> dict[str, int]:
        """Advance each stall's letters by its most overdue bill; returns counts per state."""
        counts: dict[str, int] = {}
        with self._uow() as uow:
            open_bills = uow.billing.bills(
                BillsFilter(markets=markets, open_only=True), None, 10**7
            )
            by_stall: dict[str, list[BillRecord]] = {}
            for bill in open_bills:
                by_stall.setdefault(bill.stall_code, []).append(bill)
            for stall, bills in sorted(by_stall.items()):
                outages = uow.billing.outages(bills[0].market_code)
                overdue = days_overdue(
                    [OverdueBill(b.due_date, b.period_start, b.owed) for b in bills],
                    as_of,
                    outages,
                )
                stored = uow.billing.dunning(stall)
                current = (
                    StallDunning(DunningState(stored[0]), stored[1]) if stored else (StallDunning())
                )
                after = evaluate(
                    current,
                    overdue_days=overdue,
                    as_of=as_of,
                    policy=self._dunning,
                    outages=outages,
                )
                if after != current:
                    uow.billing.save_dunning(
                        stall, after.state.value, after.since or as_of, self._clock()
                    )
                counts[after.state.value] = counts.get(after.state.value, 0) + 1
            uow.commit()
        return counts
