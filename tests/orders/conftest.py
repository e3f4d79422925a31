"""A small online market: Pasar Gede with three stalls of two vendors (and one in Pasar Legi),
billed for November, demo QRIS merchants, a registered QRIS acquirer that sends callbacks
through the SNAP endpoint, and API keys for every role. All names and prices are synthetic."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from pasar_pay.domain.access import Role
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.bank_sim.client import SnapBankClient, notify_body
from pasar_pay.entrypoints.wiring import Container
from tests.banking.conftest import identity, register
from tests.conftest import FakeClock

SRI_KIOS = StallSpec("PSR-GEDE-K01-001", "PSR-GEDE", "K01", "001", "kios", 90_000)
SRI_LOS = StallSpec("PSR-GEDE-L01-001", "PSR-GEDE", "L01", "001", "los", 22_500)
BUDI_LOS = StallSpec("PSR-GEDE-L01-002", "PSR-GEDE", "L01", "002", "los", 22_500)
BUDI_LEGI = StallSpec("PSR-LEGI-L01-001", "PSR-LEGI", "L01", "001", "los", 40_000)
SRI, BUDI = "V000001", "V000002"


def auth(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


@dataclass
class Market:
    container: Container
    http: TestClient
    acq: SnapBankClient
    tokens: dict[str, str]
    clock: FakeClock

    # catalog -------------------------------------------------------------------------
    def product(self, who: str, stall: str, **fields: Any) -> dict[str, Any]:
        body = {"name": "Bayam", "category": "sayur", "unit": "ikat", "price": 3_000, "stock": 10}
        body.update(fields)
        r = self.http.post(f"/stalls/{stall}/products", json=body, headers=auth(self.tokens[who]))
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def open_shop(self, who: str, stall: str, is_open: bool = True) -> None:
        r = self.http.put(
            f"/stalls/{stall}/shop", json={"open": is_open}, headers=auth(self.tokens[who])
        )
        assert r.status_code == 200, r.text

    # shopping --------------------------------------------------------------------------
    def checkout(
        self,
        lines: list[dict[str, Any]],
        who: str = "shopper",
        key: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        body = {"lines": lines, **extra}
        return self.http.post(
            "/checkouts", json=body, headers=auth(self.tokens[who], key or uuid.uuid4().hex)
        )

    def placed(self, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        r = self.checkout(lines, **extra)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def pay(self, checkout: dict[str, Any], amount: int | None = None) -> dict[str, Any]:
        """The acquirer's callback for the checkout's dynamic QRIS (the only way to pay)."""
        payment = checkout["payment"]
        body = notify_body(
            f"ACQ-{uuid.uuid4().hex[:10]}", payment["reference"], amount or payment["amount"]
        )
        r = self.acq.qr_notify(body)
        assert r.json()["responseCode"] == "2005200", r.text
        return r.json()  # type: ignore[no-any-return]

    def move(self, who: str, order_id: str, target: str) -> httpx.Response:
        return self.http.post(
            f"/orders/{order_id}/transitions",
            json={"target": target},
            headers=auth(self.tokens[who]),
        )

    def moved(self, who: str, order_id: str, *targets: str) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for target in targets:
            r = self.move(who, order_id, target)
            assert r.status_code == 200, r.text
            body = r.json()
        return body

    def order(self, order_id: str, who: str = "finance") -> dict[str, Any]:
        r = self.http.get(f"/orders/{order_id}", headers=auth(self.tokens[who]))
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    def balance(self, code: str) -> int:
        with self.container.uow() as uow:
            accounts = uow.ledger.get_accounts([code])
        if code not in accounts:
            return 0
        account = accounts[code]
        return account.balance.posted(account.spec.normal_side)

    def rows(self, table: str) -> int:
        from sqlalchemy import func, select

        from pasar_pay.adapters.db.tables import metadata

        with self.container.uow() as uow:
            return int(
                uow.connection.execute(
                    select(func.count()).select_from(metadata.tables[table])
                ).scalar_one()
            )


@pytest.fixture
def market(books: Container, clock: FakeClock) -> Iterator[Market]:
    books.billing.seed_tariffs()
    books.registry.load_demo(
        DemoRegistry(
            stalls=[SRI_KIOS, SRI_LOS, BUDI_LOS, BUDI_LEGI],
            vendors=[
                VendorSpec(SRI, "Bu Sri (synthetic)"),
                VendorSpec(BUDI, "Pak Budi (synthetic)"),
            ],
            holdings=[
                (SRI_KIOS.code, SRI),
                (SRI_LOS.code, SRI),
                (BUDI_LOS.code, BUDI),
                (BUDI_LEGI.code, BUDI),
            ],
        )
    )
    books.billing.run(None, date(2026, 11, 1), date(2026, 11, 30))
    books.qris_merchants.demo_merchants()
    acq = identity("QRACQ")
    register(books, acq, va=False, qris=True)
    issue = books.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "manager_legi": issue(Role.MANAGER, label="ml", markets=frozenset({"PSR-LEGI"})).token,
        "sri": issue(Role.VENDOR, label="sri", vendor_code=SRI).token,
        "budi": issue(Role.VENDOR, label="budi", vendor_code=BUDI).token,
        "shopper": issue(Role.SHOPPER, label="s1").token,
        "shopper2": issue(Role.SHOPPER, label="s2").token,
        "bank": issue(Role.BANK, label="b", bank_code="QRACQ").token,
    }
    with TestClient(create_app(books), raise_server_exceptions=False) as http:
        m = Market(books, http, SnapBankClient(http, acq, clock=clock), tokens, clock)
        for who, stall in (
            ("sri", SRI_KIOS),
            ("sri", SRI_LOS),
            ("budi", BUDI_LOS),
            ("budi", BUDI_LEGI),
        ):
            m.open_shop(who, stall.code)
        yield m


def line(product: dict[str, Any], line_id: str = "1", **qty: Any) -> dict[str, Any]:
    out = {"line_id": line_id, "product_id": product["id"], "seen_unit_price": product["price"]}
    out.update(qty or {"quantity": 1})
    return out
