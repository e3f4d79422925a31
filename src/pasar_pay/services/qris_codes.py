"""QRIS codes: a dynamic code per bill (or bills of one vendor), a static code per stall, and
decoding a pasted payload for the payer's safety (merchant name and NMID shown).

A bill code is a payment intent: asking again for the same open amount returns the same live
intent. The vendor is locked first (the same mutex as payments), so on PostgreSQL two
concurrent requests create one intent, and what is owed cannot change while we read it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from pasar_pay.domain.money import format_rupiah
from pasar_pay.domain.qris import (
    QRIS_CAP_RUPIAH,
    Finding,
    Payload,
    QrisInvalid,
    QrisParseError,
    Severity,
    errors_only,
    parse,
    validate,
    with_labels,
)
from pasar_pay.domain.qris.amount import amount_problem, parse_amount
from pasar_pay.domain.registry.model import StallSpec
from pasar_pay.services.bill_payments import lock_vendor
from pasar_pay.services.bills import visible_bill
from pasar_pay.services.ports import BillsFilter, Clock, UnitOfWork, UnitOfWorkFactory
from pasar_pay.services.qris_ports import (
    AcquirerPort,
    GeneratedCode,
    PaymentIntent,
    QrisMerchant,
    market_merchant_id,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
MAX_BILLS_PER_CODE = 50
MIN_REMAINING = timedelta(minutes=15)  # a live code closer to expiry is replaced
MAX_DECODE_CHARS = 2953  # the most bytes a QR symbol (version 40-L) can hold
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


@dataclass(frozen=True, slots=True)
class CodeView:
    """What the API shows for a code (the router adds image links)."""

    payload: str
    merchant: QrisMerchant
    terminal_label: str | None
    intent: PaymentIntent | None = None
    stall: StallSpec | None = None
    created: bool = False
    notice: str | None = None  # why the code was not issued by the acquirer (degraded)

    def as_dict(self) -> dict[str, Any]:
        m = self.merchant
        out: dict[str, Any] = {
            "payload": self.payload,
            "merchant": {
                "name": m.name,
                "city": m.city,
                "nmid": m.nmid,
                "acquirer": m.acquirer_code,
                "fictitious": m.fictitious,
            },
            "terminal_label": self.terminal_label,
            "dynamic": self.intent is not None,
        }
        if self.intent is not None:
            i = self.intent
            out.update(
                intent_id=i.id,
                status=i.status,
                bill_ids=list(i.bill_ids),
                vendor=i.vendor_code,
                market=i.market_code,
                amount=i.amount,
                amount_display=format_rupiah(i.amount),
                reference=i.reference,
                expires_at=i.expires_at.isoformat(),
                source=i.source,
                degraded=i.source == "fallback",
            )
            if self.notice:
                out["notice"] = self.notice
        if self.stall is not None:
            out.update(stall=self.stall.code, market=self.stall.market_code)
        return out


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a new code for these bills must say, as measured under the vendor's lock."""

    merchant: QrisMerchant
    vendor: str
    market: str
    ids: tuple[str, ...]
    amount: int
    now: datetime

    def same_as(self, other: _Plan) -> bool:
        return (self.merchant.id, self.ids, self.amount) == (
            other.merchant.id,
            other.ids,
            other.amount,
        )


def new_reference(now: datetime) -> str:
    """`QR261102K7M3Q9XA`: Jakarta day + 40 random bits; 16 characters (62.05 allows 25)."""
    token = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"QR{now.astimezone(JAKARTA):%y%m%d}{token}"


