"""The "not trading" policy: market closures and a stall's idle days reduce later bills only
when the city's policy says so, and only the days recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.bill_calc import TradingDayPolicy, compute_bill
from pasar_pay.domain.billing.days_off import DayOff, TradingCalendars
from pasar_pay.domain.billing.tariffs import MarketClass, StallType, perda_5_2016_tariffs
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.billing import BillingService
from pasar_pay.services.ports import BillsFilter
from tests.api.conftest import auth
from tests.billing.conftest import KIOS, LOS, NOV_1, NOV_30, OTHER

FINANCE = Principal("k-fin", Role.FINANCE)
GEDE_MANAGER = Principal("k-man", Role.MANAGER, markets=frozenset({"PSR-GEDE"}))
KIOS_NOV = 215_670  # the published 9 m² kios bill (solo-markets.md), 30 charged days
# Its lines: 9 m² × (Rp 698 service + Rp 100 cleaning) = Rp 7,182 a charged day, plus the
# Rp 210 monthly fixed fee, which is prorated by calendar day whether trading or not.
PER_DAY, FIXED = 7_182, 210
CLOSED_3_DAYS = DayOff("PSR-GEDE", None, date(2026, 11, 16), date(2026, 11, 18), "pasar terbakar")
KIOS_IDLE = DayOff("PSR-GEDE", KIOS.code, date(2026, 11, 1), date(2026, 11, 10), "renovasi kios")


def _run(container: Container, policy: TradingDayPolicy) -> dict[str, tuple[int, int]]:
    """Bill November under `policy`: each stall's (amount, charged days)."""
    service = BillingService(
        container.uow, container.clock, container.ledger, trading_policy=policy
    )
    service.run(None, NOV_1, NOV_30)
    with container.uow() as uow:
        found = uow.billing.bills(BillsFilter(), None, 100)
    return {b.stall_code: (b.amount, b.computation["charged_days"]) for b in found}


# -- domain ---------------------------------------------------------------------------------
def test_a_day_off_needs_a_forward_range_and_a_reason() -> None:
    with pytest.raises(ValidationFailed):
        DayOff("PSR-GEDE", None, date(2026, 11, 2), date(2026, 11, 1), "tutup lebaran")
    with pytest.raises(ValidationFailed):
        DayOff("PSR-GEDE", None, date(2026, 11, 1), date(2026, 11, 2), "  ")


def test_calendars_follow_the_policy() -> None:
    records = [CLOSED_3_DAYS, KIOS_IDLE]
    every = TradingCalendars.build(TradingDayPolicy.EVERY_DAY, records, NOV_1, NOV_30)
    closed = TradingCalendars.build(TradingDayPolicy.SKIP_MARKET_CLOSED, records, NOV_1, NOV_30)
    both = TradingCalendars.build(
        TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING, records, NOV_1, NOV_30
    )
    day = date(2026, 11, 17)
    idle = date(2026, 11, 5)
    assert every.for_stall("PSR-GEDE", KIOS.code).charged(day)
    assert not closed.for_stall("PSR-GEDE", KIOS.code).charged(day)
    assert closed.for_stall("PSR-LEGI", OTHER.code).charged(day)
    assert closed.for_stall("PSR-GEDE", KIOS.code).charged(idle)
    assert not both.for_stall("PSR-GEDE", KIOS.code).charged(idle)
    assert both.for_stall("PSR-GEDE", LOS.code).charged(idle)


@given(
    off=st.sets(st.integers(min_value=0, max_value=29), max_size=30),
    policy=st.sampled_from(list(TradingDayPolicy)),
)
def test_daily_bills_add_up_to_the_monthly_bill_whatever_days_are_off(
    off: set[int], policy: TradingDayPolicy
) -> None:
    records = [
        DayOff("M", "S", NOV_1 + timedelta(d), NOV_1 + timedelta(d), "idle day") for d in off
    ]
    calendar = TradingCalendars.build(policy, records, NOV_1, NOV_30).for_stall("M", "S")
    book = perda_5_2016_tariffs()
    kw = {
        "stall_type": StallType.KIOS,
        "market_class": MarketClass.IA,
        "area": StallArea(90_000),
        "trading": calendar,
    }
    month = compute_bill(book, first=NOV_1, last=NOV_30, **kw)  # type: ignore[arg-type]
    days = [
        compute_bill(book, first=NOV_1 + timedelta(i), last=NOV_1 + timedelta(i), **kw).total  # type: ignore[arg-type]
        for i in range(30)
    ]
    assert sum(days) == month.total >= 0
    charged = 30 - (len(off) if policy is TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING else 0)
    assert month.charged_days == charged


