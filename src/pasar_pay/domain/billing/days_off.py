"""Days a stall is not charged under the "not trading" policy (markets-and-orders.md: vendors
complained of being charged on days the market was closed).

A day off is recorded for a whole market (closed for a holiday, a fire, renovation) or for one
stall (the vendor did not trade, confirmed by the manager). Whether either reduces a bill is the
city's policy (`TradingDayPolicy`), so records are kept whatever the policy and the billing run
turns them into each stall's `TradingCalendar`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pasar_pay.domain.billing.bill_calc import TradingCalendar, TradingDayPolicy
from pasar_pay.domain.errors import ValidationFailed

MAX_SPAN_DAYS = 366


@dataclass(frozen=True, slots=True)
class DayOff:
    market_code: str
    stall_code: str | None  # None: the whole market was closed
    first: date
    last: date
    reason: str

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationFailed("last_day is before first_day", code="days_off.range")
        if (self.last - self.first).days >= MAX_SPAN_DAYS:
            raise ValidationFailed(
                f"a day-off record spans at most {MAX_SPAN_DAYS} days", code="days_off.range"
            )
        if len(self.reason.strip()) < 5:
            raise ValidationFailed("say why (at least 5 characters)", code="days_off.reason")

    def days(self, lo: date, hi: date) -> Iterable[date]:
        day, end = max(self.first, lo), min(self.last, hi)
        while day <= end:
            yield day
            day += timedelta(days=1)


_NONE: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class TradingCalendars:
    """Per-stall calendars for one billing window, built once per run."""

    policy: TradingDayPolicy
    market_closed: dict[str, frozenset[date]]
    stall_idle: dict[str, frozenset[date]]

    @classmethod
    def build(
        cls, policy: TradingDayPolicy, records: Iterable[DayOff], lo: date, hi: date
    ) -> TradingCalendars:
        markets: dict[str, set[date]] = {}
        stalls: dict[str, set[date]] = {}
        if policy is not TradingDayPolicy.EVERY_DAY:
            for record in records:
                if record.stall_code is None:
                    markets.setdefault(record.market_code, set()).update(record.days(lo, hi))
                elif policy is TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING:
                    stalls.setdefault(record.stall_code, set()).update(record.days(lo, hi))
        return cls(
            policy,
            {k: frozenset(v) for k, v in markets.items()},
            {k: frozenset(v) for k, v in stalls.items()},
        )

    def for_stall(self, market_code: str, stall_code: str) -> TradingCalendar:
        return TradingCalendar(
            policy=self.policy,
            market_closed=self.market_closed.get(market_code, _NONE),
            not_trading=self.stall_idle.get(stall_code, _NONE),
        )
