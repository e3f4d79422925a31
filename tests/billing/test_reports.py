"""Reports: aging buckets, collection per channel with cashless share, occupancy; scope; CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.aging import bucket_of
from pasar_pay.domain.errors import Forbidden, NotFound, ValidationFailed
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, StallStatus
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.bill_payments import bank_source, cash_source
from tests.api.conftest import auth
from tests.billing.conftest import KIOS, OTHER

FINANCE = Principal("k-fin", Role.FINANCE)
MANAGER = Principal("k-gede", Role.MANAGER, markets=frozenset({"PSR-GEDE"}))
VENDOR = Principal("k-sri", Role.VENDOR, vendor_code="V000001")
DUE = date(2026, 12, 5)  # November's monthly bills are due by the 5th
KIOS_BILL, LOS_BILL, LEGI_BILL = 215_670, 27_000, 48_000

AGING = [
    (date(2026, 12, 4), "not_due"),
    (date(2026, 12, 5), "0-30"),
    (date(2027, 1, 4), "0-30"),
    (date(2027, 1, 5), "31-60"),
    (date(2027, 2, 3), "31-60"),
    (date(2027, 2, 4), "61-90"),
    (date(2027, 3, 5), "61-90"),
    (date(2027, 3, 6), ">90"),
]


@pytest.mark.parametrize(("as_of", "bucket"), AGING, ids=[str(a) for a, _ in AGING])
def test_aging_buckets_by_market(billed: Container, as_of: date, bucket: str) -> None:
    assert bucket_of(DUE, as_of) == bucket
    report = billed.reports.aging(FINANCE, as_of=as_of)
    rows = {r["market"]: r for r in report.rows}
    gede = rows["PSR-GEDE"]
    assert gede[bucket] == gede["total_owed"] == KIOS_BILL + LOS_BILL
    assert gede["overdue"] == (0 if bucket == "not_due" else KIOS_BILL + LOS_BILL)
    assert gede["bills"] == 2
    assert rows["PSR-LEGI"][bucket] == LEGI_BILL


def _pay(container: Container, vendor: str, amount: int, channel: str, at: datetime) -> None:
    source = cash_source("COL1") if channel == "cash" else bank_source("BNI")
    with container.uow() as uow:
        container.bill_payments.apply(
            uow,
            vendor=vendor,
            amount=amount,
            source=source,
            fallback_market="PSR-GEDE",
            effective_at=at,
            reference=f"{channel}-{amount}",
            channel=channel,
            description="test payment",
        )
        uow.commit()


@pytest.fixture
def paid(billed: Container) -> Container:
    billed.ledger.open_accounts([chart.collector_cash("PSR-GEDE", "COL1")])
    # 2026-12-03 23:30 WIB is 16:30 UTC; 2026-12-04 00:30 WIB is 17:30 UTC on the 3rd.
    _pay(billed, "V000001", 100_000, "va:BNI", datetime(2026, 12, 3, 16, 30, tzinfo=UTC))
    _pay(billed, "V000001", 50_000, "cash", datetime(2026, 12, 3, 17, 30, tzinfo=UTC))
    _pay(billed, "V000002", LEGI_BILL, "qris", datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    return billed


def test_payments_reduce_aging_and_vendor_rows(paid: Container) -> None:
    report = paid.reports.aging(FINANCE, by="vendor", as_of=date(2026, 12, 10))
    rows = {(r["market"], r["vendor"]): r for r in report.rows}
    assert set(rows) == {("PSR-GEDE", "V000001")}  # V000002 paid its Legi bill in full
    sri = rows[("PSR-GEDE", "V000001")]
    left = KIOS_BILL + LOS_BILL - 150_000
    assert (sri["0-30"], sri["overdue"], sri["total_owed"]) == (left, left, left)
    assert sri["not_due"] == sri["31-60"] == sri["61-90"] == sri[">90"] == 0


def test_collection_per_day_and_channel_in_jakarta_days(paid: Container) -> None:
    report = paid.reports.collection(FINANCE, first=date(2026, 12, 1), last=date(2026, 12, 31))
    got = {(r["market"], r["day"], r["channel"]): r["amount"] for r in report.rows}
    assert got == {
        ("PSR-GEDE", "2026-12-03", "va:BNI"): 100_000,
        ("PSR-GEDE", "2026-12-04", "cash"): 50_000,
        ("PSR-LEGI", "2026-12-04", "qris"): LEGI_BILL,
    }
    summary = {s["market"]: s for s in report.summary}
    assert summary["PSR-GEDE"]["cash"] == 50_000
    assert summary["PSR-GEDE"]["cashless_amount_percent"] == "66.67"
    assert summary["PSR-GEDE"]["vendors_paying"] == 1
    assert summary["PSR-GEDE"]["cashless_vendor_percent"] == "100.00"
    assert summary["PSR-LEGI"]["cashless_amount_percent"] == "100.00"
    only_day = paid.reports.collection(FINANCE, first=date(2026, 12, 3), last=date(2026, 12, 3))
    assert [r["channel"] for r in only_day.rows] == ["va:BNI"]


def test_occupancy_counts_statuses_and_expiring_shps(registry: Container) -> None:
    extra = [
        StallSpec("PSR-GEDE-K09-001", "PSR-GEDE", "K09", "001", "kios", 40_000, StallStatus.VACANT),
        StallSpec("PSR-GEDE-K09-002", "PSR-GEDE", "K09", "002", "kios", 40_000, StallStatus.SEALED),
        StallSpec("PSR-GEDE-K09-003", "PSR-GEDE", "K09", "003", "kios", 40_000),
    ]
    registry.registry.load_demo(DemoRegistry(stalls=extra, vendors=[], holdings=[]))
    registry.placements.issue(
        FINANCE,
        shp_number="SHP-EXP",
        stall="PSR-GEDE-K09-003",
        vendor="V000002",
        effective_on=date(2026, 1, 1),
        valid_until=date(2026, 11, 20),
    )
    report = registry.reports.occupancy(MANAGER, expiring_within_days=30)
    assert report.rows == [
        {
            "market": "PSR-GEDE",
            "active": 3,
            "vacant": 1,
            "damaged": 0,
            "closed": 0,
            "sealed": 1,
            "stalls": 5,
            "held": 3,
            "occupancy_percent": "60.00",
            "shp_expiring": 1,
            "shp_expired": 0,
        }
    ]
    later = registry.reports.occupancy(FINANCE, as_of=date(2026, 12, 1), expiring_within_days=0)
    gede = next(r for r in later.rows if r["market"] == "PSR-GEDE")
    assert (gede["shp_expiring"], gede["shp_expired"]) == (0, 1)
    assert {r["market"] for r in later.rows} == {"PSR-GEDE", "PSR-LEGI"}


SCOPE = [
    ("manager sees only own markets", MANAGER, None, {"PSR-GEDE"}, None),
    ("manager asks for own market", MANAGER, "PSR-GEDE", {"PSR-GEDE"}, None),
    ("manager asks for another market", MANAGER, "PSR-LEGI", None, NotFound),
    ("finance sees all", FINANCE, None, {"PSR-GEDE", "PSR-LEGI"}, None),
    ("vendors may not", VENDOR, None, None, Forbidden),
]


@pytest.mark.parametrize(
    ("case", "caller", "market", "markets", "error"), SCOPE, ids=[s[0] for s in SCOPE]
)
def test_scope_of_every_report(
    billed: Container,
    case: str,
    caller: Principal,
    market: str | None,
    markets: set[str] | None,
    error: type[Exception] | None,
) -> None:
    calls = [
        lambda: billed.reports.aging(caller, market=market, as_of=DUE),
        lambda: billed.reports.occupancy(caller, market=market),
        lambda: billed.reports.collection(
            caller, first=date(2026, 11, 1), last=date(2026, 11, 30), market=market
        ),
    ]
    for call in calls:
        if error is not None:
            with pytest.raises(error):
                call()
            continue
        report = call()
        assert {r["market"] for r in report.rows} <= (markets or set())
    if markets is not None:
        assert {r["market"] for r in billed.reports.aging(caller, market=market).rows} == markets


def test_collection_period_is_bounded(billed: Container) -> None:
    with pytest.raises(ValidationFailed):
        billed.reports.collection(FINANCE, first=date(2026, 1, 2), last=date(2026, 1, 1))
    with pytest.raises(ValidationFailed):
        billed.reports.collection(FINANCE, first=date(2024, 12, 31), last=date(2026, 1, 1))


@pytest.fixture
def api(paid: Container) -> Iterator[tuple[TestClient, dict[str, str]]]:
    issue = paid.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "collector": issue(Role.COLLECTOR, label="c", markets=frozenset({"PSR-GEDE"})).token,
        "vendor": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
    }
    with TestClient(create_app(paid), raise_server_exceptions=False) as client:
        yield client, tokens


HTTP = [
    ("/reports/arrears-aging?as_of=2026-12-10", "manager", 200),
    ("/reports/arrears-aging?by=vendor&market=PSR-LEGI", "manager", 404),
    ("/reports/arrears-aging", "collector", 403),
    ("/reports/arrears-aging", "vendor", 403),
    ("/reports/arrears-aging?by=stall", "finance", 422),
    ("/reports/collection?from=2026-12-01&to=2026-12-31", "finance", 200),
    ("/reports/collection?from=2026-12-01", "finance", 422),
    ("/reports/occupancy?expiring_within_days=90", "manager", 200),
    ("/reports/occupancy?expiring_within_days=-1", "manager", 422),
]


@pytest.mark.parametrize(("url", "who", "status"), HTTP, ids=[f"{u} {w}" for u, w, _ in HTTP])
def test_http_access_and_validation(
    api: tuple[TestClient, dict[str, str]], url: str, who: str, status: int
) -> None:
    client, t = api
    response = client.get(url, headers=auth(t[who]))
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_csv_export(api: tuple[TestClient, dict[str, str]]) -> None:
    client, t = api
    response = client.get(
        "/reports/collection?from=2026-12-01&to=2026-12-31&format=csv", headers=auth(t["finance"])
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="collection.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["market"], r["day"], r["channel"], r["amount"]) for r in rows] == [
        ("PSR-GEDE", "2026-12-03", "va:BNI", "100000"),
        ("PSR-GEDE", "2026-12-04", "cash", "50000"),
        ("PSR-LEGI", "2026-12-04", "qris", "48000"),
    ]
    aging = client.get(
        "/reports/arrears-aging?by=vendor&as_of=2026-12-10&format=csv", headers=auth(t["manager"])
    )
    lines = aging.text.splitlines()
    assert lines[0] == "market,vendor,not_due,0-30,31-60,61-90,>90,overdue,total_owed,bills"
    assert lines[1].startswith("PSR-GEDE,V000001,0,92670,")
    json_body = client.get("/reports/occupancy", headers=auth(t["finance"])).json()
    assert json_body["report"] == "occupancy"
    assert json_body["parameters"]["as_of"] == "2026-11-02"
    assert [r["market"] for r in json_body["rows"]] == sorted({KIOS.market_code, OTHER.market_code})
