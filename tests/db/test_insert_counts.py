""" "How many were created" from insert-or-ignore batches is right on both databases.

On PostgreSQL psycopg reports rowcount -1 after an executemany, so the former
`max(rowcount, 0)` answered 0 however many rows were new (and the SQLite answer was right).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from pasar_pay.adapters.db.unit_of_work import SqlUnitOfWork
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.billing.tariffs import perda_5_2016_tariffs
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.services.ports import MarketRecord

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def test_open_accounts_counts_only_new_accounts(engine: Engine) -> None:
    first = chart.market_accounts("PSR-GEDE", ["BNI"])
    more = chart.market_accounts("PSR-LEGI", ["BNI"])
    with SqlUnitOfWork(engine) as uow:
        for market in ("PSR-GEDE", "PSR-LEGI"):
            uow.markets.upsert(MarketRecord(code=market, name=market), NOW)
        assert uow.ledger.open_accounts(first, NOW) == len(first) > 1
        assert uow.ledger.open_accounts(first, NOW) == 0
        assert uow.ledger.open_accounts([*first, *more], NOW) == len(more)
        uow.commit()


def test_add_tariffs_counts_only_new_versions(engine: Engine) -> None:
    versions = perda_5_2016_tariffs().versions()
    with SqlUnitOfWork(engine) as uow:
        assert uow.billing.add_tariffs(versions, NOW) == len(versions) > 1
        assert uow.billing.add_tariffs(versions, NOW) == 0
        uow.commit()


def test_registry_batches_count_only_new_rows(engine: Engine) -> None:
    stalls = [
        StallSpec(f"PSR-GEDE-L01-{i:03d}", "PSR-GEDE", "L01", f"{i:03d}", "los", 22_500)
        for i in range(3)
    ]
    vendors = [VendorSpec(f"V00000{i}", f"Pedagang {i}") for i in range(3)]
    with SqlUnitOfWork(engine) as uow:
        uow.markets.upsert(MarketRecord(code="PSR-GEDE", name="Pasar Gede"), NOW)
        assert uow.registry.add_stalls(stalls[:2], NOW) == 2
        assert uow.registry.add_stalls(stalls, NOW) == 1
        assert uow.registry.add_vendors(vendors, NOW) == 3
        assert uow.registry.add_vendors(vendors, NOW) == 0
        uow.commit()
