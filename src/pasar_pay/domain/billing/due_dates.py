"""When a period's bill falls due. The due date is the last day to pay without being late.

Defaults: a monthly bill is due by the 5th of the following month (the Kadipolo VA practice
reported in 2022; not found in a statute, so configurable); a weekly bill three days after the
week ends; a daily bill on the day itself (collectors and card readers collect on the day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pasar_pay.domain.billing.periods import Cadence, add_months, days_in_month
from pasar_pay.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class DueDateRule:
    monthly_day: int = 5  # day of the month after the period; clamped to short months
    weekly_days_after_end: int = 3
    daily_days_after_end: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.monthly_day <= 31:
            raise ValidationFailed(
                "monthly due day must be 1..31",
                code="billing.due_rule_invalid",
                monthly_day=self.monthly_day,
            )
        for name in ("weekly_days_after_end", "daily_days_after_end"):
            if not 0 <= getattr(self, name) <= 366:
                raise ValidationFailed(
                    f"{name} must be 0..366", code="billing.due_rule_invalid", field=name
                )


DEFAULT_DUE_RULE = DueDateRule()


def due_date(cadence: Cadence, period_last: date, rule: DueDateRule = DEFAULT_DUE_RULE) -> date:
    """Due date of the bill for a period ending on `period_last` (inclusive).

    A monthly day past the end of a short month falls on that month's last day (31 → 28 Feb),
    never rolls into the month after.
    """
    if cadence is Cadence.MONTHLY:
        following = add_months(period_last.replace(day=1), 1)
        return following.replace(day=min(rule.monthly_day, days_in_month(following)))
    if cadence is Cadence.WEEKLY:
        return period_last + timedelta(days=rule.weekly_days_after_end)
    return period_last + timedelta(days=rule.daily_days_after_end)
