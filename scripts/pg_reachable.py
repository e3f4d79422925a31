"""Exit 0 if the PostgreSQL server at argv[1] answers, 1 otherwise (used by scripts/test)."""

import sys

import psycopg

url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
try:
    with psycopg.connect(url, connect_timeout=3) as connection:
        connection.execute("SELECT 1")
except psycopg.Error as error:
    print(f"PostgreSQL not reachable: {error}".strip(), file=sys.stderr)
    sys.exit(1)
