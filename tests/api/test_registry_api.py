"""Registry over HTTP: who may add and see stalls and vendors, and clear errors."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from pasar_pay.entrypoints.wiring import Container
from tests.api.conftest import auth


def stall(code: str = "PSR-GEDE-K01-001", market: str = "PSR-GEDE", **kw: Any) -> dict[str, Any]:
    return {
        "code": code,
        "market": market,
        "block": "K01",
        "number": "001",
        "type": "kios",
        "area_cm2": 90_000,
        **kw,
    }


def test_a_manager_adds_stalls_only_in_their_market(
    client: TestClient, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["manager_gede"])
    created = client.post("/stalls", json=stall(), headers=headers)
    assert created.status_code == 201
    assert created.json()["area_m2"] == "9"
    elsewhere = client.post("/stalls", json=stall("PSR-LEGI-L01-001", "PSR-LEGI"), headers=headers)
    assert elsewhere.status_code == 404
    again = client.post("/stalls", json=stall(), headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "stall_exists")


def test_bad_stalls_are_refused(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["finance"])
    negative = client.post("/stalls", json=stall(area_cm2=-4), headers=headers)
    assert negative.status_code == 422
    unknown = client.post("/stalls", json=stall("PSR-NOPE-K-1", "PSR-NOPE"), headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (422, "market_unknown")
    wrong_type = client.post("/stalls", json=stall(type="lapak"), headers=headers)
    assert wrong_type.status_code == 422
    assert client.get("/stalls", headers=headers).json()["items"] == []


def test_a_vendor_sees_only_stalls_they_hold(
    books: Container, client: TestClient, tokens: dict[str, str]
) -> None:
    from pasar_pay.domain.registry.demo import DemoRegistry
    from pasar_pay.domain.registry.model import StallSpec, VendorSpec

    mine = StallSpec("PSR-GEDE-L01-001", "PSR-GEDE", "L01", "001", "los", 22_500)
    other = StallSpec("PSR-GEDE-L01-002", "PSR-GEDE", "L01", "002", "los", 22_500)
    books.registry.load_demo(
        DemoRegistry(
            stalls=[mine, other],
            vendors=[VendorSpec("V000001", "Bu Sri"), VendorSpec("V000002", "Pak Budi")],
            holdings=[(mine.code, "V000001"), (other.code, "V000002")],
        )
    )
    headers = auth(tokens["vendor"])  # bound to V000001
    listed = client.get("/stalls", headers=headers).json()["items"]
    assert [s["code"] for s in listed] == [mine.code]
    assert client.get(f"/stalls/{other.code}", headers=headers).status_code == 404
    assert client.get(f"/stalls/{mine.code}", headers=headers).json()["holder"] == "V000001"
    assert client.get("/vendors/V000002", headers=headers).status_code == 404
    assert client.get("/vendors/V000001", headers=headers).json()["markets"] == ["PSR-GEDE"]


def test_finance_adds_a_market_with_its_accounts(
    client: TestClient, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["finance"])
    body = {"code": "PSR-BARU", "name": "Pasar Baru (example)", "channels": ["qris", "cash"]}
    assert client.post("/markets", json=body, headers=headers).status_code == 201
    assert client.post("/markets", json=body, headers=headers).status_code == 409
    revenue = client.get("/ledger/accounts/market:PSR-BARU:revenue:retribution", headers=headers)
    assert revenue.status_code == 200
    profile = client.get("/markets/PSR-BARU/profile", headers=headers).json()
    assert profile["channels"] == ["qris", "cash"]
    manager = client.post("/markets", json=body, headers=auth(tokens["manager_gede"]))
    assert manager.status_code == 403
