"""`pasar-pay billing ...` against the test database: run, re-run, penalties, dunning."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from pasar_pay.entrypoints.cli.main import app
from pasar_pay.entrypoints.wiring import Container


@pytest.fixture
def cli(
    registry: Container, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Container:
    monkeypatch.setenv("PASAR_PAY_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PASAR_PAY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    return registry


# Each step runs after the ones before it, on the same database.
STEPS: list[tuple[list[str], int, list[str]]] = [
    (["billing", "seed-tariffs"], 0, ["0 tariff versions added"]),  # already seeded
    (
        ["billing", "run", "--from", "2026-11-01", "--to", "2026-11-30"],
        0,
        ["stalls considered", "bills created", "Rp 290.670"],
    ),
    (
        ["billing", "run", "--from", "2026-11-01", "--to", "2026-11-30", "--market", "PSR-GEDE"],
        0,
        ["bills created", "Rp 0", "PSR-GEDE"],
    ),
    (["billing", "run", "--from", "2026-11-30", "--to", "2026-11-01"], 2, ["billing.run_period"]),
    (["billing", "run", "--from", "30-11-2026", "--to", "2026-11-01"], 2, ["YYYY-MM-DD"]),
    (["billing", "accrue-penalties", "--as-of", "2026-12-04"], 0, ["on 0 bills: Rp 0"]),
    (["billing", "accrue-penalties", "--as-of", "2027-01-06"], 0, ["on 3 bills"]),
    (["billing", "accrue-penalties", "--as-of", "2027-01-06"], 0, ["on 0 bills: Rp 0"]),
    (["billing", "dunning", "--as-of", "2027-03-10"], 0, ["dunning state", "stalls"]),
]


def test_billing_commands_in_sequence(cli: Container) -> None:
    runner = CliRunner()
    for args, code, fragments in STEPS:
        result = runner.invoke(app, args)
        assert result.exit_code == code, (args, result.output)
        for fragment in fragments:
            assert fragment in result.output, (args, fragment, result.output)
    bills, _ = cli.bills.bills(
        _finance(cli), vendor=None, market=None, open_only=False, cursor=None, limit=10
    )
    assert len(bills) == 3


def _finance(container: Container):  # type: ignore[no-untyped-def]
    from pasar_pay.domain.access import Principal, Role

    return Principal("k", Role.FINANCE)
