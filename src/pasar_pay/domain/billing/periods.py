"""Billing cadences and the calendar arithmetic they need. All ranges are inclusive."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from pasar_pay.domain.errors import ValidationFailed

ONE_DAY = timedelta(days=1)


class Cadence(StrEnum):
    DAILY = "daily"  # collector cash or a card tap for the day
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # virtual account, due by a day of the next month


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day))


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def require_range(first: date, last: date) -> None:
    if last < first:
        raise ValidationFailed(
            f"period ends ({last.isoformat()}) before it starts ({first.isoformat()})",
            code="billing.period_invalid",
            first=first.isoformat(),
            last=last.isoformat(),
        )


def split_periods(cadence: Cadence, first: date, last: date) -> list[tuple[date, date]]:
    """Cut [first, last] into billing periods: single days, 7-day runs starting at `first`, or
    calendar months (the first and last may be partial, e.g. a stall taken mid-month)."""
    require_range(first, last)
    periods: list[tuple[date, date]] = []
    start = first
    while start <= last:
        if cadence is Cadence.DAILY:
            end = start
        elif cadence is Cadence.WEEKLY:
            end = start + timedelta(days=6)
        else:
            end = month_end(start)
        end = min(end, last)
        periods.append((start, end))
        start = end + ONE_DAY
    return periods
