"""Cash still exists: collectors record receipts (offline-safe) and deposit them (setoran).

A receipt's id is generated on the collector's device, so an offline sync that sends it twice
books it once. The cash sits in the collector's cash account until finance verifies the deposit
into the city treasury's bank account, which produces an STS (deposit slip) number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.domain.money import require_amount
from pasar_pay.services.bill_payments import BillPayments, cash_source, lock_vendor
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import (
    BillsFilter,
    Clock,
    PlacementFilter,
    UnitOfWork,
    UnitOfWorkFactory,
)

TREASURY_BANK = "BANKJATENG"  # kas daerah; configurable per deployment


@dataclass(frozen=True, slots=True)
class ReceiptIn:
    id: str
    receipt_no: str
    vendor: str
    amount: int
    collected_at: datetime


def _refuse_credit_without_stall(uow: UnitOfWork, vendor: str, amount: int) -> None:
    """A vendor whose placements were all revoked still owes their arrears and may pay them,
    but cash beyond that would only park money for someone who no longer trades here."""
    if uow.registry.list_placements(PlacementFilter(vendor=vendor, status="active"), None, 1):
        return
    owed = sum(
        b.owed for b in uow.billing.bills(BillsFilter(vendor=vendor, open_only=True), None, 10_000)
    )
    if amount > owed:
        raise ValidationFailed(
            "the vendor holds no stall any more: only their arrears can be paid",
            code="billing.vendor_without_stall",
            owed=owed,
        )


def collector_id(caller: Principal) -> str:
    return f"C{caller.key_id.replace('-', '')[:12].upper()}"


class CashService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        payments: BillPayments,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._payments = payments

    def record_receipt(self, caller: Principal, receipt: ReceiptIn) -> tuple[dict[str, Any], bool]:
        """Book a cash receipt once; the same id again returns the first result (replayed)."""
        caller.require_role(Role.COLLECTOR)
        require_amount(receipt.amount)
        market = next(iter(caller.markets))
        collector = collector_id(caller)
        with self._uow() as uow:
            existing = uow.cash.receipt(receipt.id)
            if existing is not None:
                if (existing["receipt_no"], existing["vendor_code"], existing["amount"]) != (
                    receipt.receipt_no,
                    receipt.vendor,
                    receipt.amount,
                ):
                    raise Conflict(
                        "this receipt id was synced with other content", code="receipt_conflict"
                    )
                return existing, True
            if uow.registry.vendor(receipt.vendor) is None or market not in (
                uow.registry.vendor_markets(receipt.vendor)
            ):
                raise NotFound("no such vendor in this market", code="vendor_not_found")
            lock_vendor(uow, receipt.vendor)
            _refuse_credit_without_stall(uow, receipt.vendor, receipt.amount)
            uow.ledger.open_accounts([chart.collector_cash(market, collector)], self._clock())
            applied = self._payments.apply(
                uow,
                vendor=receipt.vendor,
                amount=receipt.amount,
                source=cash_source(collector),
                fallback_market=market,
                effective_at=receipt.collected_at,
                reference=receipt.receipt_no,
                channel="cash",
                description=f"tunai {receipt.receipt_no} ({collector})",
            )
            row = {
                "id": receipt.id,
                "receipt_no": receipt.receipt_no,
                "collector": collector,
                "market_code": market,
                "vendor_code": receipt.vendor,
                "amount": receipt.amount,
                "collected_at": receipt.collected_at,
                "entry_id": applied.entry_id,
                "deposit_id": None,
                "synced_at": self._clock(),
            }
            uow.cash.add_receipt(row)
            uow.commit()
        return row, False

    def submit_deposit(self, caller: Principal) -> dict[str, Any]:
        """Collect the collector's undeposited receipts into one deposit awaiting verification."""
        caller.require_role(Role.COLLECTOR)
        market, collector = next(iter(caller.markets)), collector_id(caller)
        with self._uow() as uow:
            receipts = uow.cash.undeposited(collector)
            if not receipts:
                raise ValidationFailed("no cash to deposit", code="nothing_to_deposit")
            deposit = {
                "id": str(uuid.uuid4()),
                "market_code": market,
                "collector": collector,
                "amount": sum(int(r["amount"]) for r in receipts),
                "status": "pending",
                "sts_number": None,
                "submitted_at": self._clock(),
                "verified_by": None,
                "verified_at": None,
                "entry_id": None,
            }
            uow.cash.add_deposit(deposit, [r["id"] for r in receipts])
            uow.commit()
        return deposit

    def verify_deposit(self, caller: Principal, deposit_id: str, counted: int) -> dict[str, Any]:
        """Finance confirms the money reached the treasury: post it and issue the STS number."""
        caller.require_role(Role.FINANCE)
        with self._uow() as uow:
            deposit = uow.cash.deposit(deposit_id, lock=True)
            if deposit is None:
                raise NotFound("deposit not found", code="deposit_not_found")
            if deposit["status"] != "pending":
                raise Conflict(
                    "the deposit was already verified",
                    code="deposit_verified",
                    sts_number=deposit["sts_number"],
                )
            if counted != deposit["amount"]:
                raise ValidationFailed(
                    "the counted amount differs from the receipts: record an exception",
                    code="deposit_mismatch",
                    receipts=deposit["amount"],
                    counted=counted,
                )
            market, collector = deposit["market_code"], deposit["collector"]
            entry = self._ledger.write(
                uow,
                [
                    EntryDraft(
                        kind=EntryKind.STANDARD,
                        effective_at=self._clock(),
                        chain=market,
                        description=f"setoran {collector}",
                        reference=deposit_id,
                        postings=(
                            Posting(
                                chart.bank_clearing(market, TREASURY_BANK).code, Side.DEBIT, counted
                            ),
                            Posting(
                                chart.collector_cash(market, collector).code, Side.CREDIT, counted
                            ),
                        ),
                    )
                ],
            )[0]
            sts = f"STS-{market}-{self._clock():%Y%m%d}-{deposit_id[:8].upper()}"
            uow.cash.verify_deposit(deposit_id, sts, caller.key_id, self._clock(), entry.id)
            uow.commit()
        return {**deposit, "status": "verified", "sts_number": sts, "entry_id": entry.id}