class QrisCodeService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        acquirer: AcquirerPort,
        *,
        ttl: timedelta = timedelta(hours=24),
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._acquirer = acquirer
        self._ttl = ttl

    # dynamic codes for bills ------------------------------------------------------------
    def bill_code(self, caller: Principal, bill_ids: Sequence[str]) -> CodeView:
        """The live code for these bills, or a new one.

        The acquirer is asked between two transactions, never inside one: an outbound call
        (seconds, under retries) must not hold the vendor's lock or a database connection.
        After it answers, the vendor is locked again and the plan re-checked: if another
        request created the code meanwhile, that one is returned and ours is dropped.
        """
        wanted = sorted(set(bill_ids))
        if not wanted or len(wanted) > MAX_BILLS_PER_CODE:
            raise ValidationFailed(
                f"give 1..{MAX_BILLS_PER_CODE} bills", code="qris.bill_count", given=len(wanted)
            )
        # (plan it was made for, reference, code, expiry told to the acquirer)
        generated: tuple[_Plan, str, GeneratedCode, datetime] | None = None
        for _ in range(3):
            with self._uow() as uow:
                plan = self._plan(uow, caller, wanted)
                view = self._reuse(uow, plan)
                if view is None and generated is not None and generated[0].same_as(plan):
                    view = self._create(uow, caller, plan, generated[1], generated[2], generated[3])
                if view is not None:
                    uow.commit()
                    return view
                reference = self._free_reference(uow, plan.now)
                uow.commit()  # closes stale intents; nothing else was written
            expires_at = plan.now + self._ttl
            code = self._acquirer.generate(plan.amount, reference, expires_at, plan.merchant)
            _check_generated(code.payload, plan.amount)
            generated = (plan, reference, code, expires_at)
        raise Conflict(  # pragma: no cover - the owed amount changed three times in a row
            "the bills changed while the code was issued; ask again", code="qris.busy"
        )

    def _plan(self, uow: UnitOfWork, caller: Principal, wanted: list[str]) -> _Plan:
        bills = [visible_bill(uow, caller, bill_id) for bill_id in wanted]
        vendors = sorted({b.vendor_code for b in bills})
        markets = sorted({b.market_code for b in bills})
        if len(vendors) != 1:
            raise ValidationFailed(
                "one code pays the bills of one vendor", code="qris.mixed_vendors"
            )
        if len(markets) != 1:
            raise ValidationFailed(
                "one code pays bills of one market (its merchant): ask one code per market",
                code="qris.mixed_markets",
                markets=markets,
            )
        vendor, market = vendors[0], markets[0]
        lock_vendor(uow, vendor)
        uow.qris.lock_vendor_row(vendor)
        now = self._clock()  # after the lock: the wait does not shorten the expiry
        fresh = uow.billing.bills(BillsFilter(ids=frozenset(wanted)), None, len(wanted))
        open_bills = sorted((b for b in fresh if b.owed > 0), key=lambda b: b.id)
        if not open_bills:
            raise ValidationFailed(
                "nothing is owed on these bills: no code to pay",
                code="qris.nothing_owed",
                bills=wanted,
            )
        amount = sum(b.owed for b in open_bills)
        if amount > QRIS_CAP_RUPIAH:
            raise ValidationFailed(
                f"{format_rupiah(amount)} exceeds the QRIS limit of "
                f"{format_rupiah(QRIS_CAP_RUPIAH)} per transaction: pay by virtual account "
                "(VA) or ask a code per bill",
                code="qris.amount_over_cap",
                amount=amount,
                cap=QRIS_CAP_RUPIAH,
                suggestion="virtual_account",
            )
        merchant = _market_merchant(uow, market)
        ids = tuple(b.id for b in open_bills)
        return _Plan(merchant, vendor, market, ids, amount, now)

    @staticmethod
    def _reuse(uow: UnitOfWork, plan: _Plan) -> CodeView | None:
        """The live intent for exactly these bills and amount; closes the stale ones."""
        stale: list[str] = []
        found: CodeView | None = None
        for live in uow.qris.live_intents(plan.vendor, "bill", "qris"):
            if live.expires_at <= plan.now:
                stale.append(live.id)  # housekeeping: past its expiry
            elif tuple(sorted(live.bill_ids)) == plan.ids:
                fresh = live.amount == plan.amount and live.expires_at - plan.now >= MIN_REMAINING
                if fresh and found is None:
                    found = CodeView(
                        live.payload or "", plan.merchant, _terminal(live), intent=live
                    )
                else:
                    stale.append(live.id)  # the open amount changed (or about to expire)
        uow.qris.close_intents(stale, "expired", plan.now)
        return found

    def _create(
        self,
        uow: UnitOfWork,
        caller: Principal,
        plan: _Plan,
        reference: str,
        code: GeneratedCode,
        expires_at: datetime,
    ) -> CodeView:
        intent = PaymentIntent(
            id=str(uuid.uuid4()),
            kind="bill",
            channel="qris",
            vendor_code=plan.vendor,
            market_code=plan.market,
            bill_ids=plan.ids,
            amount=plan.amount,
            reference=reference,
            payload=code.payload,
            status="live",
            source=code.source,
            acquirer_reference=code.acquirer_reference,
            expires_at=expires_at,
            created_at=plan.now,
        )
        uow.qris.add_intent(intent)
        uow.audit.append(
            plan.now,
            caller.key_id,
            "qris.intent_created",
            intent.id,
            {
                "bills": list(plan.ids),
                "amount": plan.amount,
                "reference": reference,
                "source": code.source,
                "notice": code.notice,
            },
        )
        return CodeView(
            code.payload,
            plan.merchant,
            _terminal(intent),
            intent=intent,
            created=True,
            notice=code.notice,
        )

    @staticmethod
    def _free_reference(uow: UnitOfWork, now: datetime) -> str:
        for _ in range(5):
            reference = new_reference(now)
            if not uow.qris.reference_taken(reference):
                return reference
        raise RuntimeError("could not draw a free payment reference")  # pragma: no cover

    def intent(self, caller: Principal, intent_id: str) -> CodeView:
        with self._uow() as uow:
            intent = uow.qris.intent(intent_id)
            if intent is None or intent.channel != "qris" or not intent.payload:
                raise NotFound("payment code not found", code="qris.intent_not_found")
            if caller.role is Role.VENDOR:
                if intent.vendor_code != caller.vendor_code:
                    raise NotFound("payment code not found", code="qris.intent_not_found")
            elif not caller.sees_market(intent.market_code):
                raise NotFound("payment code not found", code="qris.intent_not_found")
            merchant = _market_merchant(uow, intent.market_code or "")
        return CodeView(intent.payload, merchant, _terminal(intent), intent=intent)

    # static codes for stalls ------------------------------------------------------------
    def stall_code(self, caller: Principal, stall_code: str) -> CodeView:
        with self._uow() as uow:
            stall = uow.registry.stall(stall_code)
            if stall is None:
                raise NotFound("stall not found", code="stall_not_found")
            if caller.role is Role.VENDOR:
                holder = uow.registry.active_placement(stall.code)
                if holder is None or holder.vendor_code != caller.vendor_code:
                    raise NotFound("stall not found", code="stall_not_found")
            elif not caller.sees_market(stall.market_code):
                raise NotFound("stall not found", code="stall_not_found")
            merchant = _market_merchant(uow, stall.market_code)
        terminal = _ans(f"{stall.block}-{stall.number}")[:25] or None
        customer = _ans(stall.code)[-25:]
        payload = with_labels(
            merchant.static_payload, customer_label=customer, terminal_label=terminal
        )
        return CodeView(payload, merchant, terminal, stall=stall)

    # decoding a pasted payload ----------------------------------------------------------
    def decode(self, raw: str | bytes) -> dict[str, Any]:
        """Findings for a pasted payload; raises `QrisInvalid` (422) on any error finding."""
        text, early = _as_text(raw)
        if early is not None:
            raise QrisInvalid(early.message, (early,), code="qris.invalid")
        tree: Payload | None
        try:
            tree = parse(text)
        except QrisParseError as exc:
            tree, findings = None, [_finding(exc.code, exc.message, exc.position)]
        else:
            findings = validate(tree)
        summary = _summary(tree) if tree is not None else {}
        if tree is not None:
            with self._uow() as uow:
                known = uow.qris.merchant_by_nmid(summary["merchant"]["nmid"] or "")
            summary["known_merchant"] = (
                None if known is None else {"id": known.id, "fictitious": known.fictitious}
            )
        errors = errors_only(findings)
        if errors:
            invalid = QrisInvalid("the payload is not a valid QRIS", tuple(findings))
            invalid.details.update(summary)
            raise invalid
        return {"valid": True, "findings": [f.as_dict() for f in findings], **summary}


