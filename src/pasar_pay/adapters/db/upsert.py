"""INSERT ... ON CONFLICT DO NOTHING for both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_ignore(connection: Connection, table: Table, keys: list[str]) -> Any:
    if connection.dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=keys)
    return sqlite_insert(table).on_conflict_do_nothing(index_elements=keys)


def insert_ignore_count(
    connection: Connection, table: Table, keys: list[str], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert the rows that are new; how many were. Counted from RETURNING, because
    `rowcount` after an executemany is -1 with psycopg (so `max(rowcount, 0)` said 0)."""
    if not rows:
        return 0
    stmt = insert_ignore(connection, table, keys).returning(table.c[keys[0]])
    return len(connection.execute(stmt, list(rows)).all())
