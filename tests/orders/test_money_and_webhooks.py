"""Money edges (order holds and the hold sweeper, batch-posted holds, arrears netting), the
catalog's browsing, and vendor webhooks signed, retried with backoff and logged."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from pasar_pay.adapters.webhooks.http_sender import HttpxWebhookSender
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, Side
from pasar_pay.domain.orders.webhooks import HEADER, retry_delay, verify
from tests.orders.conftest import BUDI_LOS, SRI_KIOS, SRI_LOS, Market, auth, line


def _paid(m: Market, product: dict[str, Any], quantity: int = 1) -> str:
    checkout = m.placed([line(product, quantity=quantity)])
    m.pay(checkout)
    return str(checkout["orders"][0]["id"])


def test_the_hold_sweeper_leaves_order_holds_alone(market: Market) -> None:
    order_id = _paid(market, market.product("sri", SRI_KIOS.code))
    market.clock.advance(days=100)  # far past the hold's own expiry
    assert market.container.ledger.expire_holds() == 0
    with market.container.uow() as uow:
        hold = uow.orders.order(order_id)
        assert hold is not None
        assert hold.hold_entry_id is not None
        assert uow.ledger.find_resolution(hold.hold_entry_id) is None
    account = "vendor:V000001:payable"
    with market.container.uow() as uow:
        balance = uow.ledger.get_accounts([account])[account].balance
    assert balance.available(Side.CREDIT) == 0  # still the shopper's claim


def test_a_batch_cannot_post_more_than_a_hold(market: Market) -> None:
    order_id = _paid(market, market.product("sri", SRI_KIOS.code))
    with market.container.uow() as uow:
        order = uow.orders.order(order_id)
        assert order is not None
        too_much = EntryDraft(
            kind=EntryKind.POST_PENDING,
            postings=(
                Posting("vendor:V000001:payable", Side.DEBIT, 3_001),
                Posting("city:clearing:QRACQ", Side.CREDIT, 3_001),
            ),
            effective_at=market.clock.now,
            description="over-post",
            chain="CITY",
            pending_id=order.hold_entry_id,
        )
        with pytest.raises(DomainError) as refused:
            market.container.ledger.write(uow, [too_much])
    assert refused.value.code == "pending_amount_exceeds_hold"


def test_payout_nets_arrears_only_for_a_vendor_who_opted_in(market: Market) -> None:
    fin = auth(market.tokens["finance"])
    market.http.post(
        "/order-commission-rules",
        json={"rate_bps": 1_000, "legal_basis": "synthetic (to verify)"},
        headers=fin,
    )
    beras = market.product("sri", SRI_KIOS.code, name="Beras", category="beras", price=300_000)
    order_id = _paid(market, beras)
    market.moved("sri", order_id, "accepted", "picking", "ready", "ready_for_pickup", "picked_up")
    market.moved("shopper", order_id, "completed")
    arrears_before = market.balance("market:PSR-GEDE:receivable:V000001")
    assert arrears_before > 0  # November's retribution is unpaid
    r = market.http.put(
        "/vendors/me/order-settings", json={"net_arrears": True}, headers=auth(market.tokens["sri"])
    )
    assert r.status_code == 200
    day = market.clock.now.astimezone(ZoneInfo("Asia/Jakarta")).date().isoformat()
    [payout] = market.http.post("/order-payouts", json={"day": day}, headers=fin).json()
    net = 300_000 - 30_000
    netted = min(arrears_before, net)
    assert payout["netted"] == [{"market": "PSR-GEDE", "amount": netted}]
    assert payout["paid_out"] == net - netted
    assert payout["lines"][0]["commission"] == 30_000
    assert payout["lines"][0]["commission_bps"] == 1_000
    assert market.balance("market:PSR-GEDE:receivable:V000001") == arrears_before - netted
    mine = market.http.get("/order-payouts", headers=auth(market.tokens["sri"])).json()
    theirs = market.http.get("/order-payouts", headers=auth(market.tokens["budi"])).json()
    assert [p["id"] for p in mine] == [payout["id"]]
    assert theirs == []


def test_browse_by_market_stall_category_and_text_with_cursor(market: Market) -> None:
    for i in range(5):
        market.product("sri", SRI_KIOS.code, name=f"Sawi {i}", category="sayur")
    market.product(
        "sri",
        SRI_LOS.code,
        name="Beras medium",
        category="beras",
        unit="kg",
        price=14_000,
        stock=None,
        tolerance_grams=0,
    )
    market.product("budi", BUDI_LOS.code, name="Telur", category="telur", unit="biji", price=2_000)
    shopper = auth(market.tokens["shopper"])
    seen: list[str] = []
    cursor = None
    while True:
        url = "/markets/PSR-GEDE/products?category=sayur&limit=2"
        page = market.http.get(
            url + (f"&cursor={cursor}" if cursor else ""), headers=shopper
        ).json()
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"Sawi {i}" for i in range(5)]
    found = market.http.get("/markets/PSR-GEDE/products?q=BERAS", headers=shopper).json()
    assert [p["stock"]["mode"] for p in found["items"]] == ["available_today"]
    stall = market.http.get(f"/markets/PSR-GEDE/products?stall={BUDI_LOS.code}", headers=shopper)
    assert [p["name"] for p in stall.json()["items"]] == ["Telur"]
    bad = market.http.get("/markets/PSR-GEDE/products?colour=red", headers=shopper)
    assert bad.json()["code"] == "filter_not_allowed"
    price = {
        "commodity": "beras medium",
        "unit": "kg",
        "price": 14_000,
        "as_of": "2026-11-01",
        "source": "synthetic test value, not a published price",
    }
    assert (
        market.http.post(
            "/markets/PSR-GEDE/reference-prices", json=price, headers=shopper
        ).status_code
        == 403
    )
    assert (
        market.http.post(
            "/markets/PSR-LEGI/reference-prices", json=price, headers=auth(market.tokens["manager"])
        ).status_code
        == 404
    )
    added = market.http.post(
        "/markets/PSR-GEDE/reference-prices", json=price, headers=auth(market.tokens["manager"])
    )
    assert added.status_code == 201
    listed = market.http.get("/markets/PSR-GEDE/reference-prices", headers=shopper).json()
    assert listed[0]["to_verify"] is True


def test_cash_on_delivery_only_where_the_market_offers_it(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    r = market.checkout([line(bayam)], payment="cash_on_delivery")
    assert (r.status_code, r.json()["code"]) == (422, "order.cod_not_offered")


class Receiver:
    """A vendor's endpoint: verifies every signature; fails the first `failures` calls."""

    def __init__(self, secret: str, failures: int) -> None:
        self.secret = secret
        self.failures = failures
        self.events: list[str] = []
        self.now = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        verify(self.secret, request.headers[HEADER], request.content, self.now)
        if self.failures:
            self.failures -= 1
            return httpx.Response(503)
        self.events.append(json.loads(request.content)["type"])
        return httpx.Response(204)


