"""X-TIMESTAMP parsing, the freshness window, and the Asia/Jakarta calendar day.

Jakarta is UTC+7 all year (no DST since 1964), so a fixed offset is exact and needs no tzdata.
The clock is never read here: callers pass `now`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from pasar_pay.domain.snap.codes import SnapCase
from pasar_pay.domain.snap.errors import SnapError, format_error, mandatory_error

JAKARTA = timezone(timedelta(hours=7), "WIB")
DEFAULT_WINDOW = timedelta(seconds=300)

# yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM|±HHMM). The offset is mandatory: a naive time is
# ambiguous by seven hours. Fractions beyond microseconds are truncated, not refused.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:(Z)|([+-])(\d{2}):?(\d{2}))",
    re.ASCII,  # `\d` would otherwise match any Unicode digit
)
_MAX_OFFSET = timedelta(hours=14)


def parse_timestamp(value: str | None, *, field: str = "X-TIMESTAMP") -> datetime:
    """An aware datetime, or `SnapError` (case 02 missing, case 01 malformed)."""
    if value is None or value == "":
        raise mandatory_error(field)
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise _bad(field, "must be ISO-8601 with an offset")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    if zulu:
        offset = timedelta(0)
    else:
        if int(off_m) >= 60:
            raise _bad(field, "has an invalid offset")
        offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
        if abs(offset) > _MAX_OFFSET:
            raise _bad(field, "has an invalid offset")
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            micro,
            tzinfo=timezone(offset),
        )
    except ValueError:
        raise _bad(field, "is not a real date/time") from None


def check_window(
    timestamp: str | datetime, now: datetime, window: timedelta = DEFAULT_WINDOW
) -> datetime:
    """Refuse (`401xx00 Unauthorized. [Timestamp]`) a time more than `window` from `now`.

    Symmetric on purpose: a far-future timestamp is as suspicious as a stale one (a signed
    request captured now must not become replayable later). |now - ts| == window is accepted.
    """
    _require_aware(now, "now")
    moment = parse_timestamp(timestamp) if isinstance(timestamp, str) else timestamp
    _require_aware(moment, "timestamp")
    if abs(now - moment) > window:
        raise SnapError(
            f"X-TIMESTAMP is more than {int(window.total_seconds())} s from server time",
            code="snap_timestamp_outside_window",
            case=SnapCase.UNAUTHORIZED,
            field="X-TIMESTAMP",
            detail="Timestamp",
        )
    return moment


def jakarta_day(moment: datetime) -> date:
    """The Asia/Jakarta calendar day: the scope of the X-EXTERNAL-ID uniqueness rule."""
    _require_aware(moment, "moment")
    return moment.astimezone(JAKARTA).date()


def seconds_until_jakarta_midnight(now: datetime) -> int:
    """TTL for a per-day replay key: whole seconds until the next Jakarta midnight (>= 1)."""
    _require_aware(now, "now")
    local = now.astimezone(JAKARTA)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=JAKARTA)
    return max(1, int((midnight - local).total_seconds()))


def format_timestamp(moment: datetime) -> str:
    """`yyyy-MM-ddTHH:mm:ss+07:00` in Jakarta time (sub-seconds dropped), for response headers."""
    _require_aware(moment, "moment")
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def _bad(field: str, problem: str) -> SnapError:
    return format_error(field, f"{field} {problem}", code="snap_timestamp_format")


def _require_aware(moment: datetime, name: str) -> None:
    # A naive datetime here is a programming error, not a bank's: fail loudly.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
