"""Real concurrency on PostgreSQL: shoppers racing for the last unit, duplicate checkouts under
one Idempotency-Key, and a vendor accepting while the shopper cancels."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from pasar_pay.domain.access import Role
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.orders.checkout import CartLine
from pasar_pay.domain.orders.state import PaymentMode
from pasar_pay.services.orders.checkout import CartIn
from tests.orders.conftest import SRI_KIOS, Market, line

pytestmark = pytest.mark.pg_only


def _race(n: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(work(i))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def _cart(product: dict[str, Any]) -> CartIn:
    return CartIn(
        (CartLine("1", product["id"], product["price"], quantity=1),), PaymentMode.PREPAID
    )


def test_shoppers_racing_for_the_last_unit_exactly_one_gets_it(market: Market) -> None:
    last = market.product("sri", SRI_KIOS.code, name="Durian", category="buah", stock=1)
    shoppers = [market.container.keys.issue(Role.SHOPPER, label=f"r{i}") for i in range(8)]
    principals = [market.container.keys.authenticate(s.token) for s in shoppers]
    results, errors = _race(
        8, lambda i: market.container.checkouts.place(principals[i], _cart(last), f"race-{i}-key")
    )
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(e, DomainError) and e.code == "order.out_of_stock" for e in errors)
    assert market.rows("orders") == market.rows("order_reservations") == 1


def test_duplicate_checkouts_under_one_key_place_one(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code, stock=50)
    shopper = market.container.keys.authenticate(market.tokens["shopper"])
    results, errors = _race(
        6, lambda i: market.container.checkouts.place(shopper, _cart(bayam), "one-key-for-all")
    )
    assert errors == []
    assert len({r.response["id"] for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert market.rows("order_checkouts") == 1


def test_accept_and_cancel_racing_on_a_paid_order_one_wins(market: Market) -> None:
    bayam = market.product("sri", SRI_KIOS.code, stock=5)
    checkout = market.placed([line(bayam)])
    market.pay(checkout)
    order_id = checkout["orders"][0]["id"]
    vendor = market.container.keys.authenticate(market.tokens["sri"])
    shopper = market.container.keys.authenticate(market.tokens["shopper"])
    moves = [(vendor, "accepted"), (shopper, "cancelled")]
    results, errors = _race(
        2, lambda i: market.container.orders.transition(moves[i][0], order_id, moves[i][1], None)
    )
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], DomainError)
    assert errors[0].code == "order.invalid_transition"
    final = market.order(order_id)
    if final["state"] == "cancelled":
        assert final["refunded"] == 3_000
        assert market.balance("vendor:V000001:payable") == 0
    else:
        assert final["state"] == "accepted"
        assert market.balance("vendor:V000001:payable") == 3_000
