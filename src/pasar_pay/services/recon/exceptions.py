"""The exception workflow: assign, comment, resolve with an adjusting entry, write off.

State machine: open → resolved; open → write_off_requested → written_off (finance approves,
not the person who asked) or back to open (rejected). Every step is appended to the audit
trail. A resolution claims the exception's items with a manual match, so later runs leave
them alone. The row is locked, so two concurrent resolutions post one entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, cast

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import AccountSpec, Side
from pasar_pay.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, chain_for
from pasar_pay.domain.money import require_amount
from pasar_pay.domain.reconciliation import local_date
from pasar_pay.services.idempotency import IdempotencyKey, run_once
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from pasar_pay.services.recon.common import record, require_market, visible_markets
from pasar_pay.services.recon.matching import RECON_PREFIX
from pasar_pay.services.recon_ports import ExceptionFilter, ReconUnitOfWork, ReconUnitOfWorkFactory

Idem = IdempotencyKey | None
OPEN, RESOLVED, REQUESTED, WRITTEN_OFF = "open", "resolved", "write_off_requested", "written_off"
STATUSES = (OPEN, RESOLVED, REQUESTED, WRITTEN_OFF)
# Which way the books must move to agree with the bank: +1 the bank holds more than the ledger
# (clearing up), -1 less (clearing down). Mismatches carry expected/actual and decide by sign.
_DIRECTION = {
    "credit_without_callback": 1,
    "callback_without_credit": -1,
    "unmatched_debit": -1,
    "paid_twice": 0,  # a refund case: resolved by the refund, not by an adjustment here
    "va_open_after_qris": 0,
}


class ExceptionService:
    def __init__(
        self, uow_factory: ReconUnitOfWorkFactory, clock: Clock, ledger: LedgerService
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger

    def list(
        self,
        caller: Principal,
        status: str | None = None,
        type_: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        markets = visible_markets(caller)
        if status is not None and status not in STATUSES:
            raise ValidationFailed("unknown status", code="status_unknown", allowed=STATUSES)
        with self._uow() as uow:
            rows = uow.recon.exceptions(ExceptionFilter(markets, status, type_), after, limit)
        return [self._aged(r) for r in rows]

    def get(self, caller: Principal, exception_id: str) -> dict[str, Any]:
        with self._uow() as uow:
            row = self._visible(uow, caller, exception_id)
            return {**self._aged(row), "audit": uow.recon.audit_trail(exception_id)}

    def _aged(self, row: dict[str, Any]) -> dict[str, Any]:
        """Age in Jakarta days since the discrepancy arose (what the ageing report buckets)."""
        return {**row, "age_days": (local_date(self._clock()) - row["as_of"]).days}

    def assign(
        self, caller: Principal, exception_id: str, assignee: str, idem: Idem = None
    ) -> dict[str, Any]:
        if not assignee.strip():
            raise ValidationFailed("assignee is empty", code="assignee_required")
        return self._step(
            caller,
            exception_id,
            (OPEN, REQUESTED),
            "assigned",
            {"assignee": assignee.strip()[:100]},
            note=assignee,
            idem=idem,
        )

    def comment(
        self, caller: Principal, exception_id: str, text: str, idem: Idem = None
    ) -> dict[str, Any]:
        if not text.strip():
            raise ValidationFailed("comment is empty", code="comment_required")
        return self._step(
            caller, exception_id, STATUSES, "commented", {}, note=text[:2000], idem=idem
        )

    def request_write_off(
        self, caller: Principal, exception_id: str, reason: str, idem: Idem = None
    ) -> dict[str, Any]:
        if len(reason.strip()) < 5:
            raise ValidationFailed("a write-off needs a reason", code="reason_required")
        return self._step(
            caller,
            exception_id,
            (OPEN,),
            "write_off_requested",
            {"status": REQUESTED, "reason": reason[:500], "requested_by": caller.key_id},
            note=reason,
            idem=idem,
        )

    def reject_write_off(
        self, caller: Principal, exception_id: str, note: str, idem: Idem = None
    ) -> dict[str, Any]:
        caller.require_role(Role.FINANCE)
        return self._step(
            caller,
            exception_id,
            (REQUESTED,),
            "write_off_rejected",
            {"status": OPEN, "requested_by": None},
            note=note,
            idem=idem,
        )

    def approve_write_off(
        self, caller: Principal, exception_id: str, idem: Idem = None
    ) -> dict[str, Any]:
        """Finance approves (four eyes: not the requester); the difference goes to write-offs."""
        caller.require_role(Role.FINANCE)

        def work(uow: ReconUnitOfWork) -> dict[str, Any]:
            row = self._visible(uow, caller, exception_id, lock=True)
            _require_status(row, (REQUESTED,))
            if row["requested_by"] == caller.key_id:
                raise Forbidden(
                    "the requester cannot approve their own write-off", code="four_eyes"
                )
            now = self._clock()
            entry_id = self._adjust(
                uow, row, chart.WRITE_OFFS, row["amount"], None, now, "write-off"
            )
            values = {"status": WRITTEN_OFF, "entry_id": entry_id, "updated_at": now}
            uow.recon.update_exception(exception_id, values)
            self._claim(uow, row, caller, now)
            record(
                uow,
                now,
                caller.key_id,
                "written_off",
                exception_id=exception_id,
                entry=entry_id,
                reason=row["reason"],
            )
            return {**row, **values}

        return self._once(idem, "recon.write_off_approve", {"id": exception_id}, work)

    def resolve(
        self,
        caller: Principal,
        exception_id: str,
        note: str,
        amount: int | None = None,
        direction: int | None = None,
        idem: Idem = None,
    ) -> dict[str, Any]:
        """Close with an adjusting entry between the market's clearing account and suspense
        (money is parked there, never dropped, until it is applied to a vendor or refunded).

        `amount` defaults to the exception's amount; 0 resolves without an entry (e.g. a
        double payment settled by a refund). `direction` +1/-1 overrides the type's default.
        """
        if len(note.strip()) < 5:
            raise ValidationFailed("a resolution needs a note", code="note_required")

        def work(uow: ReconUnitOfWork) -> dict[str, Any]:
            row = self._visible(uow, caller, exception_id, lock=True)
            _require_status(row, (OPEN,))
            now = self._clock()
            value = row["amount"] if amount is None else amount
            entry_id = None
            if value:
                require_amount(value)
                entry_id = self._adjust(uow, row, chart.SUSPENSE, value, direction, now, "adjust")
            values = {
                "status": RESOLVED,
                "entry_id": entry_id,
                "reason": note[:500],
                "updated_at": now,
            }
            uow.recon.update_exception(exception_id, values)
            self._claim(uow, row, caller, now)
            record(
                uow,
                now,
                caller.key_id,
                "resolved",
                exception_id=exception_id,
                entry=entry_id,
                amount=value,
                note=note,
            )
            return {**row, **values}

        request = {"id": exception_id, "note": note, "amount": amount, "direction": direction}
        return self._once(idem, "recon.resolve", request, work)

    # -- internals ---------------------------------------------------------------------------
    def _step(
        self,
        caller: Principal,
        exception_id: str,
        allowed: tuple[str, ...],
        action: str,
        values: dict[str, Any],
        note: str,
        idem: Idem = None,
    ) -> dict[str, Any]:
        def work(uow: ReconUnitOfWork) -> dict[str, Any]:
            row = self._visible(uow, caller, exception_id, lock=True)
            _require_status(row, allowed)
            now = self._clock()
            changed = {**values, "updated_at": now}
            uow.recon.update_exception(exception_id, changed)
            record(uow, now, caller.key_id, action, exception_id=exception_id, note=note)
            return {**row, **changed}

        return self._once(idem, f"recon.{action}", {"id": exception_id, "note": note}, work)

    def _once(
        self,
        idem: Idem,
        operation: str,
        request: dict[str, Any],
        work: Callable[[ReconUnitOfWork], dict[str, Any]],
    ) -> dict[str, Any]:
        """One transaction; with an Idempotency-Key, a retry replays the first answer."""

        def run(uow: UnitOfWork) -> dict[str, Any]:
            return _json(work(cast(ReconUnitOfWork, uow)))

        factory = cast(UnitOfWorkFactory, self._uow)
        return run_once(
            factory, self._clock, idem=idem, operation=operation, request=request, work=run
        ).response

    def _visible(
        self, uow: ReconUnitOfWork, caller: Principal, exception_id: str, lock: bool = False
    ) -> dict[str, Any]:
        row = uow.recon.exception(exception_id, lock=lock)
        if row is None:
            raise NotFound("exception not found", code="exception_not_found")
        try:
            require_market(caller, row["market_code"])
        except NotFound:
            raise NotFound("exception not found", code="exception_not_found") from None
        return row

    def _adjust(
        self,
        uow: ReconUnitOfWork,
        row: dict[str, Any],
        counter: AccountSpec,
        amount: int,
        direction: int | None,
        now: datetime,
        what: str,
    ) -> str | None:
        sign = direction if direction in (1, -1) else _default_direction(row)
        if sign == 0:
            if what == "write-off":
                return None  # nothing the books disagree with the bank on
            raise ValidationFailed(
                "this exception type has no default direction: give direction +1 or -1",
                code="direction_required",
            )
        market, bank = row["market_code"], _bank_of(row["items"])
        if market is None or bank is None:
            raise ValidationFailed(
                "the exception names no market and bank to adjust", code="adjustment_target"
            )
        clearing = chart.bank_clearing(market, bank)
        clearing_side = Side.DEBIT if sign > 0 else Side.CREDIT
        postings = (
            Posting(clearing.code, clearing_side, amount),
            Posting(counter.code, clearing_side.opposite, amount),
        )
        uow.ledger.open_accounts([clearing, counter], now)
        entry = self._ledger.write(
            uow,
            [
                EntryDraft(
                    kind=EntryKind.STANDARD,
                    postings=postings,
                    effective_at=now,  # today (an open day); the day it belongs to is below
                    description=f"recon {what} {row['type']} {row['id']}"[:500],
                    chain=chain_for([clearing, counter]),
                    reference=f"{RECON_PREFIX}{what.upper()}:{row['id']}"[:120],
                    metadata={"recon_exception": row["id"], "effective_for": str(row["as_of"])},
                )
            ],
        )[0]
        return entry.id

    def _claim(
        self, uow: ReconUnitOfWork, row: dict[str, Any], caller: Principal, now: datetime
    ) -> None:
        """A manual match over the items, so no later run reports them again."""
        items = [str(i) for i in row["items"]]
        free = sorted(set(items) - uow.recon.claimed(items))
        if not free:
            return
        match_id = str(uuid.uuid4())
        uow.recon.add_match(
            {
                "id": match_id,
                "run_id": None,
                "rule": "manual",
                "market_code": row["market_code"],
                "day": row["as_of"],
                "amount": row["amount"],
                "difference": 0,
                "items": free,
                "decided_by": caller.key_id,
                "created_at": now,
            }
        )
        record(
            uow,
            now,
            caller.key_id,
            "matched_manually",
            exception_id=row["id"],
            match_id=match_id,
            items=free,
        )


def _json(row: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO text: the answer is stored as JSON under an idempotency key."""
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def _require_status(row: dict[str, Any], allowed: tuple[str, ...]) -> None:
    if row["status"] not in allowed:
        raise Conflict(
            f"the exception is {row['status']}", code="exception_state", status=row["status"]
        )


def _default_direction(row: dict[str, Any]) -> int:
    if row["type"] in _DIRECTION:
        return _DIRECTION[row["type"]]
    expected, actual = row["expected"], row["actual"]
    if expected is None or actual is None or expected == actual:
        return 0
    return 1 if actual > expected else -1


def _bank_of(items: list[Any]) -> str | None:
    for item in items:
        parts = str(item).split(":")
        if parts[0] in ("line", "callback", "batch", "statement") and len(parts) > 1:
            return parts[1]
    return None