def test_webhooks_are_signed_retried_with_backoff_and_logged(market: Market) -> None:
    receiver = Receiver("unset", failures=0)
    client = httpx.Client(transport=httpx.MockTransport(receiver))
    market.container.__dict__["webhook_sender"] = HttpxWebhookSender(client)
    sri = auth(market.tokens["sri"])
    bad = market.http.post("/webhooks/endpoints", json={"url": "ftp://x.test/h"}, headers=sri)
    assert bad.json()["code"] == "webhook.url_invalid"
    made = market.http.post(
        "/webhooks/endpoints", json={"url": "https://sri.example.test/hook"}, headers=sri
    ).json()
    receiver.secret = made["secret"]
    receiver.now = int(market.clock.now.timestamp())
    ping = market.http.post(f"/webhooks/endpoints/{made['id']}/test", headers=sri).json()
    assert ping["ok"] is True
    assert receiver.events == ["ping"]
    other = market.http.post(
        f"/webhooks/endpoints/{made['id']}/test", headers=auth(market.tokens["budi"])
    )
    assert other.status_code == 404

    receiver.failures = 2
    _paid(market, market.product("sri", SRI_KIOS.code))
    fin = auth(market.tokens["finance"])
    first = market.http.post("/webhooks/jobs/dispatch", headers=fin).json()
    assert first == {"delivered": 1, "retrying": 2, "failed": 0}  # placed, awaiting, paid
    log = market.http.get("/webhooks/deliveries", headers=sri).json()
    retrying = [d for d in log if d["status"] == "pending"]
    for delivery in retrying:
        delay = retry_delay(1, delivery["id"])
        assert delay is not None
        expected = market.clock.now + timedelta(seconds=delay)
        assert delivery["next_attempt_at"] == expected.isoformat()
    market.clock.advance(seconds=31)  # past the first backoff (30 s less jitter)
    receiver.now = int(market.clock.now.timestamp())
    again = market.http.post("/webhooks/jobs/dispatch", headers=fin).json()
    assert again == {"delivered": 2, "retrying": 0, "failed": 0}
    assert sorted(receiver.events) == sorted(
        ["ping", "order.placed", "order.awaiting_payment", "order.paid"]
    )
    log = market.http.get("/webhooks/deliveries", headers=sri).json()
    attempts = sorted(len(d["log"]) for d in log)
    assert attempts == [1, 1, 2, 2]
    assert {a["status_code"] for d in log for a in d["log"]} == {204, 503}
