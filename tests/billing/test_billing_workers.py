"""A run committed from several threads bills exactly what a single-threaded run bills."""

from __future__ import annotations

from datetime import date

import pytest

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.billing import _market_chunks
from pasar_pay.services.ports import Billable

FINANCE = Principal("k", Role.FINANCE)


def _billable(market: str, n: int) -> Billable:
    return Billable(
        f"{market}-S{n:04d}", market, "los", 40_000, "active", None, "V1", "daily", date(2026, 1, 1)
    )


CHUNKS = [
    ({"A": 1}, [["A"]]),
    ({"A": 1001}, [["A"] * 1000, ["A"]]),
    (
        {"A": 1500, "B": 10, "C": 2500},
        [["A"] * 1000, ["B"] * 10, ["C"] * 1000, ["A"] * 500, ["C"] * 1000, ["C"] * 500],
    ),
]


@pytest.mark.parametrize(("sizes", "expected"), CHUNKS)
def test_chunks_hold_one_market_and_take_turns(
    sizes: dict[str, int], expected: list[list[str]]
) -> None:
    billable = [_billable(m, n) for m, count in sizes.items() for n in range(count)]
    chunks = _market_chunks(billable)
    assert [[b.market_code for b in chunk] for chunk in chunks] == expected
    assert sorted(b.stall_code for chunk in chunks for b in chunk) == sorted(
        b.stall_code for b in billable
    )


@pytest.mark.pg_only
@pytest.mark.parametrize("workers", [2, 4])
def test_threaded_run_matches_the_plan(registry: Container, workers: int) -> None:
    stalls = [
        StallSpec(f"PSR-{m}-L09-{n:03d}", f"PSR-{m}", "L09", f"{n:03d}", "los", 30_000)
        for m in ("GEDE", "LEGI")
        for n in range(1, 41)
    ]
    vendors = [VendorSpec(f"W{n:05d}", f"Pedagang {n}") for n in range(80)]
    registry.registry.load_demo(
        DemoRegistry(
            stalls, vendors, [(s.code, v.code) for s, v in zip(stalls, vendors, strict=True)]
        )
    )
    result = registry.billing.run(None, date(2026, 11, 1), date(2026, 11, 30), workers=workers)
    assert (result.considered, result.created) == (83, 83)
    again = registry.billing.run(None, date(2026, 11, 1), date(2026, 11, 30), workers=workers)
    assert again.created == 0
    bills, _ = registry.bills.bills(
        FINANCE, vendor=None, market=None, open_only=False, cursor=None, limit=500
    )
    assert len(bills) == 83
    assert sum(b["amount"] for b in bills) == result.amount
    assert all(r.broken is None for r in registry.verifier.verify(full=True))
