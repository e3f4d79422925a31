"""Commission: most specific rule wins, rounding down, refunds reduce it proportionally."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.orders.commission import (
    CommissionLine,
    CommissionRule,
    CommissionSchedule,
    commission_for,
    commission_reduction,
    rates_table,
)

SCHEDULE = CommissionSchedule(
    default=CommissionRule(1_000),
    rules=(
        CommissionRule(800, market_code="PSR-GEDE"),
        CommissionRule(500, category="beras"),
        CommissionRule(300, market_code="PSR-GEDE", category="beras"),
    ),
)


@pytest.mark.parametrize(
    ("market", "category", "rate"),
    [
        ("PSR-GEDE", "beras", 300),  # market + category
        ("PSR-LEGI", "beras", 500),  # category beats market
        ("PSR-GEDE", "sayur", 800),  # market
        ("PSR-LEGI", "sayur", 1_000),  # default
    ],
)
def test_most_specific_rule_wins(market: str, category: str, rate: int) -> None:
    assert SCHEDULE.rule_for(market, category).rate_bps == rate


def test_rounding_down_gives_the_odd_rupiah_to_the_vendor() -> None:
    b = commission_for(SCHEDULE, "PSR-LEGI", [CommissionLine("1", "sayur", 19_999)])
    assert (b.commission, b.vendor_share) == (1_999, 18_000)  # 1,999.9 -> 1,999
    mixed = commission_for(
        SCHEDULE,
        "PSR-GEDE",
        [CommissionLine("1", "beras", 10_001), CommissionLine("2", "sayur", 10_001)],
    )
    # 300.03 + 800.08 = 1,100.11 -> 1,100: one rounding per order, not per line
    assert mixed.commission == 1_100
    assert mixed.rates_bps == (("1", 300), ("2", 800))


def test_refunds_reduce_commission_and_vendor_share_proportionally() -> None:
    before = commission_for(SCHEDULE, "PSR-LEGI", [CommissionLine("1", "sayur", 100_000)])
    after = commission_for(
        SCHEDULE, "PSR-LEGI", [CommissionLine("1", "sayur", 100_000, refunded=40_000)]
    )
    assert (before.commission, after.commission) == (10_000, 6_000)
    assert commission_reduction(before, after) == 4_000
    assert before.vendor_share - after.vendor_share == 36_000  # 40,000 × (1 − 10 %)
    full = commission_for(
        SCHEDULE, "PSR-LEGI", [CommissionLine("1", "sayur", 100_000, refunded=100_000)]
    )
    assert (full.commission, full.vendor_share) == (0, 0)
    with pytest.raises(DomainError):
        commission_reduction(after, before)


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: CommissionRule(-1), "order.rate_invalid"),
        (lambda: CommissionRule(5_001), "order.rate_invalid"),
        (
            lambda: CommissionSchedule(CommissionRule(100, market_code="X")),
            "order.commission_invalid",
        ),
        (
            lambda: CommissionSchedule(
                CommissionRule(100),
                (CommissionRule(1, category="a"), CommissionRule(2, category="a")),
            ),
            "order.commission_duplicate_rule",
        ),
        (
            lambda: CommissionSchedule(CommissionRule(100), (CommissionRule(1),)),
            "order.commission_duplicate_rule",
        ),
        (lambda: CommissionLine("1", "a", 100, refunded=101), "order.refund_exceeds_charge"),
        (lambda: CommissionLine("1", "a", -1), "order.quantity_negative"),
        (
            lambda: commission_for(SCHEDULE, "M", [CommissionLine("1", "a", 1)] * 2),
            "order.duplicate_line",
        ),
    ],
)
def test_bad_commission_inputs(build: object, code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        build()  # type: ignore[operator]
    assert excinfo.value.code == code


def test_published_table_lists_most_specific_first() -> None:
    table = rates_table(SCHEDULE.rules)
    assert [row["rate_bps"] for row in table] == [300, 500, 800]


markets = st.sampled_from(["PSR-GEDE", "PSR-LEGI", "PSR-KLEWER"])
categories = st.sampled_from(["sayur", "beras", "daging", "telur"])
rates = st.integers(0, 5_000)


@given(
    default=rates,
    rules=st.dictionaries(st.tuples(st.none() | markets, st.none() | categories), rates),
    market=markets,
    category=categories,
)
def test_most_specific_wins_for_any_rule_set(
    default: int,
    rules: dict[tuple[str | None, str | None], int],
    market: str,
    category: str,
) -> None:
    rules.pop((None, None), None)
    schedule = CommissionSchedule(
        CommissionRule(default),
        tuple(CommissionRule(r, market_code=m, category=c) for (m, c), r in rules.items()),
    )
    expected = default
    for key in ((None, None), (market, None), (None, category), (market, category)):
        if key in rules:
            expected = rules[key]  # later keys are more specific
    assert schedule.rule_for(market, category).rate_bps == expected


@given(
    lines=st.lists(
        st.tuples(categories, st.integers(0, 10**9), st.integers(0, 10**9)), min_size=1, max_size=6
    ),
    market=markets,
)
def test_commission_never_exceeds_the_published_rates(
    lines: list[tuple[str, int, int]], market: str
) -> None:
    cls = [
        CommissionLine(str(n), cat, charged, min(refund, charged))
        for n, (cat, charged, refund) in enumerate(lines)
    ]
    b = commission_for(SCHEDULE, market, cls)
    exact_x10k = sum(line.net * SCHEDULE.rule_for(market, line.category).rate_bps for line in cls)
    assert b.commission * 10_000 <= exact_x10k < (b.commission + 1) * 10_000
    assert b.vendor_share == b.net - b.commission >= 0
