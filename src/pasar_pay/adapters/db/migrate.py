"""Run the Alembic migrations from code (CLI, tests, scripts/serve)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from pasar_pay.adapters.db.engine import normalise_url

ROOT = Path(__file__).resolve().parents[4]


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = normalise_url(url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