def _market_merchant(uow: UnitOfWork, market: str) -> QrisMerchant:
    merchant = uow.qris.merchant(market_merchant_id(market))
    if merchant is None:
        raise ValidationFailed(
            f"market {market} has no QRIS merchant yet", code="qris.no_merchant", market=market
        )
    return merchant


def _terminal(intent: PaymentIntent) -> str | None:
    return None if intent.payload is None else _payload_get(intent.payload, "62.07")


def _payload_get(payload: str, path: str) -> str | None:
    try:
        return parse(payload).get(path)
    except DomainError:
        return None


def _ans(value: str) -> str:
    return "".join(c for c in value if " " <= c <= "~").strip()


def _check_generated(payload: str, amount: int) -> None:
    """Whatever the acquirer returned must be a valid dynamic QRIS for exactly `amount`."""
    findings = validate(payload, retribution=True)
    errors = errors_only(findings)
    if not errors:
        tree = parse(payload)
        text = tree.get("54")
        if tree.get("01") != "12" or text is None or amount_problem(text) is not None:
            errors = [Finding("qris.not_dynamic", Severity.ERROR, "01", "not a dynamic code")]
        elif parse_amount(text) != amount:
            errors = [Finding("qris.amount_differs", Severity.ERROR, "54", "wrong amount")]
    if errors:
        raise QrisInvalid(
            "the acquirer returned an unusable code", tuple(errors), code="qris.acquirer_invalid"
        )


