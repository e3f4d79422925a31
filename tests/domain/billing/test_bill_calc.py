"""Bills line by line: the published Solo bills, trading-day rules, and cadence invariance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.bill_calc import (
    BillComputation,
    Component,
    DayCount,
    TradingCalendar,
    TradingDayPolicy,
    compute_bill,
)
from pasar_pay.domain.billing.periods import Cadence, month_end, split_periods
from pasar_pay.domain.billing.tariffs import (
    MarketClass,
    StallType,
    TariffBook,
    TariffVersion,
    perda_5_2016_tariffs,
)
from pasar_pay.domain.errors import ValidationFailed

SEED = perda_5_2016_tariffs()
KIOS, LOS, PELATARAN = StallType.KIOS, StallType.LOS, StallType.PELATARAN
ACTUAL, THIRTY = DayCount.ACTUAL, DayCount.THIRTY_DAY_MONTH


@pytest.mark.parametrize(
    ("case", "stall_type", "market_class", "m2", "first", "last", "day_count", "total"),
    [
        # Published: 5 m² Klewer kios, Rp 158,000/month incl. cleaning (2019).
        (
            "klewer 30-day month",
            KIOS,
            MarketClass.IA,
            5,
            date(2019, 9, 1),
            date(2019, 9, 30),
            ACTUAL,
            158_000,
        ),
        (
            "klewer February, flat",
            KIOS,
            MarketClass.IA,
            5,
            date(2019, 2, 1),
            date(2019, 2, 28),
            THIRTY,
            158_000,
        ),
        # Published: 9 m² Kadipolo kios, Rp 215,670/month by BNI VA (2022); class unknown.
        (
            "kadipolo June",
            KIOS,
            MarketClass.UNKNOWN,
            9,
            date(2022, 6, 1),
            date(2022, 6, 30),
            ACTUAL,
            215_670,
        ),
        (
            "kadipolo July, flat",
            KIOS,
            MarketClass.UNKNOWN,
            9,
            date(2022, 7, 1),
            date(2022, 7, 31),
            THIRTY,
            215_670,
        ),
        # 31 actual days: 279 m²·day × (698 + 100) + 210.
        (
            "kadipolo July, actual",
            KIOS,
            MarketClass.UNKNOWN,
            9,
            date(2022, 7, 1),
            date(2022, 7, 31),
            ACTUAL,
            222_852,
        ),
        # Half a flat month: 15 of 30 days → 135 m²·day × 798 + 210 / 2.
        (
            "kadipolo half June",
            KIOS,
            MarketClass.UNKNOWN,
            9,
            date(2022, 6, 16),
            date(2022, 6, 30),
            THIRTY,
            107_835,
        ),
        (
            "pelataran I, 1.5×1.5 m, a day",
            PELATARAN,
            MarketClass.IA,
            "2.25",
            date(2022, 6, 3),
            date(2022, 6, 3),
            ACTUAL,
            1_350,
        ),
        (
            "pelataran II, 1 m², a week",
            PELATARAN,
            MarketClass.II,
            1,
            date(2022, 6, 6),
            date(2022, 6, 12),
            ACTUAL,
            2_800,
        ),
        (
            "los IB placeholder, June",
            LOS,
            MarketClass.IB,
            "2.25",
            date(2022, 6, 1),
            date(2022, 6, 30),
            ACTUAL,
            40_500,
        ),
    ],
)
def test_worked_examples(
    case: str,
    stall_type: StallType,
    market_class: MarketClass,
    m2: int | str,
    first: date,
    last: date,
    day_count: DayCount,
    total: int,
) -> None:
    bill = compute_bill(
        SEED,
        stall_type=stall_type,
        market_class=market_class,
        area=StallArea.from_m2(m2),
        first=first,
        last=last,
        day_count=day_count,
    )
    assert bill.total == total, case
    assert bill.total == sum(line.amount for line in bill.lines)


def test_klewer_breakdown_shows_how_the_amount_was_reached() -> None:
    bill = compute_bill(
        SEED,
        stall_type=KIOS,
        market_class=MarketClass.IA,
        area=StallArea.from_dimensions_cm(250, 200),
        first=date(2019, 9, 1),
        last=date(2019, 9, 30),
    )
    rows = [(ln.component, ln.quantity, ln.unit, ln.unit_price, ln.amount) for ln in bill.lines]
    assert rows == [
        (Component.SERVICE, Fraction(150), "m²·day", 953, 142_950),
        (Component.CLEANING, Fraction(150), "m²·day", 100, 15_000),
        (Component.FIXED, Fraction(1), "month", 50, 50),
    ]
    assert all(line.to_verify and "5/2016" in line.legal_basis for line in bill.lines)
    assert bill.to_verify
    text = "\n".join(bill.breakdown())
    assert "Rp 142.950" in text
    assert text.endswith("Total Rp 158.000")


JUNE = [date(2022, 6, d) for d in range(1, 31)]
CLOSED = frozenset(JUNE[:2])  # market closed two days
IDLE = frozenset(JUNE[10:13])  # the vendor recorded three days not trading


@pytest.mark.parametrize(
    ("policy", "charged_days", "total"),
    [
        (TradingDayPolicy.EVERY_DAY, 30, 18_000),
        (TradingDayPolicy.SKIP_MARKET_CLOSED, 28, 16_800),
        (TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING, 25, 15_000),
    ],
)
def test_trading_day_policies(policy: TradingDayPolicy, charged_days: int, total: int) -> None:
    bill = compute_bill(
        SEED,
        stall_type=PELATARAN,
        market_class=MarketClass.IA,
        area=StallArea.from_m2(1),
        first=JUNE[0],
        last=JUNE[-1],
        trading=TradingCalendar(policy, CLOSED, IDLE),
    )
    assert (bill.charged_days, bill.total) == (charged_days, total)


def test_fixed_monthly_fee_is_due_even_when_no_day_is_charged() -> None:
    bill = compute_bill(
        SEED,
        stall_type=KIOS,
        market_class=MarketClass.UNKNOWN,
        area=StallArea.from_m2(9),
        first=JUNE[0],
        last=JUNE[-1],
        trading=TradingCalendar(TradingDayPolicy.SKIP_MARKET_CLOSED, frozenset(JUNE)),
    )
    assert bill.charged_days == 0
    assert [(line.component, line.amount) for line in bill.lines] == [(Component.FIXED, 210)]


OLD = TariffVersion(
    market_class=MarketClass.IA,
    stall_type=KIOS,
    valid_from=date(2016, 8, 1),
    valid_to=date(2022, 6, 15),
    legal_basis="old",
    service_per_m2_day=953,
    cleaning_per_m2_day=100,
    fixed_per_month=50,
    electricity_per_kwh=1_500,
    to_verify=True,
    note="",
)
NEW = replace(
    OLD,
    valid_from=date(2022, 6, 16),
    valid_to=None,
    legal_basis="new",
    service_per_m2_day=1_000,
    fixed_per_month=0,
    electricity_per_kwh=1_600,
    to_verify=False,
)
CHANGING = TariffBook([OLD, NEW])


def test_tariff_change_mid_period_splits_lines_by_legal_basis() -> None:
    bill = compute_bill(
        CHANGING,
        stall_type=KIOS,
        market_class=MarketClass.IA,
        area=StallArea.from_m2(2),
        first=date(2022, 6, 1),
        last=date(2022, 6, 30),
    )
    rows = [
        (ln.component, ln.legal_basis, ln.first.day, ln.last.day, ln.amount) for ln in bill.lines
    ]
    assert rows == [
        (Component.SERVICE, "old", 1, 15, 953 * 2 * 15),
        (Component.CLEANING, "old", 1, 15, 100 * 2 * 15),
        (Component.FIXED, "old", 1, 15, 25),
        (Component.SERVICE, "new", 16, 30, 1_000 * 2 * 15),
        (Component.CLEANING, "new", 16, 30, 100 * 2 * 15),
    ]
    assert bill.to_verify  # one line still needs verifying


def test_metered_electricity_uses_the_tariff_on_the_reading_day() -> None:
    bill = compute_bill(
        CHANGING,
        stall_type=KIOS,
        market_class=MarketClass.IA,
        area=StallArea.from_m2(2),
        first=date(2022, 6, 1),
        last=date(2022, 6, 30),
        metered_kwh="12.5",
    )
    line = bill.lines[-1]
    assert (line.component, line.quantity, line.unit_price, line.amount) == (
        Component.ELECTRICITY,
        Fraction(25, 2),
        1_600,
        20_000,
    )


def test_metered_electricity_without_a_known_price_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        compute_bill(
            SEED,
            stall_type=KIOS,
            market_class=MarketClass.IA,
            area=StallArea.from_m2(5),
            first=date(2022, 6, 1),
            last=date(2022, 6, 30),
            metered_kwh=10,
        )
    assert err.value.code == "billing.electricity_unpriced"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"first": date(2022, 6, 2), "last": date(2022, 6, 1)}, "billing.period_invalid"),
        ({"first": date(2016, 7, 30), "last": date(2016, 8, 2)}, "billing.tariff_missing"),
        ({"metered_kwh": -1}, "billing.kwh_negative"),
        ({"metered_kwh": 1.5}, "billing.inexact_number"),
    ],
)
def test_refusals(kwargs: dict[str, object], code: str) -> None:
    args: dict[str, object] = {"first": date(2022, 6, 1), "last": date(2022, 6, 30)} | kwargs
    with pytest.raises(ValidationFailed) as err:
        compute_bill(
            CHANGING,
            stall_type=KIOS,
            market_class=MarketClass.IA,
            area=StallArea(10_000),
            **args,  # type: ignore[arg-type]
        )
    assert err.value.code == code


@pytest.mark.parametrize(
    ("raw", "cm2", "shown"),
    [
        (5, 50_000, "5.00 m²"),
        ("2.25", 22_500, "2.25 m²"),
        (Fraction(1, 3), None, None),
        ("0.00001", None, None),
        ("0.0001", 1, "0.0001 m²"),
    ],
)
def test_area_is_exact_cm2(raw: int | str | Fraction, cm2: int | None, shown: str | None) -> None:
    if cm2 is None:
        with pytest.raises(ValidationFailed):
            StallArea.from_m2(raw)
        return
    area = StallArea.from_m2(raw)
    assert (area.cm2, str(area)) == (cm2, shown)


# --- properties -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    book: TariffBook
    area: StallArea
    first: date
    last: date
    day_count: DayCount
    trading: TradingCalendar

    def bill(self, first: date, last: date) -> BillComputation:
        return compute_bill(
            self.book,
            stall_type=KIOS,
            market_class=MarketClass.IA,
            area=self.area,
            first=first,
            last=last,
            trading=self.trading,
            day_count=self.day_count,
        )


@st.composite
def billing_cases(draw: st.DrawFn) -> Case:
    """Any period up to ~11 weeks, any area, a tariff change somewhere in the months touched,
    any trading policy with random closed and idle days (also before `first` in its month)."""
    first = draw(st.dates(date(2016, 8, 1), date(2030, 12, 31)))
    last = first + timedelta(days=draw(st.integers(0, 75)))
    window_start, window_end = first.replace(day=1), month_end(last)
    window = [window_start + timedelta(days=i) for i in range((window_end - window_start).days + 1)]
    change = draw(st.sampled_from(window))
    old = replace(
        OLD,
        valid_from=date(2000, 1, 1),
        valid_to=change - timedelta(days=1),
        fixed_per_month=draw(st.integers(0, 999)),
    )
    new = replace(NEW, valid_from=change, fixed_per_month=draw(st.integers(0, 999)))
    days = st.sets(st.sampled_from(window), max_size=10)
    return Case(
        book=TariffBook([old, new]),
        area=StallArea(draw(st.integers(1, 400_000))),
        first=first,
        last=last,
        day_count=draw(st.sampled_from(DayCount)),
        trading=TradingCalendar(
            draw(st.sampled_from(TradingDayPolicy)), frozenset(draw(days)), frozenset(draw(days))
        ),
    )


@settings(max_examples=40, deadline=None)
@given(billing_cases())
def test_daily_weekly_monthly_cadences_bill_the_same_total(case: Case) -> None:
    whole = case.bill(case.first, case.last)
    for cadence in Cadence:
        parts = [case.bill(a, b) for a, b in split_periods(cadence, case.first, case.last)]
        for component in Component:
            assert sum(p.component_total(component) for p in parts) == whole.component_total(
                component
            )
        assert sum(p.total for p in parts) == whole.total
        assert sum(p.charged_days for p in parts) == whole.charged_days


@settings(max_examples=40, deadline=None)
@given(billing_cases())
def test_no_line_is_negative_and_lines_stay_within_a_rupiah_of_exact(case: Case) -> None:
    bill = case.bill(case.first, case.last)
    assert bill.total >= 0
    for line in bill.lines:
        assert line.amount >= 0
        # Carried remainders: at most Rp 1 away per calendar month the line spans.
        months = (line.last.year - line.first.year) * 12 + line.last.month - line.first.month + 1
        assert abs(line.amount - line.quantity * line.unit_price) <= months
