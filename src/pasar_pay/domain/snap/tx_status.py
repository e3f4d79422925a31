"""`latestTransactionStatus` (QR query/notify, VA status) and which updates may be applied.

Notifications arrive duplicated and out of order (a "pending" after "success" is normal), so a
store must classify every incoming status against the one it holds before applying it.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from pasar_pay.domain.snap.errors import format_error, mandatory_error


class TxStatus(StrEnum):
    SUCCESS = "00"
    INITIATED = "01"
    PAYING = "02"
    PENDING = "03"
    REFUNDED = "04"
    CANCELED = "05"
    FAILED = "06"
    NOT_FOUND = "07"  # a query answer, never a state a transaction moves into
    EXPIRED = "08"
    REJECTED = "09"  # not in every PJP's table; a final failure where it is


class Transition(Enum):
    ADVANCE = "advance"  # apply it
    DUPLICATE = "duplicate"  # same status again: acknowledge, change nothing
    STALE = "stale"  # older news than what we hold: acknowledge, log, ignore
    CONFLICT = "conflict"  # two final outcomes disagree (e.g. paid after expiry): needs review


_PROGRESS = {TxStatus.INITIATED: 1, TxStatus.PAYING: 2, TxStatus.PENDING: 3}
_UNPAID_FINAL = frozenset({TxStatus.CANCELED, TxStatus.FAILED, TxStatus.EXPIRED, TxStatus.REJECTED})


def parse_tx_status(value: object, *, field: str = "latestTransactionStatus") -> TxStatus:
    if value is None or value == "":
        raise mandatory_error(field)
    if not isinstance(value, str):
        raise format_error(field, f"{field} must be a string")
    try:
        return TxStatus(value)
    except ValueError:
        raise format_error(field, f"{field} is not a known status code") from None


def is_final(status: TxStatus) -> bool:
    return status is TxStatus.SUCCESS or status is TxStatus.REFUNDED or status in _UNPAID_FINAL


def classify(current: TxStatus | None, incoming: TxStatus) -> Transition:
    """How an incoming status relates to the stored one (None = nothing stored yet).

    Order: initiated < paying < pending < final; success -> refunded is the only move out of a
    final state. Money arriving after an unpaid final state (success after expired), or a
    final failure after success (a reversal), is a CONFLICT: never silently dropped (the money
    is real) and never silently applied (a paid bill must not flip back).
    """
    if incoming is TxStatus.NOT_FOUND:
        return Transition.STALE if current is not None else Transition.DUPLICATE
    if incoming is current:
        return Transition.DUPLICATE
    if incoming is TxStatus.REFUNDED and current is not TxStatus.SUCCESS:
        # A refund of something never paid (or refunded twice over) needs a human.
        return Transition.STALE if current is TxStatus.REFUNDED else Transition.CONFLICT
    if current is None or current is TxStatus.NOT_FOUND:
        return Transition.ADVANCE
    if current in _PROGRESS:
        if incoming in _PROGRESS and _PROGRESS[incoming] < _PROGRESS[current]:
            return Transition.STALE
        return Transition.ADVANCE
    # `current` is final from here on.
    if incoming in _PROGRESS:
        return Transition.STALE
    if current is TxStatus.SUCCESS:
        return Transition.ADVANCE if incoming is TxStatus.REFUNDED else Transition.CONFLICT
    if current is TxStatus.REFUNDED:
        return Transition.STALE  # a late success/failure after a refund is old news
    # current is an unpaid final state.
    if incoming is TxStatus.SUCCESS:
        return Transition.CONFLICT
    return Transition.STALE  # canceled vs expired vs failed: the first one stands
