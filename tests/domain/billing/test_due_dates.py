"""Due dates per cadence, and how periods are cut."""

from __future__ import annotations

from datetime import date

import pytest

from pasar_pay.domain.billing.due_dates import DueDateRule, due_date
from pasar_pay.domain.billing.periods import Cadence, add_months, split_periods
from pasar_pay.domain.errors import ValidationFailed


@pytest.mark.parametrize(
    ("cadence", "period_last", "rule", "due"),
    [
        (Cadence.MONTHLY, date(2022, 6, 30), DueDateRule(), date(2022, 7, 5)),
        (Cadence.MONTHLY, date(2022, 12, 31), DueDateRule(), date(2023, 1, 5)),
        (Cadence.MONTHLY, date(2022, 6, 15), DueDateRule(), date(2022, 7, 5)),  # partial month
        (Cadence.MONTHLY, date(2023, 1, 31), DueDateRule(monthly_day=31), date(2023, 2, 28)),
        (Cadence.MONTHLY, date(2024, 1, 31), DueDateRule(monthly_day=30), date(2024, 2, 29)),
        (Cadence.MONTHLY, date(2022, 6, 30), DueDateRule(monthly_day=10), date(2022, 7, 10)),
        (Cadence.WEEKLY, date(2022, 6, 12), DueDateRule(), date(2022, 6, 15)),
        (
            Cadence.WEEKLY,
            date(2022, 6, 12),
            DueDateRule(weekly_days_after_end=0),
            date(2022, 6, 12),
        ),
        (Cadence.DAILY, date(2022, 6, 3), DueDateRule(), date(2022, 6, 3)),
        (Cadence.DAILY, date(2022, 6, 30), DueDateRule(daily_days_after_end=1), date(2022, 7, 1)),
    ],
)
def test_due_dates(cadence: Cadence, period_last: date, rule: DueDateRule, due: date) -> None:
    assert due_date(cadence, period_last, rule) == due


@pytest.mark.parametrize(
    "kwargs", [{"monthly_day": 0}, {"monthly_day": 32}, {"weekly_days_after_end": -1}]
)
def test_invalid_rules(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed) as err:
        DueDateRule(**kwargs)
    assert err.value.code == "billing.due_rule_invalid"


def test_split_periods() -> None:
    first, last = date(2022, 6, 20), date(2022, 7, 3)
    assert split_periods(Cadence.MONTHLY, first, last) == [
        (date(2022, 6, 20), date(2022, 6, 30)),
        (date(2022, 7, 1), date(2022, 7, 3)),
    ]
    assert split_periods(Cadence.WEEKLY, first, last) == [
        (date(2022, 6, 20), date(2022, 6, 26)),
        (date(2022, 6, 27), date(2022, 7, 3)),
    ]
    assert len(split_periods(Cadence.DAILY, first, last)) == 14
    with pytest.raises(ValidationFailed):
        split_periods(Cadence.DAILY, last, first)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2022, 1, 31), 1, date(2022, 2, 28)),
        (date(2022, 12, 5), 1, date(2023, 1, 5)),
        (date(2022, 3, 31), -1, date(2022, 2, 28)),
        (date(2022, 7, 5), 24, date(2024, 7, 5)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
