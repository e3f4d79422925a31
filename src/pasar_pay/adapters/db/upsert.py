"""INSERT ... ON CONFLICT DO NOTHING for both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
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
    """Insert the rows that are new; how many were.

    SQLite's executemany rowcount is exact. psycopg reports -1 after an executemany, and
    SQLAlchemy's RETURNING batches are giant multi-row statements that psycopg parses slowly,
    so PostgreSQL gets one statement over column arrays (binary parameters) with RETURNING.
    """
    if not rows:
        return 0
    if connection.dialect.name != "postgresql":
        return max(
            connection.execute(insert_ignore(connection, table, keys), list(rows)).rowcount, 0
        )
    names = list(rows[0])
    types = [table.c[n].type.compile(dialect=connection.dialect) for n in names]
    arrays = [[_plain(row[n], t) for row in rows] for n, t in zip(names, types, strict=True)]
    columns = ", ".join(f'"{n}"' for n in names)
    unnest = ", ".join(f"%b::{t}[]" for t in types)
    sql = (
        f'INSERT INTO "{table.name}" ({columns}) SELECT * FROM unnest({unnest})'  # noqa: S608 - names from metadata
        f" ON CONFLICT ({', '.join(keys)}) DO NOTHING RETURNING 1"
    )
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, arrays)
        return len(cursor.fetchall())
    finally:
        cursor.close()


def _plain(value: Any, sql_type: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if sql_type in ("JSON", "JSONB") and value is not None:
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value
