"""Migrations: empty → head → base on both databases, and the models agree with them."""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pasar_pay.adapters.db import migrate
from pasar_pay.adapters.db.engine import make_engine
from pasar_pay.adapters.db.tables import metadata


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_to_head_then_down_to_base_and_up_again(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    migrate.upgrade(url)
    assert set(metadata.tables) <= _tables(url)
    migrate.downgrade(url)
    assert _tables(url) <= {"alembic_version"}
    migrate.upgrade(url)
    assert set(metadata.tables) <= _tables(url)


def test_models_and_migrations_agree(fresh_database_url: Callable[[], str]) -> None:
    url = fresh_database_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []
