"""A full trading day through the API and the acquirer's SNAP callbacks: orders paid, rejected,
weighed within and beyond tolerance, substituted, expired, disputed and paid cash on delivery;
then the vendors' ledger balances equal what the orders imply, and the payouts equal completed
orders minus commission minus refunds. Rates and prices are synthetic."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from tests.orders.conftest import BUDI_LOS, SRI_KIOS, SRI_LOS, Market, auth, line

JAKARTA = ZoneInfo("Asia/Jakarta")


def _setup(m: Market) -> dict[str, dict[str, Any]]:
    fin = auth(m.tokens["finance"])
    for rule in (
        {"rate_bps": 1_000, "legal_basis": "synthetic default rate (to verify)"},
        {
            "rate_bps": 500,
            "market": "PSR-GEDE",
            "category": "sayur",
            "legal_basis": "synthetic vegetable rate (to verify)",
        },
    ):
        assert m.http.post("/order-commission-rules", json=rule, headers=fin).status_code == 201
    options = {"cash_on_delivery": True, "min_channel_refund": 1_000}
    r = m.http.put(
        "/markets/PSR-GEDE/order-options", json=options, headers=auth(m.tokens["manager"])
    )
    assert r.status_code == 200
    return {
        "bayam": m.product("sri", SRI_KIOS.code, stock=20),
        "tomat": m.product(
            "sri",
            SRI_LOS.code,
            name="Tomat",
            unit="kg",
            price=12_000,
            stock=10_000,
            tolerance_grams=50,
        ),
        "telur": m.product(
            "budi",
            BUDI_LOS.code,
            name="Telur",
            category="telur",
            unit="biji",
            price=2_000,
            stock=100,
        ),
        "kampung": m.product(
            "budi",
            BUDI_LOS.code,
            name="Telur kampung",
            category="telur",
            unit="biji",
            price=1_800,
            stock=50,
        ),
        "ayam": m.product(
            "budi",
            BUDI_LOS.code,
            name="Ayam",
            category="daging",
            unit="kg",
            price=40_000,
            stock=None,
            tolerance_bps=1_000,
        ),
    }


def _one(m: Market, lines: list[dict[str, Any]], **extra: Any) -> tuple[dict[str, Any], str]:
    checkout = m.placed(lines, **extra)
    return checkout, checkout["orders"][0]["id"]


def _post(m: Market, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = m.http.post(path, json=body, headers=auth(m.tokens[who]))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_full_day_of_orders_balances_to_the_rupiah(market: Market) -> None:
    m = market
    p = _setup(m)
    # 1. paid, picked up, confirmed by the shopper
    c1, o1 = _one(m, [line(p["bayam"], quantity=2)])
    m.pay(c1)
    m.moved("sri", o1, "accepted", "picking", "ready", "ready_for_pickup", "picked_up")
    m.moved("shopper", o1, "completed")
    # 2. paid, rejected by the vendor: refunded in full, stock back
    c2, o2 = _one(m, [line(p["telur"], quantity=10)])
    m.pay(c2)
    assert m.moved("budi", o2, "rejected")["refunded"] == 20_000
    # 3. weighed within tolerance: the small difference becomes shopper credit
    c3, o3 = _one(m, [line(p["tomat"], estimated_grams=500)])
    m.pay(c3)
    m.moved("sri", o3, "accepted", "picking")
    weighed = _post(m, "sri", f"/orders/{o3}/weighings", {"line_id": "1", "actual_grams": 530})
    assert weighed["lines"][0]["charge"] == 6_360
    assert weighed["refunds"][0]["route"] == "credit"
    m.moved("sri", o3, "ready", "ready_for_pickup", "picked_up")
    # 4. weighed beyond tolerance: asks the shopper, the timeout applies the default
    c4, o4 = _one(m, [line(p["ayam"], estimated_grams=1_000)])
    assert c4["amount_to_pay"] == 44_000  # 1,100 g held
    m.pay(c4)
    m.moved("budi", o4, "accepted", "picking")
    asked = _post(m, "budi", f"/orders/{o4}/weighings", {"line_id": "1", "actual_grams": 800})
    assert asked["state"] == "awaiting_approval"
    m.clock.advance(minutes=11)
    assert _sweep(m) == {"approvals_defaulted": 1}
    assert m.order(o4)["state"] == "picking"
    assert m.order(o4)["refunded"] == 12_000
    m.moved("budi", o4, "ready", "out_for_delivery", "delivered")
    # 5. out of stock: a substitute proposed and approved by the shopper
    c5, o5 = _one(m, [line(p["telur"], quantity=4) | {"substitution": "best_match"}])
    m.pay(c5)
    m.moved("budi", o5, "accepted", "picking")
    proposed = _post(
        m, "budi", f"/orders/{o5}/substitutions", {"line_id": "1", "product_id": p["kampung"]["id"]}
    )
    assert proposed["state"] == "awaiting_approval"
    answered = _post(m, "shopper", f"/orders/{o5}/lines/1/answer", {"answer": "approve"})
    assert (answered["state"], answered["lines"][0]["charge"]) == ("picking", 7_200)
    m.moved("budi", o5, "ready", "ready_for_pickup", "picked_up")
    # 6. never paid: expires, nothing booked
    _unpaid, o6 = _one(m, [line(p["bayam"], quantity=1)])
    # 7. delivered, disputed within the window, partly refunded, resolved
    c7, o7 = _one(m, [line(p["bayam"], quantity=3)])
    m.pay(c7)
    m.moved("sri", o7, "accepted", "picking", "ready", "out_for_delivery", "delivered")
    m.moved("shopper", o7, "disputed")
    refund = m.http.post(
        f"/orders/{o7}/refunds",
        json={"line_id": "1", "amount": 3_000, "reason": "one bunch wilted"},
        headers=auth(m.tokens["manager"], "dispute-o7-1"),
    )
    assert refund.status_code == 201, refund.text
    m.moved("manager", o7, "resolved")
    # 8. cash on delivery: no shopper money through us; the commission is owed by the vendor
    c8, o8 = _one(m, [line(p["telur"], quantity=5)], payment="cash_on_delivery")
    assert c8["payment"] == {"method": "cash_on_delivery"}
    m.moved("budi", o8, "accepted", "picking", "ready", "out_for_delivery", "delivered")

    m.clock.advance(hours=49)  # past every reservation and the complaint window
    swept = _sweep(m)
    assert swept == {"checkouts_expired": 1, "orders_completed": 5}
    assert m.order(o6)["state"] == "expired"
    states = {o: m.order(o)["state"] for o in (o1, o2, o3, o4, o5, o7, o8)}
    assert states == {
        o1: "completed",
        o2: "rejected",
        o3: "completed",
        o4: "completed",
        o5: "completed",
        o7: "completed",
        o8: "completed",
    }

    completed = [m.order(o) for o in (o1, o3, o4, o5, o7)]
    # commission per published rules: sayur at Gede 5 %, everything else 10 %
    assert [o["commission"] for o in completed] == [300, 318, 3_200, 720, 300]
    assert m.order(o8)["commission"] == 1_000
    implied = {"V000001": 0, "V000002": 0}
    for o in completed:
        implied[o["vendor"]] += o["paid"] - o["refunded"] - o["commission"]
    assert m.balance("vendor:V000001:payable") == implied["V000001"]
    assert m.balance("vendor:V000002:payable") == implied["V000002"]
    assert m.balance("vendor:V000002:commission-due") == 1_000
    assert m.balance("city:revenue:commission") == 300 + 318 + 3_200 + 720 + 300 + 1_000
    credit = sum(
        r["amount"]
        for o in (o1, o2, o3, o4, o5, o7)
        for r in m.order(o)["refunds"]
        if r["route"] == "credit"
    )
    assert credit == 240 + 800
    shopper = _shopper_code(m)
    assert m.balance(f"shopper:{shopper}:credit") == credit

    day = m.clock.now.astimezone(JAKARTA).date().isoformat()
    fin = auth(m.tokens["finance"])
    payouts = m.http.post("/order-payouts", json={"day": day}, headers=fin).json()
    by_vendor = {p["vendor"]: p for p in payouts}
    # Pak Budi's cash-order commission (owed by him) is settled from his payout.
    cod_due = {"V000001": 0, "V000002": 1_000}
    for vendor, payout in by_vendor.items():
        assert payout["commission_due_taken"] == cod_due[vendor]
        assert payout["paid_out"] == implied[vendor] - cod_due[vendor]
        lines_net = sum(li["gross"] - li["refunded"] - li["commission"] for li in payout["lines"])
        assert lines_net == implied[vendor]
        assert all("commission" in line_ for line_ in payout["lines"])
    assert m.balance("vendor:V000001:payable") == m.balance("vendor:V000002:payable") == 0
    assert m.balance("vendor:V000002:commission-due") == 0
    again = m.http.post("/order-payouts", json={"day": day}, headers=fin).json()
    assert again == []  # one batch per vendor and day
    paid_in = sum(c["amount_to_pay"] for c in (c1, c2, c3, c4, c5, c7))
    channel = sum(
        r["amount"]
        for o in (o1, o2, o3, o4, o5, o7)
        for r in m.order(o)["refunds"]
        if r["route"] == "channel"
    )
    paid_out = sum(p["paid_out"] for p in payouts)
    assert paid_out == sum(implied.values()) - 1_000
    assert m.balance("city:clearing:QRACQ") == paid_in - channel - paid_out


def _sweep(m: Market) -> dict[str, int]:
    r = m.http.post("/orders/jobs/sweep", headers=auth(m.tokens["finance"]))
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def _shopper_code(m: Market) -> str:
    principal = m.container.keys.authenticate(m.tokens["shopper"])
    return principal.key_id.upper()
