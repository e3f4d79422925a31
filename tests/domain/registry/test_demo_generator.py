"""The synthetic registry: deterministic, sized like Solo, and labelled synthetic."""

from __future__ import annotations

from collections import Counter

from pasar_pay.adapters.fixtures import read_markets
from pasar_pay.domain.registry.demo import MarketSize, generate

MARKETS = [MarketSize(m.code, m.stalls_estimate) for m in read_markets()]


def test_the_same_seed_gives_the_same_registry() -> None:
    assert generate(MARKETS, seed=7) == generate(MARKETS, seed=7)
    assert generate(MARKETS, seed=7) != generate(MARKETS, seed=8)


def test_it_is_sized_like_the_city() -> None:
    demo = generate(MARKETS)
    assert 15_000 <= len(demo.stalls) <= 17_500  # "about 16,000 registered units"
    assert 12_500 <= len(demo.vendors) <= 14_500  # "about 13,000-14,000 unique vendors"
    assert len({code for code, _ in demo.holdings}) == len(demo.stalls)  # every stall held once


def test_known_market_counts_and_mixes_are_kept() -> None:
    demo = generate(MARKETS)
    legi = Counter(s.stall_type for s in demo.stalls if s.market_code == "PSR-LEGI")
    assert sum(legi.values()) == 2746
    assert legi["los"] / 2746 > 0.75  # 11 % kios / 80 % los / 9 % pelataran
    klewer = Counter(s.stall_type for s in demo.stalls if s.market_code == "PSR-KLEWER")
    assert set(klewer) == {"kios"}


def test_everything_is_labelled_synthetic() -> None:
    demo = generate(MARKETS)
    assert all(s.synthetic for s in demo.stalls)
    assert all(v.synthetic and "Sintetis" in v.name for v in demo.vendors)


def test_a_vendor_holds_stalls_in_one_market_only() -> None:
    demo = generate(MARKETS)
    market_of = {s.code: s.market_code for s in demo.stalls}
    markets_per_vendor: dict[str, set[str]] = {}
    for stall, vendor in demo.holdings:
        markets_per_vendor.setdefault(vendor, set()).add(market_of[stall])
    assert all(len(m) == 1 for m in markets_per_vendor.values())
