"""Objections (keberatan): a vendor disputes a bill; a manager of its market resolves it."""

from __future__ import annotations

import uuid
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.services.bill_payments import lock_vendor
from pasar_pay.services.bills import visible_bill
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import Clock, UnitOfWorkFactory


class ObjectionService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, ledger: LedgerService):
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger

    def file(self, caller: Principal, bill_id: str, reason: str) -> dict[str, Any]:
        caller.require_role(Role.VENDOR)
        if len(reason.strip()) < 10:
            raise ValidationFailed("say what is wrong with the bill", code="reason_required")
        with self._uow() as uow:
            bill = visible_bill(uow, caller, bill_id)  # another vendor's bill is "not found"
            if any(o["status"] == "open" for o in uow.objections.for_bill(bill_id)):
                raise Conflict("this bill already has an open objection", code="objection_exists")
            row = {
                "id": str(uuid.uuid4()),
                "bill_id": bill.id,
                "vendor_code": bill.vendor_code,
                "reason": reason.strip(),
                "status": "open",
                "resolution": None,
                "resolved_by": None,
                "entry_id": None,
                "created_at": self._clock(),
                "resolved_at": None,
            }
            uow.objections.add(row)
            uow.commit()
        return row

    def resolve(
        self, caller: Principal, objection_id: str, *, accept_amount: int | None, resolution: str
    ) -> dict[str, Any]:
        """Accept (an adjusting entry reducing the bill by `accept_amount`) or reject."""
        caller.require_role(Role.MANAGER, Role.FINANCE)
        if len(resolution.strip()) < 10:
            raise ValidationFailed("explain the resolution", code="reason_required")
        with self._uow() as uow:
            objection = uow.objections.get(objection_id, lock=True)
            if objection is None:
                raise NotFound("objection not found", code="objection_not_found")
            bill = visible_bill(uow, caller, objection["bill_id"])
            if objection["status"] != "open":
                raise Conflict(
                    "the objection was already resolved",
                    code="objection_resolved",
                    status=objection["status"],
                )
            entry_id = None
            status = "rejected"
            if accept_amount:
                lock_vendor(uow, bill.vendor_code)
                if not 0 < accept_amount <= bill.amount:
                    raise ValidationFailed(
                        "the adjustment must be within the bill",
                        code="adjustment_out_of_range",
                        bill=bill.amount,
                    )
                entry = self._ledger.write(
                    uow,
                    [
                        EntryDraft(
                            kind=EntryKind.ADJUSTMENT,
                            effective_at=self._clock(),
                            description=f"keberatan diterima {bill.id}: {resolution.strip()}"[:500],
                            chain=bill.market_code,
                            reference=bill.id,
                            metadata={"objection": objection_id, "by": caller.key_id},
                            postings=(
                                Posting(
                                    chart.retribution_revenue(bill.market_code).code,
                                    Side.DEBIT,
                                    accept_amount,
                                ),
                                Posting(
                                    chart.market_receivable(
                                        bill.market_code, bill.vendor_code
                                    ).code,
                                    Side.CREDIT,
                                    accept_amount,
                                ),
                            ),
                        )
                    ],
                )[0]
                uow.billing.add_movements(
                    [
                        {
                            "bill_id": bill.id,
                            "kind": "adjustment",
                            "amount": -accept_amount,
                            "entry_id": entry.id,
                            "as_of": None,
                            "months": None,
                            "note": resolution.strip()[:500],
                            "at": entry.recorded_at,
                        }
                    ]
                )
                entry_id, status = entry.id, "accepted"
            uow.objections.resolve(
                objection_id, status, resolution.strip(), caller.key_id, self._clock(), entry_id
            )
            uow.commit()
        return {
            **objection,
            "status": status,
            "resolution": resolution.strip(),
            "entry_id": entry_id,
        }
