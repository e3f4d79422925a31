"""Late-payment interest on unpaid retribution (sanksi administratif berupa bunga).

- Rate and cap are configurable. Default: 1 % per month, at most 24 months (UU 1/2022 HKPD,
  believed right, to verify against Surakarta's new Perda PDRD). Legacy: 2 % per month, the
  wording of UU 28/2009-era Perdas (cap not retrieved; 24 kept, configurable).
- Months count from the due date and a started month counts in full ("bagian dari bulan
  dihitung penuh"): one day late is month 1; month k starts the day after due + (k−1) months.
- Outage days push the due date back (see `outages`).
- Each month's interest is ⌊principal × rate⌋ on the principal still open when that month is
  accrued, so a partial payment lowers later months, never earlier ones. Flooring keeps the
  total within rate × months × principal.
- Accrual is incremental: the caller stores how many months were already accrued; running the
  accrual again on the same day accrues nothing. An outage recorded after interest was posted
  never yields a negative amount here: reversing posted interest is a ledger adjustment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from pasar_pay.domain.billing.exact import floor_rupiah
from pasar_pay.domain.billing.outages import Outage, effective_due_date
from pasar_pay.domain.billing.periods import add_months
from pasar_pay.domain.errors import ValidationFailed

BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class PenaltyPolicy:
    rate_bp_per_month: int
    cap_months: int
    legal_basis: str
    to_verify: bool

    def __post_init__(self) -> None:
        if not 0 <= self.rate_bp_per_month <= BASIS_POINTS:
            raise ValidationFailed(
                "penalty rate must be 0..10000 basis points per month",
                code="billing.penalty_policy_invalid",
                rate_bp_per_month=self.rate_bp_per_month,
            )
        if not 0 <= self.cap_months <= 600:
            raise ValidationFailed(
                "penalty cap must be 0..600 months",
                code="billing.penalty_policy_invalid",
                cap_months=self.cap_months,
            )

    def monthly_interest(self, principal: int) -> int:
        return floor_rupiah(Fraction(principal * self.rate_bp_per_month, BASIS_POINTS))


HKPD_1_PERCENT = PenaltyPolicy(
    rate_bp_per_month=100,
    cap_months=24,
    legal_basis="UU 1/2022 (HKPD) / PP 35/2023: 1 % per month, max 24 months",
    to_verify=True,
)
LEGACY_2_PERCENT = PenaltyPolicy(
    rate_bp_per_month=200,
    cap_months=24,
    legal_basis="UU 28/2009-era retribution Perdas: 2 % per month (cap not retrieved)",
    to_verify=True,
)


def months_late(due: date, as_of: date) -> int:
    """Started months after `due` (uncapped): 0 on or before the due date."""
    if as_of <= due:
        return 0
    months = (as_of.year - due.year) * 12 + (as_of.month - due.month)
    months = max(months, 1)
    while add_months(due, months - 1) >= as_of:  # clamped month ends can overshoot by one
        months -= 1
    while add_months(due, months) < as_of:
        months += 1
    return months


@dataclass(frozen=True, slots=True)
class PenaltyAccrual:
    effective_due: date  # after outage extension
    months_late: int  # capped
    months_accrued_before: int
    amount: int  # to post now; 0 when nothing new
    monthly_interest: int  # on the principal open now
    policy: PenaltyPolicy

    @property
    def months_accrued_after(self) -> int:
        return max(self.months_accrued_before, self.months_late)


def penalty_to_accrue(
    *,
    open_principal: int,
    due: date,
    payable_from: date,
    as_of: date,
    months_already_accrued: int,
    policy: PenaltyPolicy = HKPD_1_PERCENT,
    outages: Iterable[Outage] = (),
) -> PenaltyAccrual:
    """Interest to post as of `as_of` for the months not yet accrued (0 if none)."""
    if isinstance(open_principal, bool) or not isinstance(open_principal, int):
        raise ValidationFailed("principal must be whole rupiah", code="billing.amount_not_integer")
    if open_principal < 0 or months_already_accrued < 0:
        raise ValidationFailed(
            "principal and accrued months must not be negative",
            code="billing.penalty_input_invalid",
            open_principal=open_principal,
            months_already_accrued=months_already_accrued,
        )
    effective = effective_due_date(due, payable_from=payable_from, as_of=as_of, outages=outages)
    months = min(months_late(effective, as_of), policy.cap_months)
    interest = policy.monthly_interest(open_principal)
    new_months = max(0, months - months_already_accrued)
    return PenaltyAccrual(
        effective_due=effective,
        months_late=months,
        months_accrued_before=months_already_accrued,
        amount=new_months * interest,
        monthly_interest=interest,
        policy=policy,
    )
