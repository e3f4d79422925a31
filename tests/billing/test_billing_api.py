"""Billing over HTTP: scope, problem+json errors, idempotent cash sync."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pasar_pay.domain.access import Role
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from tests.api.conftest import auth

KIOS_BILL = "RET-20261101-PSR-GEDE-K01-001"
LEGI_BILL = "RET-20261101-PSR-LEGI-L01-001"


@pytest.fixture
def api(registry: Container) -> Iterator[tuple[TestClient, dict[str, str]]]:
    issue = registry.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "collector": issue(Role.COLLECTOR, label="c", markets=frozenset({"PSR-GEDE"})).token,
        "sri": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
    }
    with TestClient(create_app(registry), raise_server_exceptions=False) as client:
        yield client, tokens


def test_a_run_through_the_api_then_scoped_reads(api: tuple[TestClient, dict[str, str]]) -> None:
    client, t = api
    body = {"period_start": "2026-11-01", "period_end": "2026-11-30"}
    assert client.post("/billing/runs", json=body, headers=auth(t["sri"])).status_code == 403
    run = client.post("/billing/runs", json=body, headers=auth(t["finance"]))
    assert (run.status_code, run.json()["created"]) == (201, 3)
    mine = client.get("/bills", headers=auth(t["sri"])).json()["items"]
    assert {b["vendor"] for b in mine} == {"V000001"}
    assert client.get(f"/bills/{LEGI_BILL}", headers=auth(t["sri"])).status_code == 404
    assert client.get(f"/bills/{LEGI_BILL}", headers=auth(t["manager"])).status_code == 404
    detail = client.get(f"/bills/{KIOS_BILL}", headers=auth(t["sri"])).json()
    assert detail["amount"] == 215_670
    assert detail["computation"]["explanation"][-1] == "Total Rp 215.670"


def test_objection_on_someone_elses_bill_is_not_found(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, t = api
    client.post(
        "/billing/runs",
        json={"period_start": "2026-11-01", "period_end": "2026-11-30"},
        headers=auth(t["finance"]),
    )
    other = client.post(
        f"/bills/{LEGI_BILL}/objections",
        json={"reason": "I never held this stall at all"},
        headers=auth(t["sri"]),
    )
    assert (other.status_code, other.json()["code"]) == (404, "bill_not_found")
    mine = client.post(
        f"/bills/{KIOS_BILL}/objections",
        json={"reason": "the kios is smaller than 9 m2"},
        headers=auth(t["sri"]),
    )
    assert mine.status_code == 201


def test_cash_sync_twice_books_once(api: tuple[TestClient, dict[str, str]]) -> None:
    client, t = api
    client.post(
        "/billing/runs",
        json={"period_start": "2026-11-01", "period_end": "2026-11-30"},
        headers=auth(t["finance"]),
    )
    receipt = {
        "id": "dev-0001-0001",
        "receipt_no": "KW-0009",
        "vendor": "V000001",
        "amount": 25_000,
        "collected_at": "2026-12-02T08:00:00+07:00",
    }
    first = client.post("/cash/receipts", json=receipt, headers=auth(t["collector"]))
    again = client.post("/cash/receipts", json=receipt, headers=auth(t["collector"]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    owed = client.get(f"/bills/{KIOS_BILL}", headers=auth(t["sri"])).json()["owed"]
    assert owed == 215_670 - 25_000
    bad = client.post(
        "/cash/receipts",
        json={**receipt, "id": "dev-0001-0002", "amount": 25_000.5},
        headers=auth(t["collector"]),
    )
    assert bad.status_code == 422
