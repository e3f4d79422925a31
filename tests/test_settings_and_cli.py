"""Settings refuse default secrets outside development; the CLI creates the first finance key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from typer.testing import CliRunner

from pasar_pay.config import DEV_SECRET, Mode, Settings
from pasar_pay.entrypoints.cli.main import app
from pasar_pay.entrypoints.wiring import Container


def test_production_refuses_the_default_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(mode=Mode.PRODUCTION, secret_key=DEV_SECRET, digest_key_path=tmp_path / "k")
    with pytest.raises(ValidationError, match="DIGEST_KEY_PATH"):
        Settings(mode=Mode.PRODUCTION, secret_key="x" * 40)
    Settings(mode=Mode.PRODUCTION, secret_key="x" * 40, digest_key_path=tmp_path / "k")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASAR_PAY_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("PASAR_PAY_MAX_BODY_BYTES", "1024")
    settings = Settings()
    assert settings.effective_database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.max_body_bytes == 1024


def test_the_cli_creates_a_finance_key_that_authenticates(
    engine: Engine, container: Container, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PASAR_PAY_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PASAR_PAY_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["keys", "create-finance", "--label", "kepala keuangan"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert container.keys.authenticate(token).role.value == "finance"
    verify = CliRunner().invoke(app, ["ledger", "verify", "--full"])
    assert verify.exit_code == 0, verify.output
