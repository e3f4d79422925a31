"""Arrears aging: which bucket of days past due a bill falls in on a given day.

Days past due = as_of − due date. A bill due today is 0 days past due (bucket 0-30); a bill
whose due date is still ahead is `not_due`. Buckets are contiguous, so every bill has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class AgingBucket:
    label: str
    min_days: int | None  # None: unbounded below (not yet due)
    max_days: int | None  # None: unbounded above

    def holds(self, days_past_due: int) -> bool:
        above = self.min_days is None or days_past_due >= self.min_days
        below = self.max_days is None or days_past_due <= self.max_days
        return above and below

    def due_range(self, as_of: date) -> tuple[date | None, date | None]:
        """The inclusive range of due dates in this bucket on `as_of` (None: unbounded)."""
        earliest = None if self.max_days is None else as_of - timedelta(days=self.max_days)
        latest = None if self.min_days is None else as_of - timedelta(days=self.min_days)
        return earliest, latest


BUCKETS = (
    AgingBucket("not_due", None, -1),
    AgingBucket("0-30", 0, 30),
    AgingBucket("31-60", 31, 60),
    AgingBucket("61-90", 61, 90),
    AgingBucket(">90", 91, None),
)
LABELS = tuple(b.label for b in BUCKETS)


def bucket_of(due: date, as_of: date) -> str:
    days = (as_of - due).days
    return next(b.label for b in BUCKETS if b.holds(days))
