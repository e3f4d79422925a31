"""Cart → checkout: grouping per stall, refusals, price changes, held amounts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.errors import Conflict, DomainError
from pasar_pay.domain.orders.checkout import (
    CartLine,
    SubstitutionPreference,
    build_checkout,
    price_line,
)
from pasar_pay.domain.orders.quantities import weighed_amount
from tests.domain.orders.samples import (
    BAYAM,
    CABAI,
    DAGING,
    DAGING_HAS,
    PRODUCTS,
    STALLS,
    TELUR,
)


def line(lid: str, product: str, seen: int, **kw: object) -> CartLine:
    return CartLine(lid, product, seen, **kw)  # type: ignore[arg-type]


def test_one_order_per_stall_with_unit_and_weighed_totals() -> None:
    cart = [
        line("1", "P-BAYAM", 3_000, quantity=2),
        line("2", "P-CABAI", 65_000, estimated_grams=250),
        line("3", "P-TELUR", 2_000, quantity=10),
        line(
            "4",
            "P-DAGING",
            135_000,
            estimated_grams=1_005,
            substitution=SubstitutionPreference.SPECIFIC,
            substitute_product_id="P-HAS",
        ),
    ]
    checkout = build_checkout(cart, PRODUCTS, STALLS)
    assert checkout.market_code == "PSR-GEDE"
    assert [o.stall_id for o in checkout.orders] == ["S-GEDE-1", "S-GEDE-2"]
    gede1, gede2 = checkout.orders
    assert gede1.vendor_code == "V000001"
    assert gede1.held_amount == gede1.estimated_amount == 2 * 3_000 + 10 * 2_000
    cabai, daging = gede2.lines
    # 65,000/kg × 250 g = 16,250; held at 300 g = 19,500
    assert (cabai.estimated_amount, cabai.tolerance_grams, cabai.held_amount) == (
        16_250,
        50,
        19_500,
    )
    # 135,000/kg × 1,005 g = 135,675; tolerance 10 % of 1,005 g = 100.5 -> 101 g;
    # held at 1,106 g = 149,310
    assert (daging.estimated_amount, daging.tolerance_grams, daging.held_amount) == (
        135_675,
        101,
        149_310,
    )
    assert checkout.amount_to_pay == 26_000 + 19_500 + 149_310
    assert checkout.estimated_total == 26_000 + 16_250 + 135_675
    assert checkout.price_changes == ()


def test_half_rupiah_rounds_up() -> None:
    odd = replace(CABAI, price=65_001)
    priced = price_line(line("1", "P-CABAI", 65_001, estimated_grams=500), odd)
    assert priced.estimated_amount == 32_501  # 32,500.5 -> 32,501


@pytest.mark.parametrize(
    ("cart", "code"),
    [
        ([], "order.cart_empty"),
        (
            [
                line("1", "P-BAYAM", 3_000, quantity=1),
                line("2", "P-BERAS", 13_500, estimated_grams=1_000),
            ],
            "order.multiple_markets",
        ),
        ([line("1", "P-TEMPE", 5_000, quantity=1)], "order.stall_closed"),
        ([line("1", "P-BAYAM", 3_000, quantity=0)], "order.quantity_not_positive"),
        ([line("1", "P-BAYAM", 3_000, quantity=-1)], "order.quantity_not_positive"),
        ([line("1", "P-BAYAM", 3_000, estimated_grams=500)], "order.weight_wrong_unit"),
        ([line("1", "P-CABAI", 65_000, quantity=1)], "order.quantity_wrong_unit"),
        ([line("1", "P-NOPE", 1_000, quantity=1)], "order.product_unavailable"),
        ([line("1", "P-BAYAM", 0, quantity=1)], "order.price_not_positive"),
        (
            [line("1", "P-BAYAM", 3_000, quantity=1), line("1", "P-TELUR", 2_000, quantity=1)],
            "order.duplicate_line",
        ),
        (
            [line("1", "P-BAYAM", 3_000, quantity=1, substitution=SubstitutionPreference.SPECIFIC)],
            "order.substitution_invalid",
        ),
        (
            [line("1", "P-BAYAM", 3_000, quantity=1, substitute_product_id="P-TELUR")],
            "order.substitution_invalid",
        ),
        (
            [
                line(
                    "1",
                    "P-BAYAM",
                    3_000,
                    quantity=1,
                    substitution=SubstitutionPreference.SPECIFIC,
                    substitute_product_id="P-CABAI",
                )
            ],
            "order.substitution_invalid",
        ),
        ([line(str(n), "P-TELUR", 2_000, quantity=1) for n in range(101)], "order.cart_too_large"),
    ],
)
def test_bad_carts_are_refused(cart: list[CartLine], code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        build_checkout(cart, PRODUCTS, STALLS)
    assert excinfo.value.code == code


def test_inactive_products_are_unavailable() -> None:
    products = {**PRODUCTS, "P-BAYAM": replace(BAYAM, active=False)}
    with pytest.raises(DomainError) as excinfo:
        build_checkout([line("1", "P-BAYAM", 3_000, quantity=1)], products, STALLS)
    assert excinfo.value.code == "order.product_unavailable"


def test_every_changed_price_is_reported() -> None:
    cart = [
        line("1", "P-BAYAM", 2_500, quantity=2),  # was 2,500 when seen, now 3,000
        line("2", "P-TELUR", 2_000, quantity=1),  # unchanged
        line("3", "P-CABAI", 70_000, estimated_grams=100),  # cheaper now
    ]
    with pytest.raises(Conflict) as excinfo:
        build_checkout(cart, PRODUCTS, STALLS)
    assert excinfo.value.code == "order.price_changed"
    assert excinfo.value.details["changes"] == [
        {"line_id": "1", "product_id": "P-BAYAM", "seen": 2_500, "current": 3_000},
        {"line_id": "3", "product_id": "P-CABAI", "seen": 70_000, "current": 65_000},
    ]
    confirmed = build_checkout(cart, PRODUCTS, STALLS, accept_price_changes=True)
    assert [(c.line_id, c.seen, c.current) for c in confirmed.price_changes] == [
        ("1", 2_500, 3_000),
        ("3", 70_000, 65_000),
    ]
    assert confirmed.orders[0].lines[0].held_amount == 6_000  # charged at the current price


@given(
    price=st.integers(1, 500_000),
    grams=st.integers(1, 50_000),
    extra=st.integers(0, 5_000),
)
def test_weighed_amount_is_monotone_so_the_hold_covers_any_weight_within_it(
    price: int, grams: int, extra: int
) -> None:
    assert weighed_amount(price, grams) <= weighed_amount(price, grams + extra)
    exact_times_1000 = price * grams
    assert abs(weighed_amount(price, grams) * 1_000 - exact_times_1000) <= 500


@given(
    counts=st.lists(st.integers(1, 50), min_size=1, max_size=4),
    grams=st.lists(st.integers(1, 5_000), min_size=1, max_size=3),
)
def test_checkout_totals_are_sums_of_lines(counts: list[int], grams: list[int]) -> None:
    cart = [line(f"u{i}", "P-TELUR", TELUR.price, quantity=c) for i, c in enumerate(counts)]
    cart += [
        line(f"w{i}", "P-DAGING", DAGING.price, estimated_grams=g) for i, g in enumerate(grams)
    ]
    checkout = build_checkout(cart, PRODUCTS, STALLS)
    assert checkout.amount_to_pay == sum(o.held_amount for o in checkout.orders)
    assert checkout.amount_to_pay >= checkout.estimated_total
    unit_total = sum(counts) * TELUR.price
    assert checkout.orders[0].held_amount == unit_total
    for weighed in checkout.orders[1].lines:
        assert weighed.held_amount >= weighed.estimated_amount
    assert DAGING_HAS.stall_id == DAGING.stall_id
