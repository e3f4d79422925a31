"""The SHP (Surat Hak Penempatan) lifecycle: issue, extend (perpanjangan), transfer to another
name (balik nama), re-register (herregistrasi), revoke.

A right is an immutable value; every operation returns a new one with the event appended, so
the history is the list of events. Fees are configurable and flagged to verify: the real
amounts and validity period were not found (S19, S47). Revocation ends the right, not the
debt: the arrears recorded on the event stay due and their bills are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from pasar_pay.domain.billing.exact import require_non_negative_int
from pasar_pay.domain.errors import Conflict, ValidationFailed


class ShpStatus(StrEnum):
    NOT_YET = "not_yet"  # before valid_from
    ACTIVE = "active"
    EXPIRED = "expired"  # past valid_until, may still be extended
    REVOKED = "revoked"  # terminal


class ShpEventKind(StrEnum):
    ISSUED = "issued"
    EXTENDED = "extended"
    TRANSFERRED = "transferred"
    REREGISTERED = "reregistered"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class ShpFeeSchedule:
    issue: int
    extension: int
    transfer: int
    reregistration: int
    legal_basis: str = "to verify: SHP fee amounts not found (S19, S47)"
    to_verify: bool = True

    def __post_init__(self) -> None:
        for name in ("issue", "extension", "transfer", "reregistration"):
            require_non_negative_int(getattr(self, name), field=name)


# Explicitly zero rather than invented: a fee appears on events once Disdag confirms it.
UNKNOWN_SHP_FEES = ShpFeeSchedule(issue=0, extension=0, transfer=0, reregistration=0)


@dataclass(frozen=True, slots=True)
class ShpEvent:
    kind: ShpEventKind
    effective_on: date
    holder_id: str  # the holder after the event
    valid_until: date
    fee: int
    fee_legal_basis: str
    fee_to_verify: bool
    reason: str = ""
    arrears_outstanding: int = 0  # revocation: still due after the right ends


@dataclass(frozen=True, slots=True)
class PlacementRight:
    shp_number: str
    stall_id: str
    holder_id: str
    valid_from: date
    valid_until: date  # inclusive
    revoked_on: date | None
    events: tuple[ShpEvent, ...]

    def status_on(self, day: date) -> ShpStatus:
        if self.revoked_on is not None and day >= self.revoked_on:
            return ShpStatus.REVOKED
        if day < self.valid_from:
            return ShpStatus.NOT_YET
        return ShpStatus.ACTIVE if day <= self.valid_until else ShpStatus.EXPIRED

    @property
    def arrears_at_revocation(self) -> int:
        return sum(e.arrears_outstanding for e in self.events if e.kind is ShpEventKind.REVOKED)


def issue_shp(
    *,
    shp_number: str,
    stall_id: str,
    holder_id: str,
    effective_on: date,
    valid_until: date,
    fees: ShpFeeSchedule,
) -> PlacementRight:
    for name, value in (("shp_number", shp_number), ("stall_id", stall_id)):
        if not value.strip():
            raise ValidationFailed(f"{name} is required", code="billing.shp_field_missing")
    _require_holder(holder_id)
    if valid_until < effective_on:
        raise ValidationFailed(
            "an SHP must be valid for at least its first day",
            code="billing.shp_validity_invalid",
            effective_on=effective_on.isoformat(),
            valid_until=valid_until.isoformat(),
        )
    event = _event(ShpEventKind.ISSUED, effective_on, holder_id, valid_until, fees.issue, fees)
    return PlacementRight(
        shp_number, stall_id, holder_id, effective_on, valid_until, None, (event,)
    )


def extend_shp(
    right: PlacementRight, *, on: date, valid_until: date, fees: ShpFeeSchedule
) -> PlacementRight:
    """Perpanjangan: allowed while active or after expiry (late renewal), never once revoked."""
    _require(right, on, ShpEventKind.EXTENDED, {ShpStatus.ACTIVE, ShpStatus.EXPIRED})
    if valid_until <= right.valid_until or valid_until < on:
        raise ValidationFailed(
            f"extension must end after {right.valid_until.isoformat()} and not before {on}",
            code="billing.shp_validity_invalid",
            current_valid_until=right.valid_until.isoformat(),
            valid_until=valid_until.isoformat(),
        )
    event = _event(ShpEventKind.EXTENDED, on, right.holder_id, valid_until, fees.extension, fees)
    return replace(right, valid_until=valid_until, events=(*right.events, event))


def transfer_shp(
    right: PlacementRight, *, on: date, to_holder_id: str, fees: ShpFeeSchedule, reason: str = ""
) -> PlacementRight:
    """Balik nama: only a right in force can change hands."""
    _require(right, on, ShpEventKind.TRANSFERRED, {ShpStatus.ACTIVE})
    _require_holder(to_holder_id)
    if to_holder_id == right.holder_id:
        raise ValidationFailed(
            "transfer to the current holder", code="billing.shp_same_holder", holder=to_holder_id
        )
    event = _event(
        ShpEventKind.TRANSFERRED, on, to_holder_id, right.valid_until, fees.transfer, fees, reason
    )
    return replace(right, holder_id=to_holder_id, events=(*right.events, event))


def reregister_shp(right: PlacementRight, *, on: date, fees: ShpFeeSchedule) -> PlacementRight:
    """Herregistrasi: re-confirms holder data; an expired right must be extended first."""
    _require(right, on, ShpEventKind.REREGISTERED, {ShpStatus.ACTIVE})
    event = _event(
        ShpEventKind.REREGISTERED, on, right.holder_id, right.valid_until, fees.reregistration, fees
    )
    return replace(right, events=(*right.events, event))


def revoke_shp(
    right: PlacementRight, *, on: date, reason: str, arrears_outstanding: int
) -> PlacementRight:
    """Ends the right from `on`. Arrears are recorded, not forgiven: they remain due."""
    _require(
        right, on, ShpEventKind.REVOKED, {ShpStatus.ACTIVE, ShpStatus.EXPIRED, ShpStatus.NOT_YET}
    )
    if not reason.strip():
        raise ValidationFailed("revocation needs a reason", code="billing.shp_reason_missing")
    arrears = require_non_negative_int(arrears_outstanding, field="arrears_outstanding")
    event = ShpEvent(
        kind=ShpEventKind.REVOKED,
        effective_on=on,
        holder_id=right.holder_id,
        valid_until=right.valid_until,
        fee=0,
        fee_legal_basis="",
        fee_to_verify=False,
        reason=reason,
        arrears_outstanding=arrears,
    )
    return replace(right, revoked_on=on, events=(*right.events, event))


def _require(right: PlacementRight, on: date, kind: ShpEventKind, allowed: set[ShpStatus]) -> None:
    last = right.events[-1].effective_on
    if on < last:
        raise ValidationFailed(
            f"{kind.value} on {on.isoformat()} is before the last event ({last.isoformat()})",
            code="billing.shp_event_out_of_order",
            last_event_on=last.isoformat(),
        )
    status = ShpStatus.REVOKED if right.revoked_on is not None else right.status_on(on)
    if status not in allowed:
        raise Conflict(
            f"SHP {right.shp_number} cannot be {kind.value}: it is {status.value}",
            code="billing.shp_invalid_transition",
            shp_number=right.shp_number,
            current_state=status.value,
            event=kind.value,
        )


def _require_holder(holder_id: str) -> None:
    if not holder_id.strip():
        raise ValidationFailed("holder is required", code="billing.shp_field_missing")


def _event(
    kind: ShpEventKind,
    on: date,
    holder_id: str,
    valid_until: date,
    fee: int,
    fees: ShpFeeSchedule,
    reason: str = "",
) -> ShpEvent:
    return ShpEvent(
        kind=kind,
        effective_on=on,
        holder_id=holder_id,
        valid_until=valid_until,
        fee=fee,
        fee_legal_basis=fees.legal_basis,
        fee_to_verify=fees.to_verify,
        reason=reason,
    )
