"""Checkout through the API: one payment and one order per stall, stock reserved, bad input
refused with a clear error and nothing written, QRIS paid only by the bank's callback."""

from __future__ import annotations

from tests.orders.conftest import BUDI_LEGI, BUDI_LOS, SRI_KIOS, SRI_LOS, Market, auth, line

ORDER_TABLES = ("order_checkouts", "orders", "order_lines", "order_reservations", "order_events")


def _counts(m: Market) -> dict[str, int]:
    return {t: m.rows(t) for t in ORDER_TABLES}


def test_one_checkout_over_three_stalls_is_one_payment_and_three_orders(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    tomat = market.product(
        "sri", SRI_LOS.code, name="Tomat", unit="kg", price=12_000, stock=5_000, tolerance_grams=50
    )
    telur = market.product("budi", BUDI_LOS.code, name="Telur", unit="biji", price=2_000, stock=30)
    checkout = market.placed(
        [
            line(bayam, "a", quantity=2),
            line(tomat, "b", estimated_grams=500),
            line(telur, "c", quantity=10),
        ]
    )
    # 2 x 3,000 + 550 g x 12,000/kg (held: estimate + tolerance) + 10 x 2,000
    assert checkout["amount_to_pay"] == 6_000 + 6_600 + 20_000
    assert checkout["estimated_total"] == 6_000 + 6_000 + 20_000
    assert checkout["payment"]["method"] == "qris"
    assert checkout["payment"]["amount"] == checkout["amount_to_pay"]
    assert checkout["payment"]["payload"].startswith("000201")
    assert sorted(o["stall"] for o in checkout["orders"]) == sorted(
        [SRI_KIOS.code, SRI_LOS.code, BUDI_LOS.code]
    )
    assert {o["state"] for o in checkout["orders"]} == {"awaiting_payment"}
    assert market.product("sri", SRI_KIOS.code, name="x")["stock"]["available"] == 10
    browse = market.http.get(
        "/markets/PSR-GEDE/products?q=bayam", headers=auth(market.tokens["shopper"])
    ).json()
    assert browse["items"][0]["stock"] == {"mode": "counted", "on_hand": 10, "available": 8}

    market.pay(checkout)
    orders = [market.order(o["id"]) for o in checkout["orders"]]
    assert {o["state"] for o in orders} == {"paid"}
    history = orders[0]["history"]
    assert [(h["source"], h["target"], h["role"]) for h in history] == [
        ("new", "placed", "shopper"),
        ("placed", "awaiting_payment", "system"),
        ("awaiting_payment", "paid", "system"),
    ]
    # Held for the vendors: each payable holds its orders, none of it available yet.
    assert market.balance("vendor:V000001:payable") == 6_000 + 6_600
    assert market.balance("vendor:V000002:payable") == 20_000
    assert market.balance("city:clearing:QRACQ") == checkout["amount_to_pay"]


def test_replayed_checkout_returns_the_first_answer_and_reserves_once(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code, stock=3)
    first = market.checkout([line(bayam, quantity=2)], key="same-key-123")
    again = market.checkout([line(bayam, quantity=2)], key="same-key-123")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert market.rows("order_reservations") == 1
    other = market.checkout([line(bayam, quantity=3)], key="same-key-123")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


def test_bad_input_is_refused_clearly_and_writes_nothing(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    tomat = market.product(
        "sri", SRI_LOS.code, name="Tomat", unit="kg", price=12_000, stock=None, tolerance_bps=1_000
    )
    legi = market.product("budi", BUDI_LEGI.code, name="Cabai")
    before = _counts(market)
    cases = [
        ([line(bayam, quantity=-1)], 422, "order.quantity_not_positive"),
        (
            [line(tomat, estimated_grams=500) | {"quantity": 1, "estimated_grams": None}],
            422,
            "order.quantity_wrong_unit",
        ),
        ([line(bayam, estimated_grams=500)], 422, "order.weight_wrong_unit"),
        ([line(bayam, "a"), line(legi, "b")], 422, "order.multiple_markets"),
        ([line(bayam) | {"seen_unit_price": 2_500}], 409, "order.price_changed"),
        ([line(bayam, quantity=11)], 409, "order.out_of_stock"),
    ]
    for lines, status, code in cases:
        r = market.checkout(lines)
        assert r.status_code == status, (code, r.text)
        body = r.json()
        found = body["code"] if body["code"] != "validation_failed" else body["errors"][0]["code"]
        assert found == code
    changed = market.checkout([line(bayam) | {"seen_unit_price": 2_500}]).json()
    assert changed["changes"] == [
        {"line_id": "1", "product_id": bayam["id"], "seen": 2_500, "current": 3_000}
    ]
    market.open_shop("sri", SRI_KIOS.code, is_open=False)
    closed = market.checkout([line(bayam)])
    assert (closed.status_code, closed.json()["code"]) == (422, "order.stall_closed")
    assert _counts(market) == before


def test_a_price_change_accepted_by_the_shopper_goes_through(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    r = market.checkout([line(bayam) | {"seen_unit_price": 2_500}], accept_price_changes=True)
    assert r.status_code == 201
    assert r.json()["amount_to_pay"] == 3_000
    assert r.json()["price_changes"][0]["current"] == 3_000


def test_vendors_see_only_their_orders_and_cannot_touch_anothers(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    checkout = market.placed([line(bayam)])
    market.pay(checkout)
    order_id = checkout["orders"][0]["id"]
    assert (
        market.http.get(f"/orders/{order_id}", headers=auth(market.tokens["budi"])).status_code
        == 404
    )
    assert market.move("budi", order_id, "accepted").status_code == 404
    assert (
        market.http.get(
            f"/orders/{order_id}", headers=auth(market.tokens["manager_legi"])
        ).status_code
        == 404
    )
    assert (
        market.http.get(f"/orders/{order_id}", headers=auth(market.tokens["shopper2"])).status_code
        == 404
    )
    assert market.move("shopper", order_id, "accepted").status_code == 403
    r = market.move("sri", order_id, "ready")
    assert r.status_code == 409
    assert r.json()["code"] == "order.invalid_transition"
    assert r.json()["state"] == "paid"
    patch = market.http.patch(
        f"/products/{bayam['id']}", json={"price": 1}, headers=auth(market.tokens["budi"])
    )
    assert patch.status_code == 404


def test_unpaid_checkout_expires_and_its_stock_returns(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code, stock=1)
    checkout = market.placed([line(bayam)])
    assert market.checkout([line(bayam)], who="shopper2").json()["code"] == "order.out_of_stock"
    market.clock.advance(minutes=16)
    swept = market.http.post("/orders/jobs/sweep", headers=auth(market.tokens["finance"])).json()
    assert swept == {"checkouts_expired": 1}
    assert market.order(checkout["orders"][0]["id"])["state"] == "expired"
    assert market.checkout([line(bayam)], who="shopper2").status_code == 201
    # A late payment for the expired checkout is not lost: parked for review, nothing sold.
    market.pay(checkout)
    assert market.balance("city:suspense") == 3_000
    assert market.order(checkout["orders"][0]["id"])["state"] == "expired"


def test_cancelling_before_payment_cancels_the_whole_checkout(market: Market) -> None:
    a = market.product("sri", SRI_KIOS.code)
    b = market.product("budi", BUDI_LOS.code)
    checkout = market.placed([line(a, "1"), line(b, "2")])
    r = market.http.post(
        f"/checkouts/{checkout['id']}/cancellation", headers=auth(market.tokens["shopper"])
    )
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    assert {o["state"] for o in r.json()["orders"]} == {"cancelled"}
    market.pay(checkout)  # paid anyway: parked, not applied
    assert market.balance("vendor:V000001:payable") == 0


def test_a_stall_idle_day_closes_its_shop_for_that_day(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code)
    telur = market.product("budi", BUDI_LOS.code, name="Telur", unit="biji", price=2_000)
    today = "2026-11-02"  # the test clock's Jakarta day
    r = market.http.post(
        "/markets/PSR-GEDE/days-off",
        json={
            "stall": SRI_KIOS.code,
            "first_day": today,
            "last_day": today,
            "reason": "vendor away (synthetic)",
        },
        headers=auth(market.tokens["manager"]),
    )
    assert r.status_code == 201, r.text
    closed = market.checkout([line(bayam)])
    assert (closed.status_code, closed.json()["code"]) == (422, "order.stall_closed")
    assert market.checkout([line(telur)]).status_code == 201
    market.clock.advance(days=1)
    assert market.checkout([line(bayam)]).status_code == 201
