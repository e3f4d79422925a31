"""Money in for bills: allocation oldest-first, partial, excess to vendor credit, one entry.

Used by every channel (bank VA, QRIS, cash). The caller owns the transaction; the vendor's
credit account row is locked first and serves as the per-vendor mutex, so two payments for the
same vendor are applied one after the other against fresh balances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.billing.allocation import OpenBill, allocate_payment
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, chain_for
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import BillsFilter, UnitOfWork

MAX_OPEN_BILLS = 1000

SourceAccount = Callable[[str], str]  # market code -> account the money came in through


@dataclass(frozen=True, slots=True)
class AppliedPayment:
    entry_id: str
    applications: tuple[tuple[str, int], ...]  # (bill id, amount)
    to_credit: int
    markets: tuple[str, ...]


def lock_vendor(uow: UnitOfWork, vendor: str) -> None:
    """Serialise everything that changes what a vendor owes (payments, penalties, credit)."""
    uow.ledger.lock_accounts([chart.vendor_credit(vendor).code])


def bank_source(bank: str) -> SourceAccount:
    return lambda market: chart.bank_clearing(market, bank).code


def cash_source(collector: str) -> SourceAccount:
    return lambda market: chart.collector_cash(market, collector).code


class BillPayments:
    def __init__(self, ledger: LedgerService) -> None:
        self._ledger = ledger

    def apply(
        self,
        uow: UnitOfWork,
        *,
        vendor: str,
        amount: int,
        source: SourceAccount,
        fallback_market: str,
        effective_at: datetime,
        reference: str,
        channel: str,
        description: str,
        only_bills: frozenset[str] | None = None,
    ) -> AppliedPayment:
        """Apply `amount` to the vendor's open bills (or `only_bills`), the rest to credit."""
        lock_vendor(uow, vendor)
        open_bills = uow.billing.bills(
            BillsFilter(vendor=vendor, open_only=True, ids=only_bills), None, MAX_OPEN_BILLS
        )
        market_of = {b.id: b.market_code for b in open_bills}
        allocation = allocate_payment(
            amount, [OpenBill(b.id, b.due_date, b.owed) for b in open_bills]
        )
        per_market: dict[str, int] = {}
        for application in allocation.applied:
            market = market_of[application.bill_id]
            per_market[market] = per_market.get(market, 0) + application.amount
        postings: list[Posting] = []
        for market, paid in sorted(per_market.items()):
            postings.append(Posting(source(market), Side.DEBIT, paid))
            postings.append(
                Posting(chart.market_receivable(market, vendor).code, Side.CREDIT, paid)
            )
        if allocation.to_credit:
            postings.append(Posting(source(fallback_market), Side.DEBIT, allocation.to_credit))
            postings.append(
                Posting(chart.vendor_credit(vendor).code, Side.CREDIT, allocation.to_credit)
            )
        specs = [chart.parse_account_code(p.account) for p in postings]
        draft = EntryDraft(
            kind=EntryKind.STANDARD,
            postings=tuple(postings),
            effective_at=effective_at,
            description=description[:500],
            chain=chain_for(specs),
            reference=reference,
            metadata={"channel": channel, "vendor": vendor},
        )
        entry = self._ledger.write(uow, [draft])[0]
        now = entry.recorded_at
        uow.billing.add_movements(
            [
                {
                    "bill_id": a.bill_id,
                    "kind": "payment",
                    "amount": -a.amount,
                    "entry_id": entry.id,
                    "as_of": None,
                    "months": None,
                    "note": f"{channel} {reference}"[:500],
                    "at": now,
                }
                for a in allocation.applied
            ]
        )
        return AppliedPayment(
            entry_id=entry.id,
            applications=tuple((a.bill_id, a.amount) for a in allocation.applied),
            to_credit=allocation.to_credit,
            markets=tuple(sorted(per_market) or [fallback_market]),
        )
