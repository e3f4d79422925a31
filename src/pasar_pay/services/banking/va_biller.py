"""pasar_pay as VA biller: inquiry (24) and payment flag (25), booked exactly once.

Payment: in ONE transaction, claim the inbox row for (bank, paymentRequestId) -> on a repeat,
replay the stored answer (same content) or refuse 4042518 (different content) -> claim the
X-EXTERNAL-ID for the Jakarta day -> resolve the VA -> BillPayments.apply -> close siblings ->
store the answer in the inbox row -> commit. The router acknowledges only after the commit.
Refusals roll back: nothing but the audit line remains.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.snap.codes import ServiceCode, SnapCase, snap_status
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.messages import (
    MAX_BILLS,
    VaIdentity,
    VaInquiryRequest,
    VaPaymentRequest,
)
from pasar_pay.domain.snap.responses import (
    BILL_EXPIRED,
    BILL_NOT_FOUND,
    BILL_PAID,
    INCONSISTENT_REQUEST,
    INVALID_AMOUNT,
    SUCCESS,
    BillLine,
    Reason,
    inquiry_failure,
    inquiry_success,
    payment_response,
    select_bills,
)
from pasar_pay.domain.snap.timestamps import jakarta_day
from pasar_pay.services.banking.ports import InboxRow, VaRecord
from pasar_pay.services.banking.snap_auth import Authenticated, SnapReply, SnapRequest
from pasar_pay.services.bill_payments import BillPayments, bank_source
from pasar_pay.services.ports import BillRecord, BillsFilter, Clock, UnitOfWork, UnitOfWorkFactory

VA_PAYMENT = "va_payment"


class Refusal(Exception):
    """A business refusal after parsing: answered with the request echoed."""

    def __init__(self, case: SnapCase, reason: Reason, detail: str | None = None) -> None:
        super().__init__(reason.english)
        self.case = case
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Resolved:
    va: VaRecord
    name: str
    bills: tuple[BillRecord, ...]  # what this VA offers now, oldest first (<= 24)


def bill_no(bill: BillRecord) -> str:
    return bill.id.replace("-", "")[:18].upper()


def bill_name(bill: BillRecord) -> str:
    return f"Retribusi {bill.period_start:%m/%Y}"


def fingerprint(req: VaPaymentRequest) -> str:
    text = json.dumps(req.fingerprint(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def conflict() -> SnapError:
    return SnapError(
        "X-EXTERNAL-ID already used today",
        code="snap_external_id_reused",
        case=SnapCase.CONFLICT,
        detail="",
    )


class VaBiller:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, payments: BillPayments
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._payments = payments

    # inquiry ----------------------------------------------------------------------------
    def inquiry(self, auth: Authenticated, req: VaInquiryRequest) -> SnapReply:
        now = self._clock()
        try:
            with self._uow() as uow:
                if not uow.banks.claim_external_id(
                    auth.bank.code, jakarta_day(now), auth.external_id, now
                ):
                    raise conflict()
                resolved = self._resolve(uow, auth, req.identity, now)
                status = snap_status(SnapCase.SUCCESSFUL, ServiceCode.VA_INQUIRY)
                lines = select_bills(
                    BillLine(bill_no(b), bill_name(b), b.owed, b.due_date) for b in resolved.bills
                )
                body = inquiry_success(
                    req,
                    status,
                    virtual_account_name=resolved.name,
                    bills=lines,
                    free_texts=[Reason("Market retribution", "Retribusi pasar")],
                    trx_type="C" if resolved.va.kind == "closed" else "O",
                )
                uow.commit()
        except Refusal as refusal:
            status = snap_status(refusal.case, ServiceCode.VA_INQUIRY, refusal.detail)
            return SnapReply(status, inquiry_failure(req, status, refusal.reason))
        return SnapReply(status, body)

    # payment ----------------------------------------------------------------------------
    def payment(
        self, auth: Authenticated, request: SnapRequest, req: VaPaymentRequest
    ) -> tuple[SnapReply, str]:
        """The reply and what happened: applied | replayed | inconsistent | refused."""
        now = self._clock()
        bank = auth.bank.code
        row = InboxRow(
            bank_code=bank,
            kind=VA_PAYMENT,
            payment_id=req.payment_request_id,
            external_id=auth.external_id,
            fingerprint=fingerprint(req),
            headers=request.kept_headers(),
            body=request.body.decode("utf-8"),
            amount=req.paid_amount,
            received_at=now,
        )
        try:
            with self._uow() as uow:
                if not uow.banks.claim_inbox(row):
                    return self._repeat(uow, row, req)
                if not uow.banks.claim_external_id(bank, jakarta_day(now), auth.external_id, now):
                    raise conflict()
                resolved = self._resolve(uow, auth, req.identity, now)
                status = snap_status(SnapCase.SUCCESSFUL, ServiceCode.VA_PAYMENT)
                entry_id = self._apply(uow, auth, req, resolved, now)
                body = payment_response(req, status, SUCCESS, virtual_account_name=resolved.name)
                uow.banks.finish_inbox(
                    bank,
                    VA_PAYMENT,
                    req.payment_request_id,
                    status=None,
                    vendor=resolved.va.vendor_code,
                    entry_id=entry_id,
                    response=body,
                    at=now,
                )
                uow.banks.add_event(row, "applied")
                uow.commit()
        except Refusal as refusal:
            status = snap_status(refusal.case, ServiceCode.VA_PAYMENT, refusal.detail)
            return SnapReply(status, payment_response(req, status, refusal.reason)), "refused"
        return SnapReply(status, body), "applied"

    def _repeat(
        self, uow: UnitOfWork, row: InboxRow, req: VaPaymentRequest
    ) -> tuple[SnapReply, str]:
        existing = uow.banks.inbox(row.bank_code, VA_PAYMENT, row.payment_id, lock=False)
        if existing is None or existing.response is None:
            # Cannot happen after a commit (the row and its answer are written together).
            raise RuntimeError("inbox row without an answer")
        if existing.fingerprint == row.fingerprint:
            uow.banks.add_event(row, "replayed")
            uow.commit()
            stored = existing.response
            status = snap_status(SnapCase.SUCCESSFUL, ServiceCode.VA_PAYMENT)
            return SnapReply(status, stored), "replayed"
        uow.banks.add_event(row, "inconsistent")
        uow.commit()
        status = snap_status(SnapCase.INCONSISTENT_REQUEST, ServiceCode.VA_PAYMENT)
        return SnapReply(
            status, payment_response(req, status, INCONSISTENT_REQUEST)
        ), "inconsistent"

    def _apply(
        self,
        uow: UnitOfWork,
        auth: Authenticated,
        req: VaPaymentRequest,
        resolved: Resolved,
        now: datetime,
    ) -> str:
        va = resolved.va
        only: frozenset[str] | None = None
        if va.kind == "closed":
            bill = resolved.bills[0]
            if req.paid_amount != bill.owed:
                raise Refusal(SnapCase.INVALID_AMOUNT, INVALID_AMOUNT)
            only = frozenset({bill.id})
        elif req.paid_bills is not None:
            if any(p >= len(resolved.bills) for p in req.paid_bills):
                raise SnapError(
                    "paidBills names a bill that was not offered",
                    code="snap_paid_bills",
                    case=SnapCase.INVALID_FIELD_FORMAT,
                    field="paidBills",
                )
            only = frozenset(resolved.bills[p].id for p in req.paid_bills)
        markets = sorted(uow.registry.vendor_markets(va.vendor_code)) or [
            b.market_code for b in resolved.bills
        ]
        uow.ledger.open_accounts([chart.bank_clearing(m, va.bank_code) for m in markets], now)
        owed_before = {b.id: b.owed for b in resolved.bills}
        effective = now
        if req.trx_date_time is not None:
            effective = min(req.trx_date_time.astimezone(UTC), now)
        applied = self._payments.apply(
            uow,
            vendor=va.vendor_code,
            amount=req.paid_amount,
            source=bank_source(va.bank_code),
            fallback_market=resolved.bills[0].market_code if resolved.bills else markets[0],
            effective_at=effective,
            reference=f"VA:{va.bank_code}:{req.payment_request_id}"[:120],
            channel=f"va:{va.bank_code}",
            description=f"VA {va.bank_code} {va.va_digits} {req.payment_request_id}",
            only_bills=only,
        )
        settled = [b for b, amount in applied.applications if amount >= owed_before.get(b, 0) > 0]
        if va.kind == "closed":
            uow.banks.set_va_status(va.id, "paid", now)
        uow.banks.close_vas(settled, "superseded", now, keep=va.id)
        uow.banks.expire_sibling_intents(va.vendor_code, settled, now, keep=None)
        return applied.entry_id

    def _resolve(
        self, uow: UnitOfWork, auth: Authenticated, identity: VaIdentity, now: datetime
    ) -> Resolved:
        account = identity.account
        bank = auth.bank
        if not bank.va_bank or account.partner_service_id != bank.partner_service_id:
            raise Refusal(SnapCase.BILL_NOT_FOUND, BILL_NOT_FOUND, "Unknown VA")
        va = uow.banks.va_by_digits(bank.code, account.digits)
        if va is None:
            raise Refusal(SnapCase.BILL_NOT_FOUND, BILL_NOT_FOUND, "Unknown VA")
        vendor = uow.registry.vendor(va.vendor_code)
        name = vendor.name if vendor is not None else va.vendor_code
        if va.kind == "closed":
            if va.status == "paid":
                raise Refusal(SnapCase.PAID_BILL, BILL_PAID)
            if va.status != "active" or (va.expires_at is not None and va.expires_at <= now):
                raise Refusal(SnapCase.BILL_EXPIRED, BILL_EXPIRED, "Expired")
            bills = uow.billing.bills(
                BillsFilter(ids=frozenset({va.bill_id or ""}), open_only=True), None, 1
            )
            if not bills:
                raise Refusal(SnapCase.PAID_BILL, BILL_PAID)
            return Resolved(va, name, tuple(bills))
        bills = uow.billing.bills(
            BillsFilter(vendor=va.vendor_code, open_only=True), None, MAX_BILLS
        )
        if not bills:
            raise Refusal(SnapCase.PAID_BILL, BILL_PAID)
        return Resolved(va, name, tuple(bills))
