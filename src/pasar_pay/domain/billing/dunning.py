"""Warning letters per stall: none → reminder → SP1 → SP2 → SP3 → sealed.

Driven by the days overdue of the stall's oldest open bill, measured from its outage-extended
due date (see `outages`). Rules:
- Escalate one step per evaluation, never skipping a letter, and only once the previous letter
  has stood for `min_days_between_steps` (a vendor always gets each notice period).
- No escalation on a day inside a recorded outage.
- Letters already served are not withdrawn by a partial payment; paying everything overdue
  returns to none, except `sealed`, which only a manager lifts.
- Arrears stay due whatever the state: this module never writes off or alters a bill, and an
  SHP revocation (placement) leaves the bills and their dunning untouched.
Default thresholds are placeholders (no statute found): configure, and verify with Disdag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import pairwise

from pasar_pay.domain.billing.outages import Outage, effective_due_date, in_outage
from pasar_pay.domain.errors import Conflict, ValidationFailed


class DunningState(StrEnum):
    NONE = "none"
    REMINDER = "reminder"
    SP1 = "sp1"  # surat peringatan 1
    SP2 = "sp2"
    SP3 = "sp3"
    SEALED = "sealed"  # kios disegel


ORDER = tuple(DunningState)


@dataclass(frozen=True, slots=True)
class DunningPolicy:
    reminder_after_days: int = 1
    sp1_after_days: int = 30
    sp2_after_days: int = 45
    sp3_after_days: int = 60
    seal_after_days: int = 75
    min_days_between_steps: int = 7
    to_verify: bool = True

    def __post_init__(self) -> None:
        steps = self.thresholds()
        if steps[0] < 1 or any(b < a for a, b in pairwise(steps)):
            raise ValidationFailed(
                "dunning thresholds must be ≥ 1 and non-decreasing",
                code="billing.dunning_policy_invalid",
                thresholds=list(steps),
            )
        if self.min_days_between_steps < 0:
            raise ValidationFailed(
                "min_days_between_steps must not be negative",
                code="billing.dunning_policy_invalid",
            )

    def thresholds(self) -> tuple[int, ...]:
        """Days overdue needed to enter reminder, SP1, SP2, SP3, sealed."""
        return (
            self.reminder_after_days,
            self.sp1_after_days,
            self.sp2_after_days,
            self.sp3_after_days,
            self.seal_after_days,
        )


@dataclass(frozen=True, slots=True)
class StallDunning:
    state: DunningState = DunningState.NONE
    since: date | None = None  # when the current state was entered
    lifted_by: str | None = None  # the manager who last lifted a seal


@dataclass(frozen=True, slots=True)
class OverdueBill:
    due: date
    payable_from: date
    open_amount: int


def days_overdue(bills: Iterable[OverdueBill], as_of: date, outages: Iterable[Outage] = ()) -> int:
    """Days past the (outage-extended) due date of the most overdue open bill; 0 if none."""
    outage_list = tuple(outages)
    worst = 0
    for bill in bills:
        if bill.open_amount <= 0:
            continue
        due = effective_due_date(
            bill.due, payable_from=bill.payable_from, as_of=as_of, outages=outage_list
        )
        worst = max(worst, (as_of - due).days)
    return worst


def evaluate(
    current: StallDunning,
    *,
    overdue_days: int,
    as_of: date,
    policy: DunningPolicy = DunningPolicy(),  # frozen: a safe shared default
    outages: Iterable[Outage] = (),
) -> StallDunning:
    """The stall's dunning state after today's run (returns `current` when nothing changes)."""
    index = ORDER.index(current.state)
    if current.state == DunningState.SEALED:
        return current
    if overdue_days <= 0:
        return current if index == 0 else StallDunning(DunningState.NONE, as_of, current.lifted_by)
    if in_outage(as_of, outages):
        return current
    since = current.since
    if index > 0 and since is not None and (as_of - since).days < policy.min_days_between_steps:
        return current
    if overdue_days < policy.thresholds()[index]:
        return current
    return StallDunning(ORDER[index + 1], as_of, current.lifted_by)


def lift_seal(current: StallDunning, *, manager: str, on: date) -> StallDunning:
    """A manager reopens a sealed stall; the arrears (if any) are untouched and the next run
    starts the letters again from a reminder."""
    if current.state != DunningState.SEALED:
        raise Conflict(
            f"only a sealed stall can be unsealed (state is {current.state})",
            code="billing.dunning_not_sealed",
            state=current.state,
        )
    if not manager.strip():
        raise ValidationFailed("lifting a seal needs the manager", code="billing.manager_missing")
    return replace(current, state=DunningState.NONE, since=on, lifted_by=manager)
