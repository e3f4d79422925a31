"""A small registry billed for November 2026: the Kadipolo-like 9 m² kios and a los."""

from __future__ import annotations

from datetime import date

import pytest

from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.wiring import Container

KIOS = StallSpec("PSR-GEDE-K01-001", "PSR-GEDE", "K01", "001", "kios", 90_000)
LOS = StallSpec("PSR-GEDE-L01-001", "PSR-GEDE", "L01", "001", "los", 22_500)
OTHER = StallSpec("PSR-LEGI-L01-001", "PSR-LEGI", "L01", "001", "los", 40_000)
NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def registry(books: Container) -> Container:
    books.billing.seed_tariffs()
    books.registry.load_demo(
        DemoRegistry(
            stalls=[KIOS, LOS, OTHER],
            vendors=[VendorSpec("V000001", "Bu Sri"), VendorSpec("V000002", "Pak Budi")],
            holdings=[(KIOS.code, "V000001"), (LOS.code, "V000001"), (OTHER.code, "V000002")],
        )
    )
    return books


@pytest.fixture
def billed(registry: Container) -> Container:
    registry.billing.run(None, NOV_1, NOV_30)
    return registry
