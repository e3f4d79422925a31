"""Placement rights (SHP): issue, extend, transfer (balik nama), re-register, revoke.

The rules live in `domain/billing/placement.py`; this use case loads a right from its row and
its append-only history (`placement_events`), applies one transition, and stores the result in
one transaction: the placement row (current holder, validity, status), the new event, the fee
charged to the holder's receivable, and the stall's status.

Fees are charged Dr `market:M:receivable:V`, Cr `market:M:revenue:retribution`: an SHP fee is a
market retribution (the "retribusi permohonan baru" of Disdag's service list), owed by the
holder to the market of the stall. The entry carries `metadata.kind = "shp_fee"` so reports can
tell it from stall rent until the revenue office gives it an account code of its own. The fee
is not a bill, so bill payments do not settle it (see the report's limitations).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.billing.placement import (
    UNKNOWN_SHP_FEES,
    PlacementRight,
    ShpEvent,
    ShpEventKind,
    ShpFeeSchedule,
    extend_shp,
    issue_shp,
    reregister_shp,
    revoke_shp,
    transfer_shp,
)
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.domain.registry.model import StallSpec, StallStatus
from pasar_pay.services.billing import start_of_day
from pasar_pay.services.digest import JAKARTA
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ports import (
    BillsFilter,
    Clock,
    PlacementFilter,
    PlacementRecord,
    UnitOfWork,
    UnitOfWorkFactory,
)

# Demo and imported SHPs have no end date; the domain needs one.
OPEN_ENDED = date(9999, 12, 31)
LEGACY_NOTE = "registered before SHP history was kept"
# Stalls that cannot be given to anyone until staff set them vacant or active again.
_UNAVAILABLE = {StallStatus.DAMAGED, StallStatus.CLOSED, StallStatus.SEALED}

Transition = Callable[[PlacementRight], PlacementRight]


def _not_found() -> NotFound:
    return NotFound("placement right not found", code="placement_not_found")


def _note(event: ShpEvent, entry_id: str | None) -> str:
    body = {
        "reason": event.reason,
        "arrears_outstanding": event.arrears_outstanding,
        "fee_legal_basis": event.fee_legal_basis,
        "fee_to_verify": event.fee_to_verify,
        "entry_id": entry_id,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _parse_note(note: str) -> dict[str, Any]:
    try:
        parsed = json.loads(note)
    except ValueError:
        return {"reason": note}
    return parsed if isinstance(parsed, dict) else {"reason": note}


def _event(row: dict[str, Any]) -> ShpEvent:
    extra = _parse_note(row["note"])
    return ShpEvent(
        kind=ShpEventKind(row["kind"]),
        effective_on=row["effective_from"],
        holder_id=row["vendor_code"],
        valid_until=row["effective_to"] or OPEN_ENDED,
        fee=int(row["fee"]),
        fee_legal_basis=str(extra.get("fee_legal_basis") or ""),
        fee_to_verify=bool(extra.get("fee_to_verify", False)),
        reason=str(extra.get("reason") or ""),
        arrears_outstanding=int(extra.get("arrears_outstanding") or 0),
    )


def _legacy_issue(record: PlacementRecord) -> ShpEvent:
    return ShpEvent(
        kind=ShpEventKind.ISSUED,
        effective_on=record.valid_from,
        holder_id=record.vendor_code,
        valid_until=record.valid_to or OPEN_ENDED,
        fee=0,
        fee_legal_basis="",
        fee_to_verify=False,
        reason=LEGACY_NOTE,
    )


def load_right(record: PlacementRecord, history: list[dict[str, Any]]) -> PlacementRight:
    """The domain value for a stored right; a right without history gets its issue back."""
    events = tuple(_event(row) for row in history) or (_legacy_issue(record),)
    revoked = [e.effective_on for e in events if e.kind is ShpEventKind.REVOKED]
    return PlacementRight(
        shp_number=record.id,
        stall_id=record.stall_code,
        holder_id=record.vendor_code,
        valid_from=record.valid_from,
        valid_until=record.valid_to or OPEN_ENDED,
        revoked_on=revoked[-1] if revoked else None,
        events=events,
    )


def _iso(day: date | None) -> str | None:
    return None if day is None or day == OPEN_ENDED else day.isoformat()


class PlacementService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        ledger: LedgerService,
        fees: ShpFeeSchedule = UNKNOWN_SHP_FEES,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger
        self._fees = fees

    def _today(self) -> date:
        return self._clock().astimezone(JAKARTA).date()

    # -- commands ---------------------------------------------------------------------------
    def issue(
        self,
        caller: Principal,
        *,
        shp_number: str,
        stall: str,
        vendor: str,
        effective_on: date,
        valid_until: date,
        note: str = "",
    ) -> dict[str, Any]:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        with self._uow() as uow:
            spec = uow.registry.lock_stall(stall)
            if spec is None or not caller.sees_market(spec.market_code):
                raise NotFound("stall not found", code="stall_not_found")
            if uow.registry.vendor(vendor) is None:
                raise ValidationFailed("unknown vendor", code="vendor_unknown", vendor=vendor)
            if spec.status in _UNAVAILABLE:
                raise Conflict(
                    f"stall {stall} is {spec.status.value}",
                    code="billing.stall_unavailable",
                    stall=stall,
                    stall_status=spec.status.value,
                )
            held = uow.registry.active_placement(stall)
            if held is not None:
                raise Conflict(
                    f"stall {stall} already has SHP {held.id}",
                    code="billing.stall_occupied",
                    shp_number=held.id,
                )
            if uow.registry.placement(shp_number) is not None:
                raise Conflict(
                    f"SHP {shp_number} exists", code="billing.shp_exists", shp_number=shp_number
                )
            right = issue_shp(
                shp_number=shp_number,
                stall_id=stall,
                holder_id=vendor,
                effective_on=effective_on,
                valid_until=valid_until,
                fees=self._fees,
            )
            if note.strip():
                issued = replace(right.events[0], reason=note.strip())
                right = replace(right, events=(issued,))
            self._store(uow, caller, spec, right, legacy=None)
            if spec.status is StallStatus.VACANT:
                uow.registry.set_stall_status(stall, StallStatus.ACTIVE)
            uow.commit()
            return self._view(uow, right, spec)

    def extend(
        self, caller: Principal, shp_number: str, *, on: date, valid_until: date
    ) -> dict[str, Any]:
        return self._transition(
            caller,
            shp_number,
            lambda r: extend_shp(r, on=on, valid_until=valid_until, fees=self._fees),
        )

    def transfer(
        self, caller: Principal, shp_number: str, *, on: date, to_vendor: str, reason: str
    ) -> dict[str, Any]:
        def check(uow: UnitOfWork) -> None:
            if uow.registry.vendor(to_vendor) is None:
                raise ValidationFailed("unknown vendor", code="vendor_unknown", vendor=to_vendor)

        return self._transition(
            caller,
            shp_number,
            lambda r: transfer_shp(
                r, on=on, to_holder_id=to_vendor, fees=self._fees, reason=reason.strip()
            ),
            check=check,
        )

    def reregister(self, caller: Principal, shp_number: str, *, on: date) -> dict[str, Any]:
        return self._transition(
            caller, shp_number, lambda r: reregister_shp(r, on=on, fees=self._fees)
        )

    def revoke(
        self, caller: Principal, shp_number: str, *, on: date, reason: str
    ) -> dict[str, Any]:
        """Ends the right; the holder's open bills for the stall stay due, untouched."""
        arrears: dict[str, int] = {}

        def check(uow: UnitOfWork) -> None:
            record = uow.registry.placement(shp_number)
            assert record is not None
            open_bills = uow.billing.bills(
                BillsFilter(vendor=record.vendor_code, stall=record.stall_code, open_only=True),
                None,
                10**6,
            )
            arrears["owed"] = sum(b.owed for b in open_bills)

        return self._transition(
            caller,
            shp_number,
            lambda r: revoke_shp(
                r, on=on, reason=reason.strip(), arrears_outstanding=arrears["owed"]
            ),
            check=check,
        )

    def _transition(
        self,
        caller: Principal,
        shp_number: str,
        apply: Transition,
        check: Callable[[UnitOfWork], None] | None = None,
    ) -> dict[str, Any]:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        with self._uow() as uow:
            record = uow.registry.lock_placement(shp_number)
            if record is None:
                raise _not_found()
            spec = uow.registry.stall(record.stall_code)
            if spec is None or not caller.sees_market(spec.market_code):
                raise _not_found()
            history = uow.registry.placement_history(shp_number)
            before = load_right(record, history)
            if check is not None:
                check(uow)
            after = apply(before)
            self._store(uow, caller, spec, after, legacy=record if not history else None)
            if after.revoked_on is not None and spec.status is StallStatus.ACTIVE:
                uow.registry.set_stall_status(spec.code, StallStatus.VACANT)
            uow.commit()
            return self._view(uow, after, spec)

    def _store(
        self,
        uow: UnitOfWork,
        caller: Principal,
        stall: StallSpec,
        right: PlacementRight,
        legacy: PlacementRecord | None,
    ) -> None:
        now = self._clock()
        event = right.events[-1]
        record = PlacementRecord(
            id=right.shp_number,
            stall_code=right.stall_id,
            vendor_code=right.holder_id,
            status="revoked" if right.revoked_on is not None else "active",
            valid_from=right.valid_from,
            valid_to=None if right.valid_until == OPEN_ENDED else right.valid_until,
        )
        uow.registry.save_placements([record], now)
        market = stall.market_code
        receivable = chart.market_receivable(market, right.holder_id)
        uow.ledger.open_accounts([receivable], now)
        entry_id = None
        if event.fee > 0:
            draft = EntryDraft(
                kind=EntryKind.STANDARD,
                effective_at=start_of_day(event.effective_on),
                description=f"biaya SHP {event.kind.value} {right.shp_number} {right.stall_id}",
                chain=market,
                reference=right.shp_number,
                metadata={"kind": "shp_fee", "event": event.kind.value, "shp": right.shp_number},
                postings=(
                    Posting(receivable.code, Side.DEBIT, event.fee),
                    Posting(chart.retribution_revenue(market).code, Side.CREDIT, event.fee),
                ),
            )
            entry_id = self._ledger.write(uow, [draft])[0].id
        rows = []
        if legacy is not None:  # persist the implicit issue first, so history stays complete
            rows.append(self._event_row(right, _legacy_issue(legacy), None, None, now))
        rows.append(self._event_row(right, event, entry_id, caller.key_id, now))
        uow.registry.add_placement_events(rows)
        uow.audit.append(
            now,
            caller.key_id,
            f"shp.{event.kind.value}",
            right.shp_number,
            {"holder": right.holder_id, "on": event.effective_on.isoformat(), "fee": event.fee},
        )

    @staticmethod
    def _event_row(
        right: PlacementRight,
        event: ShpEvent,
        entry_id: str | None,
        actor: str | None,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "placement_id": right.shp_number,
            "kind": event.kind.value,
            "vendor_code": event.holder_id,
            "effective_from": event.effective_on,
            "effective_to": None if event.valid_until == OPEN_ENDED else event.valid_until,
            "fee": event.fee,
            "note": _note(event, entry_id),
            "actor": actor,
            "at": now,
        }

    # -- reads ------------------------------------------------------------------------------
    def get(self, caller: Principal, shp_number: str) -> dict[str, Any]:
        with self._uow() as uow:
            record = uow.registry.placement(shp_number)
            if record is None:
                raise _not_found()
            spec = uow.registry.stall(record.stall_code)
            if spec is None or not self._may_read(caller, record, spec):
                raise _not_found()
            right = load_right(record, uow.registry.placement_history(shp_number))
            return self._view(uow, right, spec)

    def list(
        self,
        caller: Principal,
        *,
        market: str | None = None,
        stall: str | None = None,
        status: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> tuple[list[dict[str, Any]], str | None]:
        if caller.role is Role.VENDOR:
            flt = PlacementFilter(
                vendor=caller.vendor_code, market=market, stall=stall, status=status
            )
        else:
            caller.require_role(Role.FINANCE, Role.MANAGER, Role.COLLECTOR)
            if market is not None:
                caller.require_market(market)
            flt = PlacementFilter(
                markets=None if caller.city_wide else caller.markets,
                market=market,
                stall=stall,
                status=status,
            )
        with self._uow() as uow:
            found = uow.registry.list_placements(flt, cursor, limit + 1)
            items = []
            for record in found[:limit]:
                spec = uow.registry.stall(record.stall_code)
                assert spec is not None
                right = load_right(record, uow.registry.placement_history(record.id))
                items.append(self._summary(right, spec))
        return items, found[limit - 1].id if len(found) > limit else None

    @staticmethod
    def _may_read(caller: Principal, record: PlacementRecord, stall: StallSpec) -> bool:
        if caller.role is Role.VENDOR:
            return record.vendor_code == caller.vendor_code
        if caller.role in (Role.FINANCE, Role.MANAGER, Role.COLLECTOR):
            return caller.sees_market(stall.market_code)
        return False

    def _summary(self, right: PlacementRight, stall: StallSpec) -> dict[str, Any]:
        return {
            "shp_number": right.shp_number,
            "stall": right.stall_id,
            "market": stall.market_code,
            "holder": right.holder_id,
            "status": right.status_on(self._today()).value,
            "valid_from": right.valid_from.isoformat(),
            "valid_until": _iso(right.valid_until),
            "revoked_on": _iso(right.revoked_on),
            "arrears_at_revocation": right.arrears_at_revocation,
        }

    def _view(self, uow: UnitOfWork, right: PlacementRight, stall: StallSpec) -> dict[str, Any]:
        view = self._summary(right, stall)
        rows = uow.registry.placement_history(right.shp_number)
        view["history"] = [
            {
                "kind": row["kind"],
                "effective_on": row["effective_from"].isoformat(),
                "holder": row["vendor_code"],
                "valid_until": _iso(row["effective_to"]),
                "fee": int(row["fee"]),
                "fee_legal_basis": extra.get("fee_legal_basis") or None,
                "fee_to_verify": bool(extra.get("fee_to_verify", False)),
                "reason": extra.get("reason") or "",
                "arrears_outstanding": int(extra.get("arrears_outstanding") or 0),
                "entry_id": extra.get("entry_id"),
                "actor": row["actor"],
                "at": row["at"].isoformat(),
            }
            for row in rows
            for extra in [_parse_note(row["note"])]
        ]
        if not rows:  # never changed since it was loaded: show the implicit issue
            view["history"] = [
                {
                    "kind": "issued",
                    "effective_on": right.valid_from.isoformat(),
                    "holder": right.holder_id,
                    "valid_until": _iso(right.valid_until),
                    "fee": 0,
                    "fee_legal_basis": None,
                    "fee_to_verify": False,
                    "reason": LEGACY_NOTE,
                    "arrears_outstanding": 0,
                    "entry_id": None,
                    "actor": None,
                    "at": None,
                }
            ]
        return view
