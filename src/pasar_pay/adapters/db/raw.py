"""The ledger's hot path on the driver's own cursor, inside SQLAlchemy's transaction.

SQLAlchemy's statement machinery costs about 150 µs of CPU per statement on this class of
machine, more than the database round trip; a post runs eight statements. The write path
therefore speaks plain SQL through the DBAPI cursor, converting placeholders, times and JSON
the way the SQLAlchemy column types do, so rows written here read back identically.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection


class RawSql:
    def __init__(self, connection: Connection) -> None:
        self.postgres = connection.dialect.name == "postgresql"
        self._dbapi: Any = connection.connection.dbapi_connection
        if self.postgres:
            from psycopg.types.json import Jsonb

            self._jsonb = Jsonb

    def _sql(self, sql: str) -> str:
        return sql if self.postgres else sql.replace("%s", "?")

    def time(self, value: datetime | None) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        # SQLAlchemy's SQLite DateTime stores "YYYY-MM-DD HH:MM:SS.ffffff" (naive UTC here).
        return value if self.postgres else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def json(self, value: Any) -> Any:
        return self._jsonb(value) if self.postgres else json.dumps(value)

    def read_json(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def read_time(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def one(self, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [tuple(r) for r in rows]

    def run(self, sql: str, params: Sequence[Any]) -> int:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(self._sql(sql), tuple(params))
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if len(rows) == 1:  # executemany's pipeline costs extra round trips for one row
            self.run(sql, rows[0])
            return
        cursor = self._dbapi.cursor()
        try:
            cursor.executemany(self._sql(sql), [tuple(r) for r in rows])
        finally:
            cursor.close()

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """PostgreSQL: send the statements inside as one round trip (psycopg pipeline mode)."""
        with self._dbapi.pipeline() if self.postgres else nullcontext():
            yield

    def start(self, sql: str, params: Sequence[Any]) -> Any:
        """Execute and return the open cursor; fetch after the pipeline, then close it."""
        cursor = self._dbapi.cursor()
        cursor.execute(self._sql(sql), tuple(params))
        return cursor

    def one_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` is one of `values`: one array parameter on PostgreSQL, so the statement
        text does not change with the count and psycopg parses and prepares it once."""
        if self.postgres:
            return f"{column} = ANY(%s)", [list(values)]
        return f"{column} IN ({self.placeholders(len(values))})", list(values)

    def placeholders(self, count: int) -> str:
        return ", ".join(["%s"] * count)
