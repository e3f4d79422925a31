"""Recorded payment-channel outages and what they give the vendor back.

One rule serves penalties and dunning alike: every outage day between the day a bill became
payable and the as-of date moves its due date one day later. Inside the grace period that
returns a day the vendor could not pay; after the due date it pauses the late clock for that
day. Overlapping outages (two channels down together) count each date once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pasar_pay.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Outage:
    first: date  # inclusive
    last: date  # inclusive
    channel: str = ""
    reference: str = ""  # incident number, for the audit trail

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationFailed(
                "outage ends before it starts",
                code="billing.outage_invalid",
                first=self.first.isoformat(),
                last=self.last.isoformat(),
            )

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


def outage_days(outages: Iterable[Outage], first: date, last: date) -> int:
    """Distinct dates in [first, last] covered by at least one outage."""
    if last < first:
        return 0
    covered: set[date] = set()
    for outage in outages:
        day, end = max(first, outage.first), min(last, outage.last)
        while day <= end:
            covered.add(day)
            day += timedelta(days=1)
    return len(covered)


def effective_due_date(
    due: date, *, payable_from: date, as_of: date, outages: Iterable[Outage] = ()
) -> date:
    """`due` pushed back by the outage days in [payable_from, as_of] (see module docstring)."""
    return due + timedelta(days=outage_days(outages, payable_from, as_of))


def in_outage(day: date, outages: Iterable[Outage]) -> bool:
    return any(outage.covers(day) for outage in outages)
