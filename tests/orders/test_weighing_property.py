"""Property: whatever the weighing and the shopper's answer, a prepaid weighed order's money
adds up through the API and the ledger: charge + refunds = paid, the vendor keeps the charge
less the published commission, refunds reach the channel or the shopper's credit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders.conftest import SRI_LOS, Market, auth, line

RATE_BPS = 750  # synthetic


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    price=st.integers(1_000, 150_000),
    estimate=st.integers(100, 5_000),
    tolerance_bps=st.integers(0, 2_000),
    actual_ratio=st.integers(1, 200),
    approve=st.booleans(),
)
def test_weighed_order_money_adds_up(
    market: Market,
    price: int,
    estimate: int,
    tolerance_bps: int,
    actual_ratio: int,
    approve: bool,
) -> None:
    m = market
    fin = auth(m.tokens["finance"])
    if not m.http.get("/order-commission-rules", headers=fin).json():
        rule = {"rate_bps": RATE_BPS, "legal_basis": "synthetic (to verify)"}
        m.http.put(
            "/markets/PSR-GEDE/order-options",
            json={"cash_on_delivery": False, "min_channel_refund": 2_000},
            headers=auth(m.tokens["manager"]),
        )
        assert m.http.post("/order-commission-rules", json=rule, headers=fin).status_code == 201
    product = m.product(
        "sri",
        SRI_LOS.code,
        name="Cabai",
        unit="kg",
        price=price,
        stock=None,
        tolerance_bps=tolerance_bps,
    )
    payable = m.balance("vendor:V000001:payable")
    credit = m.balance(f"shopper:{_shopper(m)}:credit")
    checkout = m.placed([line(product, estimated_grams=estimate)])
    m.pay(checkout)
    order_id = checkout["orders"][0]["id"]
    m.moved("sri", order_id, "accepted", "picking")
    actual = max(1, estimate * actual_ratio // 100)
    r = m.http.post(
        f"/orders/{order_id}/weighings",
        json={"line_id": "1", "actual_grams": actual},
        headers=auth(m.tokens["sri"]),
    )
    assert r.status_code == 200, r.text
    if r.json()["state"] == "awaiting_approval":
        answer = "approve" if approve else "refuse"
        r = m.http.post(
            f"/orders/{order_id}/lines/1/answer",
            json={"answer": answer},
            headers=auth(m.tokens["shopper"]),
        )
        assert r.status_code == 200, r.text
    m.moved("sri", order_id, "ready", "ready_for_pickup", "picked_up")
    m.moved("shopper", order_id, "completed")
    order = m.order(order_id)
    paid = checkout["amount_to_pay"]
    charge = order["lines"][0]["charge"]
    assert charge + order["refunded"] == paid
    assert order["commission"] == charge * RATE_BPS // 10_000
    assert m.balance("vendor:V000001:payable") - payable == charge - order["commission"]
    to_credit = sum(x["amount"] for x in order["refunds"] if x["route"] == "credit")
    assert m.balance(f"shopper:{_shopper(m)}:credit") - credit == to_credit
    assert all(x["amount"] >= 2_000 for x in order["refunds"] if x["route"] == "channel")


def _shopper(m: Market) -> str:
    return m.container.keys.authenticate(m.tokens["shopper"]).key_id.upper()