def _as_text(raw: str | bytes) -> tuple[str, Finding | None]:
    if len(raw) > MAX_DECODE_CHARS * 4:
        return "", _finding("qris.too_large", f"{len(raw)} bytes; no QR symbol holds that much")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return "", _finding("qris.bad_encoding", "not UTF-8 text", exc.start)
    text = raw.strip()
    if len(text) > MAX_DECODE_CHARS:
        return "", _finding("qris.too_large", f"{len(text)} characters; a QR holds at most 2953")
    if not text:
        return "", _finding("qris.empty", "payload is empty", 0)
    return text, None


def _finding(code: str, message: str, position: int | None = None) -> Finding:
    return Finding(code, Severity.ERROR, "", message, position)


def _summary(tree: Payload) -> dict[str, Any]:
    accounts = [
        {"tag": e.tag, "guid": tree.get(f"{e.tag}.00"), "pan": tree.get(f"{e.tag}.01")}
        for e in tree
        if "26" <= e.tag <= "45"
    ]
    amount_text = tree.get("54")
    amount: str | None = None
    if amount_text is not None and amount_problem(amount_text) is None:
        amount = str(parse_amount(amount_text))
    poi = tree.get("01")
    return {
        "merchant": {
            "name": tree.get("59"),
            "city": tree.get("60"),
            "nmid": tree.get("51.02"),
            "postal_code": tree.get("61"),
            "accounts": accounts,
        },
        "point_of_initiation": {"11": "static", "12": "dynamic"}.get(poi or "", poi),
        "amount": amount,
        "reference": tree.get("62.05"),
        "terminal_label": tree.get("62.07"),
    }