# -- billing runs -------------------------------------------------------------------------------
@pytest.mark.db
def test_every_day_policy_ignores_closures(registry: Container) -> None:
    registry.days_off.record(FINANCE, CLOSED_3_DAYS)
    assert _run(registry, TradingDayPolicy.EVERY_DAY)[KIOS.code] == (KIOS_NOV, 30)
    assert 30 * PER_DAY + FIXED == KIOS_NOV


@pytest.mark.db
def test_a_market_closure_removes_its_days_from_every_stall_of_that_market(
    registry: Container,
) -> None:
    registry.days_off.record(GEDE_MANAGER, CLOSED_3_DAYS)
    registry.days_off.record(GEDE_MANAGER, KIOS_IDLE)  # not skipped under this policy
    bills = _run(registry, TradingDayPolicy.SKIP_MARKET_CLOSED)
    assert bills[KIOS.code] == (27 * PER_DAY + FIXED, 27)  # Rp 194,124
    assert bills[LOS.code][1] == 27
    assert bills[OTHER.code][1] == 30  # another market's stall is charged every day


@pytest.mark.db
def test_idle_days_count_only_under_the_strictest_policy(registry: Container) -> None:
    registry.days_off.record(GEDE_MANAGER, KIOS_IDLE)
    bills = _run(registry, TradingDayPolicy.SKIP_CLOSED_AND_NOT_TRADING)
    assert bills[KIOS.code] == (20 * PER_DAY + FIXED, 20)  # Rp 143,850
    assert bills[LOS.code][1] == 30


@pytest.mark.db
def test_recording_the_same_closure_twice_writes_it_once(registry: Container) -> None:
    first = registry.days_off.record(GEDE_MANAGER, CLOSED_3_DAYS)
    again = registry.days_off.record(FINANCE, CLOSED_3_DAYS)
    assert (first.created, again.created) == (True, False)
    assert len(registry.days_off.list(FINANCE, "PSR-GEDE", NOV_1, NOV_30)) == 1


@pytest.mark.db
def test_scope_a_manager_records_only_for_their_market_and_its_stalls(
    registry: Container,
) -> None:
    legi = DayOff("PSR-LEGI", None, NOV_1, NOV_1, "tutup lebaran")
    with pytest.raises(NotFound):
        registry.days_off.record(GEDE_MANAGER, legi)
    foreign_stall = DayOff("PSR-GEDE", OTHER.code, NOV_1, NOV_1, "kios tutup")
    with pytest.raises(NotFound):
        registry.days_off.record(FINANCE, foreign_stall)
    assert registry.days_off.list(FINANCE, "PSR-LEGI", NOV_1, NOV_30) == []


# -- API ----------------------------------------------------------------------------------------
@pytest.fixture
def api(registry: Container) -> Iterator[tuple[TestClient, dict[str, str]]]:
    issue = registry.keys.issue
    tokens = {
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "sri": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
        "budi": issue(Role.VENDOR, label="b", vendor_code="V000002").token,
    }
    with TestClient(create_app(registry), raise_server_exceptions=False) as client:
        yield client, tokens


@pytest.mark.db
def test_days_off_over_http(api: tuple[TestClient, dict[str, str]]) -> None:
    client, t = api
    url = "/markets/PSR-GEDE/days-off"
    closure = {"first_day": "2026-11-16", "last_day": "2026-11-18", "reason": "pasar terbakar"}
    idle = {
        "stall": LOS.code,
        "first_day": "2026-11-02",
        "last_day": "2026-11-03",
        "reason": "sakit, tidak berjualan",
    }
    assert client.post(url, json=closure, headers=auth(t["sri"])).status_code == 403
    assert client.post(url, json=closure, headers=auth(t["manager"])).status_code == 201
    assert client.post(url, json=closure, headers=auth(t["manager"])).status_code == 200
    assert client.post(url, json=idle, headers=auth(t["manager"])).status_code == 201
    other = "/markets/PSR-LEGI/days-off"
    assert client.post(other, json=closure, headers=auth(t["manager"])).status_code == 404
    backwards = {**closure, "last_day": "2026-11-01"}
    bad = client.post(url, json=backwards, headers=auth(t["manager"]))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    query = {"from": "2026-11-01", "to": "2026-11-30"}
    seen = client.get(url, params=query, headers=auth(t["sri"])).json()
    assert [(d["stall"], d["first_day"]) for d in seen] == [
        (LOS.code, "2026-11-02"),
        (None, "2026-11-16"),
    ]
    assert client.get(url, params=query, headers=auth(t["budi"])).status_code == 404
    assert client.get(url, params={**query, "mrkt": "x"}, headers=auth(t["sri"])).status_code == 422
