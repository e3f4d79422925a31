"""The bill for one stall and period, with every line a vendor needs to check it.

Rounding (see `exact`): each component's exact charge is accumulated from the first day of its
calendar month; a period's amount is round_half_up(total at its end) − round_half_up(total at
its start). Splitting a month into daily or weekly bills therefore telescopes to the same
rupiah as billing it at once, and a line may differ from quantity × price by at most Rp 1
(the carried remainder). Callers pass the stall's trading calendar for whole months so the
carried remainder is the same whichever cadence bills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.exact import round_half_up, to_fraction
from pasar_pay.domain.billing.periods import days_in_month, month_end, require_range
from pasar_pay.domain.billing.tariffs import MarketClass, StallType, TariffBook, TariffVersion
from pasar_pay.domain.errors import DomainError, ValidationFailed
from pasar_pay.domain.money import format_rupiah


class TradingDayPolicy(StrEnum):
    EVERY_DAY = "every_day"  # the Perda's literal reading: every calendar day is charged
    SKIP_MARKET_CLOSED = "skip_market_closed"  # no charge on days the whole market was closed
    SKIP_CLOSED_AND_NOT_TRADING = "skip_closed_and_not_trading"  # ...nor on recorded idle days


class DayCount(StrEnum):
    ACTUAL = "actual"  # one charged day = one day of tariff (28-31 per month)
    THIRTY_DAY_MONTH = "thirty_day_month"  # a full month = 30 days: flat monthly VA bills


class Component(StrEnum):
    SERVICE = "service"  # retribusi pelayanan pasar
    CLEANING = "cleaning"  # kebersihan / persampahan
    FIXED = "fixed"  # flat monthly amount
    ELECTRICITY = "electricity"  # metered kWh


_LABEL = {
    Component.SERVICE: "Retribusi pelayanan pasar",
    Component.CLEANING: "Kebersihan",
    Component.FIXED: "Iuran tetap bulanan",
    Component.ELECTRICITY: "Listrik",
}


@dataclass(frozen=True, slots=True)
class TradingCalendar:
    policy: TradingDayPolicy = TradingDayPolicy.EVERY_DAY
    market_closed: frozenset[date] = field(default_factory=frozenset)
    not_trading: frozenset[date] = field(default_factory=frozenset)  # recorded for this stall

    def charged(self, day: date) -> bool:
        if self.policy is TradingDayPolicy.EVERY_DAY:
            return True
        if day in self.market_closed:
            return False
        return not (
            self.policy is TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING and day in self.not_trading
        )


@dataclass(frozen=True, slots=True)
class BillLine:
    component: Component
    first: date
    last: date
    quantity: Fraction  # m²·days for per-m² components, months for fixed, kWh for electricity
    unit: str
    unit_price: int
    amount: int
    legal_basis: str
    to_verify: bool

    def describe(self) -> str:
        qty = f"{_show(self.quantity)} {self.unit}"
        flag = " (to verify)" if self.to_verify else ""
        return (
            f"{_LABEL[self.component]} {self.first.isoformat()}..{self.last.isoformat()}: "
            f"{qty} × {format_rupiah(self.unit_price)} = {format_rupiah(self.amount)}"
            f" [{self.legal_basis}]{flag}"
        )


@dataclass(frozen=True, slots=True)
class BillComputation:
    stall_type: StallType
    market_class: MarketClass
    area: StallArea
    first: date
    last: date
    day_count: DayCount
    charged_days: int
    lines: tuple[BillLine, ...]
    total: int

    @property
    def to_verify(self) -> bool:
        return any(line.to_verify for line in self.lines)

    def component_total(self, component: Component) -> int:
        return sum(line.amount for line in self.lines if line.component is component)

    def breakdown(self) -> list[str]:
        head = (
            f"{self.stall_type.value} {self.area}, kelas {self.market_class.value}, "
            f"{self.first.isoformat()}..{self.last.isoformat()}, {self.charged_days} charged days"
        )
        return [
            head,
            *(line.describe() for line in self.lines),
            f"Total {format_rupiah(self.total)}",
        ]


def compute_bill(
    book: TariffBook,
    *,
    stall_type: StallType,
    market_class: MarketClass,
    area: StallArea,
    first: date,
    last: date,
    trading: TradingCalendar | None = None,
    day_count: DayCount = DayCount.ACTUAL,
    metered_kwh: int | Fraction | str | None = None,
) -> BillComputation:
    """Bill for [first, last] inclusive. Refuses periods with any day lacking a tariff."""
    require_range(first, last)
    calendar = trading or TradingCalendar()
    book.segments(market_class, stall_type, first, last)  # refuses gaps before any arithmetic

    def version_on(day: date) -> TariffVersion | None:
        try:
            return book.in_force(market_class, stall_type, day)
        except DomainError:
            return None  # only reachable for days before `first` that carry the remainder

    merged: dict[tuple[Component, TariffVersion], _Acc] = {}
    charged_days = 0
    month_first = first.replace(day=1)
    while month_first <= last:
        month_days = days_in_month(month_first)
        lo = max(first, month_first).day - 1
        hi = min(last, month_end(month_first)).day - 1
        # Only days up to `hi` matter: the remainder carried into this bill comes from before.
        days = [month_first + timedelta(days=i) for i in range(hi + 1)]
        versions = [version_on(d) for d in days]
        charged_days += sum(1 for d in days[lo : hi + 1] if calendar.charged(d))
        for component in (Component.SERVICE, Component.CLEANING, Component.FIXED):
            rate_of, weight_of = _daily(component, area, calendar, day_count, month_days)
            exact = [
                Fraction(0) if v is None else rate_of(v) * weight_of(d)
                for d, v in zip(days, versions, strict=True)
            ]
            cum = [Fraction(0)]
            for value in exact:
                cum.append(cum[-1] + value)
            start = lo
            while start <= hi:  # one run per tariff version inside [lo, hi]
                end = start
                while end < hi and versions[end + 1] is versions[start]:
                    end += 1
                version = versions[start]
                assert version is not None  # segments() proved coverage of [first, last]
                qty = sum((weight_of(d) for d in days[start : end + 1]), Fraction(0))
                amount = round_half_up(cum[end + 1]) - round_half_up(cum[start])
                acc = merged.setdefault((component, version), _Acc(days[start]))
                acc.add(days[end], qty, amount)
                start = end + 1
        month_first = month_end(month_first) + timedelta(days=1)

    lines = [
        BillLine(
            component=component,
            first=acc.first,
            last=acc.last,
            quantity=acc.quantity * (area.m2 if component is not Component.FIXED else 1),
            unit="month" if component is Component.FIXED else "m²·day",
            unit_price=_unit_price(component, version),
            amount=acc.amount,
            legal_basis=version.legal_basis,
            to_verify=version.to_verify,
        )
        for (component, version), acc in merged.items()
        if acc.quantity > 0 and _unit_price(component, version) > 0
    ]
    lines.sort(key=lambda line: (line.first, list(Component).index(line.component)))
    if metered_kwh is not None:
        lines.append(
            _electricity(book.in_force(market_class, stall_type, last), first, last, metered_kwh)
        )
    return BillComputation(
        stall_type=stall_type,
        market_class=market_class,
        area=area,
        first=first,
        last=last,
        day_count=day_count,
        charged_days=charged_days,
        lines=tuple(lines),
        total=sum(line.amount for line in lines),
    )


class _Acc:
    """Running totals for one (component, version) line across months."""

    def __init__(self, first: date) -> None:
        self.first = first
        self.last = first
        self.quantity = Fraction(0)
        self.amount = 0

    def add(self, last: date, quantity: Fraction, amount: int) -> None:
        self.last = last
        self.quantity += quantity
        self.amount += amount


def _unit_price(component: Component, version: TariffVersion) -> int:
    return {
        Component.SERVICE: version.service_per_m2_day,
        Component.CLEANING: version.cleaning_per_m2_day,
        Component.FIXED: version.fixed_per_month,
        Component.ELECTRICITY: version.electricity_per_kwh,
    }[component]


def _daily(
    component: Component,
    area: StallArea,
    calendar: TradingCalendar,
    day_count: DayCount,
    month_days: int,
) -> tuple[Callable[[TariffVersion], Fraction], Callable[[date], Fraction]]:
    """(exact Rp per unit of weight for a version, the weight of one day in its month).

    The fixed fee is prorated by calendar day, trading or not: it is a monthly charge.
    """
    if component is Component.FIXED:
        return (lambda v: Fraction(v.fixed_per_month)), (lambda d: Fraction(1, month_days))
    per_day = Fraction(30, month_days) if day_count is DayCount.THIRTY_DAY_MONTH else Fraction(1)

    def rate(v: TariffVersion) -> Fraction:
        return _unit_price(component, v) * area.m2

    return rate, (lambda d: per_day if calendar.charged(d) else Fraction(0))


def _electricity(
    version: TariffVersion, first: date, last: date, metered_kwh: int | Fraction | str
) -> BillLine:
    """Priced at the tariff in force on the period's last day, when the meter is read."""
    kwh = to_fraction(metered_kwh, field="metered_kwh")
    if kwh < 0:
        raise ValidationFailed(
            "metered kWh must not be negative", code="billing.kwh_negative", kwh=str(kwh)
        )
    if kwh > 0 and version.electricity_per_kwh == 0:
        raise ValidationFailed(
            f"no electricity price in {version.label()}",
            code="billing.electricity_unpriced",
            tariff=version.label(),
        )
    return BillLine(
        component=Component.ELECTRICITY,
        first=first,
        last=last,
        quantity=kwh,
        unit="kWh",
        unit_price=version.electricity_per_kwh,
        amount=round_half_up(kwh * version.electricity_per_kwh),
        legal_basis=version.legal_basis,
        to_verify=version.to_verify,
    )


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"))
    return str(shown).rstrip("0")  # display only: amounts come from the exact Fraction
