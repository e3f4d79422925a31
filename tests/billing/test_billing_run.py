"""Billing runs: the published Kadipolo bill, idempotency, ledger postings, explanations."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.tariffs import MarketClass, StallType, TariffVersion
from pasar_pay.domain.errors import Conflict
from pasar_pay.entrypoints.wiring import Container
from tests.billing.conftest import KIOS, NOV_1, NOV_30

FINANCE = Principal("test-finance", Role.FINANCE)


def _bills(c: Container, vendor: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    items, _ = c.bills.bills(
        FINANCE, vendor=vendor, market=None, open_only=False, cursor=None, limit=500
    )
    return items


def _receivable(c: Container, market: str, vendor: str) -> int:
    code = f"market:{market}:receivable:{vendor}"
    return int(c.ledger_reader.balance(FINANCE, code, None, False)["posted"])


def test_a_9_m2_kios_in_a_market_of_unknown_class_reproduces_the_kadipolo_bill(
    billed: Container,
) -> None:
    bill = next(b for b in _bills(billed) if b["stall"] == KIOS.code)
    assert bill["amount"] == 215_670
    assert bill["due_date"] == "2026-12-05"  # monthly bills are due by the 5th
    detail = billed.bills.bill(FINANCE, bill["id"])
    lines = detail["computation"]["lines"]
    assert sum(line["amount"] for line in lines) == 215_670
    assert any("Kadipolo" in line["legal_basis"] or line["to_verify"] for line in lines)
    assert detail["computation"]["explanation"][-1] == "Total Rp 215.670"


def test_each_bill_is_a_receivable_entry(billed: Container) -> None:
    total = sum(b["amount"] for b in _bills(billed, "V000001"))
    assert _receivable(billed, "PSR-GEDE", "V000001") == total
    entries = billed.ledger_reader.entries(
        FINANCE, _ref(_bills(billed, "V000001")[0]["id"]), None, 10
    ).items
    assert len(entries) == 1


def _ref(reference: str):  # type: ignore[no-untyped-def]
    from pasar_pay.services.ports import EntryFilter

    return EntryFilter(reference=reference)


def test_a_second_run_for_the_same_period_creates_nothing(billed: Container) -> None:
    before = _bills(billed)
    again = billed.billing.run(None, NOV_1, NOV_30)
    assert (again.created, again.amount) == (0, 0)
    assert _bills(billed) == before
    assert _receivable(billed, "PSR-GEDE", "V000001") == sum(
        b["amount"] for b in before if b["vendor"] == "V000001"
    )


def test_inactive_stalls_are_not_charged(registry: Container) -> None:
    registry.registry.set_stall_status(FINANCE, KIOS.code, _status("closed"))
    result = registry.billing.run(None, NOV_1, NOV_30)
    assert result.skipped_inactive == 1
    assert all(b["stall"] != KIOS.code for b in _bills(registry))


def _status(value: str):  # type: ignore[no-untyped-def]
    from pasar_pay.domain.registry.model import StallStatus

    return StallStatus(value)


def test_overlapping_tariff_versions_are_refused(registry: Container) -> None:
    overlapping = TariffVersion(
        market_class=MarketClass.IA,
        stall_type=StallType.KIOS,
        valid_from=date(2020, 1, 1),
        valid_to=None,
        legal_basis="Perwali X (test)",
        service_per_m2_day=1,
        cleaning_per_m2_day=1,
        fixed_per_month=0,
        electricity_per_kwh=0,
        to_verify=True,
        note="",
    )
    with pytest.raises(Conflict) as refused:
        registry.billing.add_tariff(FINANCE, overlapping)
    assert refused.value.code == "billing.tariff_overlap"


@pytest.mark.pg_only
def test_two_concurrent_runs_bill_each_stall_once(registry: Container) -> None:
    results = []

    def run() -> None:
        results.append(registry.billing.run(None, NOV_1, NOV_30))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.created for r in results) == 3
    bills = _bills(registry)
    assert len(bills) == 3
    assert _receivable(registry, "PSR-GEDE", "V000001") == sum(
        b["amount"] for b in bills if b["vendor"] == "V000001"
    )
    assert all(r.broken is None for r in registry.verifier.verify(full=True))
