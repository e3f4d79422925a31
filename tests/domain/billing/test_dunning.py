"""Warning letters: thresholds, no skipped letters, outages, paying up, seals, revocation."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from pasar_pay.domain.billing.dunning import (
    DunningPolicy,
    DunningState,
    OverdueBill,
    StallDunning,
    days_overdue,
    evaluate,
    lift_seal,
)
from pasar_pay.domain.billing.outages import Outage
from pasar_pay.domain.billing.placement import UNKNOWN_SHP_FEES, issue_shp, revoke_shp
from pasar_pay.domain.errors import Conflict, ValidationFailed

DUE = date(2022, 7, 5)
BILL = OverdueBill(due=DUE, payable_from=date(2022, 7, 1), open_amount=215_670)
S = DunningState


def run_daily(
    start: StallDunning, bills: list[OverdueBill], first: date, last: date, outages: list[Outage]
) -> list[tuple[date, DunningState]]:
    """Evaluate every day; return the days on which the state changed."""
    state, changes, day = start, [], first
    while day <= last:
        new = evaluate(
            state, overdue_days=days_overdue(bills, day, outages), as_of=day, outages=outages
        )
        if new.state != state.state:
            changes.append((day, new.state))
        state, day = new, day + timedelta(days=1)
    return changes


def test_daily_runs_walk_every_letter_at_its_threshold() -> None:
    changes = run_daily(StallDunning(), [BILL], DUE, DUE + timedelta(days=100), [])
    assert changes == [
        (DUE + timedelta(days=1), S.REMINDER),
        (DUE + timedelta(days=30), S.SP1),
        (DUE + timedelta(days=45), S.SP2),
        (DUE + timedelta(days=60), S.SP3),
        (DUE + timedelta(days=75), S.SEALED),
    ]


def test_late_first_run_never_skips_a_letter_and_respects_notice_periods() -> None:
    # Migrated arrears, 200 days overdue on the first run: one step per run, 7 days apart.
    first_run = DUE + timedelta(days=200)
    changes = run_daily(StallDunning(), [BILL], first_run, first_run + timedelta(days=40), [])
    assert [state for _, state in changes] == [S.REMINDER, S.SP1, S.SP2, S.SP3, S.SEALED]
    days = [day for day, _ in changes]
    assert [(b - a).days for a, b in itertools.pairwise(days)] == [7, 7, 7, 7]


def test_outage_days_do_not_count_and_no_letter_is_sent_during_an_outage() -> None:
    outage = [Outage(DUE + timedelta(days=10), DUE + timedelta(days=19), "qris")]
    changes = run_daily(StallDunning(), [BILL], DUE, DUE + timedelta(days=60), outage)
    assert changes[0] == (DUE + timedelta(days=1), S.REMINDER)
    assert changes[1] == (DUE + timedelta(days=40), S.SP1)  # 30 + 10 outage days


def test_paying_up_returns_to_none_but_partial_payment_keeps_served_letters() -> None:
    sp2 = StallDunning(S.SP2, DUE + timedelta(days=45))
    day = DUE + timedelta(days=50)
    newer = OverdueBill(DUE + timedelta(days=31), DUE + timedelta(days=27), 1_000)
    assert evaluate(sp2, overdue_days=days_overdue([newer], day), as_of=day).state is S.SP2
    assert evaluate(sp2, overdue_days=0, as_of=day) == StallDunning(S.NONE, day)
    assert days_overdue([OverdueBill(DUE, DUE, 0)], day) == 0  # settled bills do not count


def test_sealed_stays_until_a_manager_lifts_it_and_arrears_survive_revocation() -> None:
    sealed = StallDunning(S.SEALED, DUE + timedelta(days=75))
    day = DUE + timedelta(days=90)
    assert evaluate(sealed, overdue_days=0, as_of=day) is sealed  # even when paid up
    shp = issue_shp(
        shp_number="SHP-KDP-001",
        stall_id="KDP-K-01",
        holder_id="V1",
        effective_on=date(2020, 1, 1),
        valid_until=date(2025, 12, 31),
        fees=UNKNOWN_SHP_FEES,
    )
    revoked = revoke_shp(shp, on=day, reason="sealed after SP3", arrears_outstanding=215_670)
    assert revoked.arrears_at_revocation == 215_670
    # Revocation does not touch bills: the stall is still overdue by the same days.
    assert days_overdue([BILL], day) == 90
    lifted = lift_seal(sealed, manager="lurah-pasar-kadipolo", on=day)
    assert (lifted.state, lifted.lifted_by) == (S.NONE, "lurah-pasar-kadipolo")
    assert evaluate(lifted, overdue_days=90, as_of=day + timedelta(days=1)).state is S.REMINDER


def test_lift_seal_refusals() -> None:
    with pytest.raises(Conflict) as err:
        lift_seal(StallDunning(S.SP3, DUE), manager="m", on=DUE)
    assert (err.value.code, err.value.details["state"]) == ("billing.dunning_not_sealed", "sp3")
    with pytest.raises(ValidationFailed):
        lift_seal(StallDunning(S.SEALED, DUE), manager=" ", on=DUE)


def test_custom_thresholds_and_invalid_policy() -> None:
    policy = DunningPolicy(reminder_after_days=3, sp1_after_days=10, min_days_between_steps=0)
    day = DUE + timedelta(days=10)
    step = evaluate(
        StallDunning(S.REMINDER, DUE + timedelta(days=3)), overdue_days=10, as_of=day, policy=policy
    )
    assert step.state is S.SP1
    with pytest.raises(ValidationFailed) as err:
        DunningPolicy(sp1_after_days=50, sp2_after_days=40)
    assert err.value.code == "billing.dunning_policy_invalid"
