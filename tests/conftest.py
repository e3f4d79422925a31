"""Test databases: SQLite (a migrated template copied per test) or PostgreSQL (a throwaway
database per run, migrated once, emptied after each test). PASAR_PAY_TEST_DB picks one."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from pasar_pay.adapters.db import migrate
from pasar_pay.adapters.db.engine import make_engine
from pasar_pay.adapters.db.tables import metadata
from pasar_pay.config import Mode, Settings
from pasar_pay.entrypoints.wiring import Container

BACKEND = os.environ.get("PASAR_PAY_TEST_DB", "sqlite")
PG_URL = os.environ.get(
    "PASAR_PAY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
).replace("postgresql+psycopg://", "postgresql://")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if {"engine", "pg_server", "fresh_database_url", "migrated_url"} & set(fixtures):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("pg_only") and BACKEND != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (real concurrency)"))


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 3, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class PgServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def create(self, prefix: str = "pasar_pay_test") -> str:
        name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url_for(name)

    def drop_all(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            for name in self.created:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if BACKEND != "postgresql":
        pytest.skip("PostgreSQL tests run in the PostgreSQL pass")
    server = PgServer(PG_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], str]:
    """A factory of empty databases of the backend under test (for migration tests)."""
    server = PgServer(PG_URL) if BACKEND == "postgresql" else None
    counter = iter(range(10**6))

    def make() -> str:
        if server is not None:
            return server.create("pasar_pay_mig")
        return f"sqlite:///{tmp_path_factory.mktemp('fresh')}/db{next(counter)}.sqlite"

    yield make  # type: ignore[misc]
    if server is not None:
        server.drop_all()


@pytest.fixture(scope="session")
def migrated_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgresql":
        server = PgServer(PG_URL)
        url = server.create()
        migrate.upgrade(url)
        yield url
        server.drop_all()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url


_TABLES = ", ".join(t.name for t in reversed(metadata.sorted_tables))


@pytest.fixture
def engine(migrated_url: str, tmp_path: Path) -> Iterator[Engine]:
    if BACKEND == "postgresql":
        eng = make_engine(migrated_url, pool_size=20)
        yield eng
        eng.dispose()
        cleaner = make_engine(migrated_url, pool_size=1)
        with cleaner.begin() as connection:
            # Replica mode skips the append-only triggers, for the tests' own clean-up only.
            connection.execute(text("SET session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE"))
        cleaner.dispose()
    else:
        template = Path(make_url(migrated_url).database or "")
        copy = tmp_path / "test.sqlite"
        shutil.copyfile(template, copy)
        eng = make_engine(f"sqlite:///{copy}")
        yield eng
        eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(engine: Engine, clock: FakeClock, tmp_path: Path) -> Container:
    settings = Settings(mode=Mode.TEST, data_dir=tmp_path / "var", database_url="unused")
    return Container(settings=settings, clock=clock, engine_override=engine)


MARKETS = ("PSR-GEDE", "PSR-LEGI")
VENDOR = "V000001"


@pytest.fixture
def books(container: Container) -> Container:
    """Two markets and one vendor with their accounts open."""
    from pasar_pay.domain import accounts as chart
    from pasar_pay.services.ports import MarketRecord

    container.markets.load([MarketRecord(code=m, name=f"Pasar {m}") for m in MARKETS])
    container.ledger.open_accounts(chart.vendor_accounts(VENDOR, list(MARKETS)))
    return container
