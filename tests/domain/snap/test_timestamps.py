"""X-TIMESTAMP parsing, the freshness window and the Jakarta day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.timestamps import (
    JAKARTA,
    check_window,
    format_timestamp,
    jakarta_day,
    parse_timestamp,
    seconds_until_jakarta_midnight,
)

NOW = datetime(2025, 1, 15, 2, 30, 5, tzinfo=UTC)  # 09:30:05 WIB


@pytest.mark.parametrize(
    "header",
    [
        "2025-01-15T09:30:05+07:00",
        "2025-01-15T09:30:05.000+07:00",
        "2025-01-15T02:30:05Z",
        "2025-01-15T02:30:05.000Z",
        "2025-01-15T09:30:05+0700",
        "2025-01-14T21:30:05-05:00",
    ],
)
def test_parse_accepted_spellings_of_one_instant(header: str) -> None:
    assert parse_timestamp(header) == NOW


def test_parse_keeps_milliseconds() -> None:
    assert parse_timestamp("2025-01-15T09:30:05.123+07:00").microsecond == 123000
    assert parse_timestamp("2025-01-15T09:30:05.123456789+07:00").microsecond == 123456


@pytest.mark.parametrize(
    "header",
    [
        "2025-01-15T09:30:05",  # naive: ambiguous by seven hours
        "2025-01-15 09:30:05+07:00",
        "2025-02-30T09:30:05+07:00",
        "2025-01-15T24:00:00+07:00",
        "2025-01-15T09:30:05+07:60",
        "2025-01-15T09:30:05+15:00",
        "1736908205",
        "2025-01-15T09:30:05+07:00 ",
        "٢٠٢٥-01-15T09:30:05+07:00",  # non-ASCII digits
    ],
)
def test_parse_refuses_malformed(header: str) -> None:
    with pytest.raises(SnapError) as info:
        parse_timestamp(header)
    assert info.value.code == "snap_timestamp_format"
    assert info.value.status(ServiceCode.ACCESS_TOKEN_B2B).code == "4007301"


def test_missing_timestamp_is_mandatory_field() -> None:
    with pytest.raises(SnapError) as info:
        parse_timestamp(None)
    assert info.value.status(ServiceCode.ACCESS_TOKEN_B2B).code == "4007302"


def test_window_boundaries_both_directions() -> None:
    window = timedelta(seconds=300)
    for delta in (0, 300, -300):
        check_window(NOW + timedelta(seconds=delta), NOW, window)
    for delta in (301, -301):
        with pytest.raises(SnapError) as info:
            check_window(NOW + timedelta(seconds=delta), NOW, window)
        assert info.value.code == "snap_timestamp_outside_window"
        status = info.value.status(ServiceCode.VA_INQUIRY)
        assert (status.code, status.message) == ("4012400", "Unauthorized. [Timestamp]")


def test_window_on_header_strings() -> None:
    assert check_window("2025-01-15T09:25:05+07:00", NOW) == NOW - timedelta(minutes=5)
    with pytest.raises(SnapError):
        check_window("2025-01-15T09:25:04.999+07:00", NOW)  # stale by 1 ms
    with pytest.raises(SnapError):
        check_window("2025-01-15T09:35:05.001+07:00", NOW)  # future by 1 ms


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        check_window("2025-01-15T09:30:05+07:00", datetime(2025, 1, 15, 9, 30))


def test_jakarta_day_rollover() -> None:
    late = parse_timestamp("2025-01-15T23:59:59+07:00")
    early = parse_timestamp("2025-01-16T00:00:00+07:00")
    assert jakarta_day(late) == date(2025, 1, 15)
    assert jakarta_day(early) == date(2025, 1, 16)
    # 17:00 UTC on the 15th is already the 16th in Jakarta.
    assert jakarta_day(datetime(2025, 1, 15, 17, 0, tzinfo=UTC)) == date(2025, 1, 16)
    assert jakarta_day(datetime(2025, 1, 15, 16, 59, 59, tzinfo=UTC)) == date(2025, 1, 15)
    assert seconds_until_jakarta_midnight(late) == 1
    assert seconds_until_jakarta_midnight(early) == 86400


def test_format_timestamp() -> None:
    assert format_timestamp(NOW) == "2025-01-15T09:30:05+07:00"
    assert format_timestamp(datetime(2025, 1, 15, 17, 0, 0, 999, tzinfo=UTC)) == (
        "2025-01-16T00:00:00+07:00"
    )
    assert parse_timestamp(format_timestamp(NOW)) == NOW
    assert datetime(2025, 1, 1, tzinfo=JAKARTA).utcoffset() == timedelta(hours=7)
