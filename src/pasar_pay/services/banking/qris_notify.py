"""QRIS MPM notify (52) from an acquirer: monotonic statuses, money never dropped.

One transaction: claim (or lock) the inbox row for (acquirer, originalReferenceNo) -> classify
the incoming status against the one held (domain `tx_status.classify`) -> a duplicate or stale
status is acknowledged and only logged -> a success books the money through BillPayments (the
bill's other intents expire) -> a success that cannot settle its bill (paid through another
channel, intent expired, unknown reference) still books (vendor credit) or is parked, and a
needs-review exception is recorded for the manager -> commit -> acknowledge 2005200.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.snap.codes import QR_NOTIFY_OK
from pasar_pay.domain.snap.messages import QrNotifyRequest
from pasar_pay.domain.snap.responses import notify_ack
from pasar_pay.domain.snap.timestamps import jakarta_day
from pasar_pay.domain.snap.tx_status import Transition, TxStatus, classify
from pasar_pay.services.banking.ports import InboxRow, IntentRecord
from pasar_pay.services.banking.snap_auth import Authenticated, SnapReply, SnapRequest
from pasar_pay.services.banking.va_biller import conflict
from pasar_pay.services.bill_payments import BillPayments, bank_source
from pasar_pay.services.orders.payments import OrderPayments
from pasar_pay.services.ports import BillsFilter, Clock, UnitOfWork, UnitOfWorkFactory

QR_NOTIFY = "qr_notify"


def notify_fingerprint(req: QrNotifyRequest) -> str:
    text = json.dumps(
        {
            "ref": req.original_reference_no,
            "partnerRef": req.original_partner_reference_no,
            "amount": req.amount,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class QrisNotifications:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        payments: BillPayments,
        orders: OrderPayments | None = None,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._payments = payments
        self._orders = orders

    def notify(
        self, auth: Authenticated, request: SnapRequest, req: QrNotifyRequest
    ) -> tuple[SnapReply, str]:
        now = self._clock()
        bank = auth.bank.code
        row = InboxRow(
            bank_code=bank,
            kind=QR_NOTIFY,
            payment_id=req.original_reference_no,
            external_id=auth.external_id,
            fingerprint=notify_fingerprint(req),
            headers=request.kept_headers(),
            body=request.body.decode("utf-8"),
            amount=req.amount,
            received_at=now,
            status=req.status.value,
        )
        with self._uow() as uow:
            fresh = uow.banks.claim_inbox(row)
            current: TxStatus | None = None
            if not fresh:
                held = uow.banks.inbox(bank, QR_NOTIFY, row.payment_id, lock=True)
                assert held is not None
                current = TxStatus(held.status) if held.status else None
                if held.fingerprint != row.fingerprint:
                    outcome = "inconsistent"
                    self._exception(
                        uow, row, req, None, None, None, outcome, now, {"held_amount": held.amount}
                    )
                    uow.banks.add_event(row, outcome)
                    uow.commit()
                    return SnapReply(QR_NOTIFY_OK, notify_ack()), outcome
            transition = classify(current, req.status)
            if transition in (Transition.DUPLICATE, Transition.STALE):
                uow.banks.add_event(row, transition.value)
                uow.commit()
                return SnapReply(QR_NOTIFY_OK, notify_ack()), transition.value
            # New information: the X-EXTERNAL-ID must be fresh for the day.
            if not uow.banks.claim_external_id(bank, jakarta_day(now), auth.external_id, now):
                raise conflict()
            outcome, entry_id, vendor = self._advance(uow, row, req, current, transition, now)
            uow.banks.finish_inbox(
                bank,
                QR_NOTIFY,
                row.payment_id,
                status=self._held(current, req, transition),
                vendor=vendor,
                entry_id=entry_id,
                response=notify_ack(),
                at=now,
            )
            uow.banks.add_event(row, outcome)
            uow.commit()
        return SnapReply(QR_NOTIFY_OK, notify_ack()), outcome

    @staticmethod
    def _held(current: TxStatus | None, req: QrNotifyRequest, transition: Transition) -> str:
        if transition is Transition.ADVANCE or current is None:
            return req.status.value
        # CONFLICT: money after an unpaid final state is now "paid"; a reversal keeps success.
        return TxStatus.SUCCESS.value if req.status is TxStatus.SUCCESS else current.value

    def _advance(
        self,
        uow: UnitOfWork,
        row: InboxRow,
        req: QrNotifyRequest,
        current: TxStatus | None,
        transition: Transition,
        now: datetime,
    ) -> tuple[str, str | None, str | None]:
        intent = self._intent(uow, req)
        vendor = intent.vendor_code if intent else None
        if req.status is TxStatus.SUCCESS:
            return self._book(uow, row, req, intent, current, now)
        if transition is Transition.CONFLICT or req.status is TxStatus.REFUNDED:
            kind = "refund_reported" if req.status is TxStatus.REFUNDED else "reversal_reported"
            self._exception(
                uow,
                row,
                req,
                intent,
                None,
                None,
                kind,
                now,
                {"held": current.value if current else None},
            )
            return kind, None, vendor
        if (
            intent is not None
            and intent.status == "live"
            and req.status.value in ("05", "06", "08", "09")
        ):
            uow.banks.set_intent_status(intent.id, "expired", now)
        return f"status_{req.status.value}", None, vendor

    def _book(
        self,
        uow: UnitOfWork,
        row: InboxRow,
        req: QrNotifyRequest,
        intent: IntentRecord | None,
        current: TxStatus | None,
        now: datetime,
    ) -> tuple[str, str | None, str | None]:
        if intent is not None and intent.kind == "order" and self._orders is not None:
            return self._book_order(uow, row, req, intent, now)
        if intent is None or intent.vendor_code is None:
            # Money moved but we cannot say whose: park it for a human, never drop it.
            self._exception(uow, row, req, None, None, None, "unattributed", now, {})
            return "unattributed", None, None
        vendor = intent.vendor_code
        markets = sorted(uow.registry.vendor_markets(vendor)) or [intent.market_code or ""]
        fallback = intent.market_code or markets[0]
        uow.ledger.open_accounts(
            [chart.bank_clearing(m, row.bank_code) for m in {*markets, fallback} if m], now
        )
        bills = frozenset(intent.bill_ids) if intent.bill_ids else None
        owed_before = {}
        if bills:
            owed_before = {
                b.id: b.owed
                for b in uow.billing.bills(BillsFilter(ids=bills, open_only=True), None, 100)
            }
        effective = min(req.paid_time.astimezone(UTC), now) if req.paid_time else now
        applied = self._payments.apply(
            uow,
            vendor=vendor,
            amount=req.amount,
            source=bank_source(row.bank_code),
            fallback_market=fallback,
            effective_at=effective,
            reference=f"QR:{row.bank_code}:{req.original_reference_no}"[:120],
            channel=f"qris:{row.bank_code}",
            description=f"QRIS {row.bank_code} {req.original_reference_no} rrn {req.rrn or '-'}",
            only_bills=bills,
        )
        settled = [b for b, amount in applied.applications if amount >= owed_before.get(b, 0) > 0]
        uow.banks.close_vas(settled, "superseded", now)
        uow.banks.expire_sibling_intents(vendor, settled, now, keep=intent.id)
        outcome = "applied"
        problems: list[str] = []
        if intent.status != "live" or intent.expires_at <= now:
            problems.append("paid_expired_intent")
        if (
            current is not None
            and current is not TxStatus.SUCCESS
            and current.value in ("05", "06", "08", "09")
        ):
            problems.append("paid_after_final_status")
        if bills and applied.to_credit:
            problems.append("bill_already_paid" if not owed_before else "overpaid")
        if req.amount != intent.amount:
            problems.append("amount_differs_from_intent")
        uow.banks.set_intent_status(intent.id, "paid", now, req.original_reference_no)
        for kind in problems:
            self._exception(
                uow,
                row,
                req,
                intent,
                applied.entry_id,
                fallback,
                kind,
                now,
                {"to_credit": applied.to_credit, "intent": intent.reference},
            )
        if problems:
            outcome = "applied_review"
        return outcome, applied.entry_id, vendor

    def _book_order(
        self,
        uow: UnitOfWork,
        row: InboxRow,
        req: QrNotifyRequest,
        intent: IntentRecord,
        now: datetime,
    ) -> tuple[str, str | None, str | None]:
        """An online-order checkout (issue 7): paid through the order service, same transaction."""
        assert self._orders is not None
        effective = min(req.paid_time.astimezone(UTC), now) if req.paid_time else now
        outcome, entry_id, problem = self._orders.on_qris_paid(
            uow,
            intent_id=intent.id,
            bank=row.bank_code,
            amount=req.amount,
            payment_id=req.original_reference_no,
            paid_at=effective,
            now=now,
        )
        if problem is not None:  # parked in suspense: a human refunds or applies it
            details = {"intent": intent.reference}
            self._exception(uow, row, req, intent, entry_id, None, problem, now, details)
        return outcome, entry_id, None

    @staticmethod
    def _intent(uow: UnitOfWork, req: QrNotifyRequest) -> IntentRecord | None:
        intent = None
        if req.original_partner_reference_no:
            intent = uow.banks.intent_by_reference(req.original_partner_reference_no)
        return intent or uow.banks.intent_by_acquirer_reference(req.original_reference_no)

    @staticmethod
    def _exception(
        uow: UnitOfWork,
        row: InboxRow,
        req: QrNotifyRequest,
        intent: IntentRecord | None,
        entry_id: str | None,
        market: str | None,
        kind: str,
        now: datetime,
        details: dict[str, Any],
    ) -> None:
        uow.banks.add_exception(
            bank=row.bank_code,
            kind=kind,
            payment_id=req.original_reference_no,
            vendor=intent.vendor_code if intent else None,
            market=market or (intent.market_code if intent else None),
            amount=req.amount,
            entry_id=entry_id,
            details={
                "status": req.status.value,
                "partner_reference": req.original_partner_reference_no,
                "rrn": req.rrn,
                **details,
            },
            at=now,
        )
