"""Late-payment interest: 1 % × started months, the 24-month cap, legacy 2 %, outages, and
incremental accrual that is idempotent within a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.billing.outages import Outage, outage_days
from pasar_pay.domain.billing.penalties import (
    HKPD_1_PERCENT,
    LEGACY_2_PERCENT,
    PenaltyPolicy,
    months_late,
    penalty_to_accrue,
)
from pasar_pay.domain.errors import ValidationFailed

DUE = date(2022, 7, 5)  # June 2022 Kadipolo bill, due by the 5th
ISSUED = date(2022, 7, 1)


@pytest.mark.parametrize(
    ("due", "as_of", "months"),
    [
        (DUE, date(2022, 7, 5), 0),  # paying on the due date is on time
        (DUE, date(2022, 7, 6), 1),  # one day late: a started month counts in full
        (DUE, date(2022, 8, 5), 1),
        (DUE, date(2022, 8, 6), 2),
        (DUE, date(2024, 7, 6), 25),  # uncapped here; the policy caps
        (date(2022, 1, 31), date(2022, 2, 28), 1),  # clamped month end
        (date(2022, 1, 31), date(2022, 3, 1), 2),
        (DUE, date(2022, 6, 1), 0),
    ],
)
def test_months_late(due: date, as_of: date, months: int) -> None:
    assert months_late(due, as_of) == months


def accrue(as_of: date, *, already: int = 0, principal: int = 215_670, **kw: object) -> int:
    return penalty_to_accrue(
        open_principal=principal,
        due=DUE,
        payable_from=ISSUED,
        as_of=as_of,
        months_already_accrued=already,
        **kw,  # type: ignore[arg-type]
    ).amount


@pytest.mark.parametrize(
    ("case", "as_of", "policy", "amount"),
    [
        ("on time", date(2022, 7, 5), HKPD_1_PERCENT, 0),
        ("1 day late: 1 % of 215,670 floored", date(2022, 7, 6), HKPD_1_PERCENT, 2_156),
        ("3 started months", date(2022, 9, 6), HKPD_1_PERCENT, 3 * 2_156),
        ("capped at 24 months", date(2030, 1, 1), HKPD_1_PERCENT, 24 * 2_156),
        ("legacy 2 %", date(2022, 9, 6), LEGACY_2_PERCENT, 3 * 4_313),
        (
            "configured 1.5 %, cap 6",
            date(2025, 1, 1),
            PenaltyPolicy(150, 6, "test", to_verify=True),
            6 * 3_235,
        ),
    ],
)
def test_penalty_examples(case: str, as_of: date, policy: PenaltyPolicy, amount: int) -> None:
    assert accrue(as_of, policy=policy) == amount, case


def test_outage_in_grace_extends_the_due_date_day_for_day() -> None:
    # Readers down 3–6 July (4 days): due 5 July becomes 9 July.
    outage = [Outage(date(2022, 7, 3), date(2022, 7, 6), "bank-jateng-reader", "INC-1")]
    assert accrue(date(2022, 7, 9), outages=outage) == 0
    assert accrue(date(2022, 7, 10), outages=outage) == 2_156
    result = penalty_to_accrue(
        open_principal=215_670,
        due=DUE,
        payable_from=ISSUED,
        as_of=date(2022, 7, 10),
        months_already_accrued=0,
        outages=outage,
    )
    assert result.effective_due == date(2022, 7, 9)


def test_outage_after_the_due_date_pauses_the_late_clock() -> None:
    # Month 2 would start on 6 Aug; a 10-day outage in July pushes it to 16 Aug.
    outage = [Outage(date(2022, 7, 20), date(2022, 7, 29))]
    assert accrue(date(2022, 8, 15), outages=outage) == 2_156
    assert accrue(date(2022, 8, 16), outages=outage) == 2 * 2_156


def test_overlapping_outages_count_each_day_once_and_days_before_issue_do_not_count() -> None:
    outages = [
        Outage(date(2022, 6, 20), date(2022, 7, 2)),
        Outage(date(2022, 7, 1), date(2022, 7, 3)),
    ]
    assert outage_days(outages, ISSUED, date(2022, 12, 31)) == 3  # 1, 2, 3 July
    assert accrue(date(2022, 7, 8), outages=outages) == 0
    assert accrue(date(2022, 7, 9), outages=outages) == 2_156


def test_accrual_is_incremental_and_idempotent() -> None:
    first = penalty_to_accrue(
        open_principal=100_000,
        due=DUE,
        payable_from=ISSUED,
        as_of=date(2022, 9, 6),
        months_already_accrued=0,
    )
    assert (first.amount, first.months_accrued_after) == (3_000, 3)
    again = penalty_to_accrue(
        open_principal=100_000,
        due=DUE,
        payable_from=ISSUED,
        as_of=date(2022, 9, 6),
        months_already_accrued=first.months_accrued_after,
    )
    assert again.amount == 0
    # A partial payment lowers later months only.
    later = penalty_to_accrue(
        open_principal=40_000,
        due=DUE,
        payable_from=ISSUED,
        as_of=date(2022, 10, 6),
        months_already_accrued=again.months_accrued_after,
    )
    assert (later.amount, later.months_accrued_after) == (400, 4)


def test_paid_principal_accrues_nothing() -> None:
    assert accrue(date(2023, 1, 1), principal=0) == 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"principal": -1}, "billing.penalty_input_invalid"),
        ({"already": -1}, "billing.penalty_input_invalid"),
    ],
)
def test_invalid_inputs(kwargs: dict[str, int], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        accrue(date(2023, 1, 1), **kwargs)
    assert err.value.code == code


@pytest.mark.parametrize(("rate", "cap"), [(-1, 24), (10_001, 24), (100, -1)])
def test_invalid_policies(rate: int, cap: int) -> None:
    with pytest.raises(ValidationFailed):
        PenaltyPolicy(rate, cap, "x", to_verify=True)


@given(
    principal=st.integers(0, 10**12),
    rate=st.integers(0, 500),
    cap=st.integers(0, 36),
    run_offsets=st.lists(st.integers(0, 1_500), min_size=1, max_size=12),
    outage_spans=st.lists(st.tuples(st.integers(-40, 900), st.integers(0, 60)), max_size=4),
)
def test_total_penalty_never_exceeds_cap_times_rate_times_principal(
    principal: int, rate: int, cap: int, run_offsets: list[int], outage_spans: list[tuple[int, int]]
) -> None:
    policy = PenaltyPolicy(rate, cap, "test", to_verify=True)
    outages = [
        Outage(DUE + timedelta(days=s), DUE + timedelta(days=s + n)) for s, n in outage_spans
    ]
    accrued_months, total = 0, 0
    for offset in sorted(run_offsets):  # accrual runs on arbitrary days, some repeated
        step = penalty_to_accrue(
            open_principal=principal,
            due=DUE,
            payable_from=ISSUED,
            as_of=DUE + timedelta(days=offset),
            months_already_accrued=accrued_months,
            policy=policy,
            outages=outages,
        )
        assert step.amount >= 0
        accrued_months, total = step.months_accrued_after, total + step.amount
    assert accrued_months <= cap
    assert total * 10_000 <= cap * rate * principal
    # Running once on the last day gives the same total as all the runs together.
    once = penalty_to_accrue(
        open_principal=principal,
        due=DUE,
        payable_from=ISSUED,
        as_of=DUE + timedelta(days=max(run_offsets)),
        months_already_accrued=0,
        policy=policy,
        outages=outages,
    )
    assert once.amount == total
