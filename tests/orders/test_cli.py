"""The order jobs from the command line act on the configured database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pasar_pay.entrypoints.cli.main import app
from tests.orders.conftest import SRI_KIOS, Market, line


def test_the_sweep_command_expires_an_unpaid_checkout(
    market: Market, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout = market.placed([line(market.product("sri", SRI_KIOS.code))])
    url = market.container.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PASAR_PAY_DATABASE_URL", url)
    monkeypatch.setenv("PASAR_PAY_DATA_DIR", str(tmp_path))
    # The CLI runs on the real clock, far past the test clock's reservation expiry.
    result = CliRunner().invoke(app, ["orders", "sweep"])
    assert result.exit_code == 0, result.output
    assert "checkouts_expired" in result.output
    assert market.order(checkout["orders"][0]["id"])["state"] == "expired"
    payouts = CliRunner().invoke(app, ["orders", "payouts", "2026-11-02"])
    assert payouts.exit_code == 0, payouts.output
    assert "0 payouts written" in payouts.output
