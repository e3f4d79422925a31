"""Alembic environment: URL from `-x url=`, the config's attribute, or the settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from pasar_pay.adapters.db.engine import make_engine, normalise_url
from pasar_pay.adapters.db.tables import metadata
from pasar_pay.config import load_settings

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.attributes.get("url")
    return normalise_url(url or load_settings().effective_database_url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
