"""`pasar-pay recon ...` against a real database: register, import, refuse, run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from pasar_pay.entrypoints.bank_sim.statements import mt940, va_credit
from pasar_pay.entrypoints.cli.main import app
from pasar_pay.entrypoints.wiring import Container
from tests.recon.conftest import ACCOUNT, DAY


def test_import_from_the_console_is_idempotent_and_names_bad_lines(
    engine: Engine, books: Container, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PASAR_PAY_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PASAR_PAY_DATA_DIR", str(tmp_path))
    cli = CliRunner()
    added = cli.invoke(
        app,
        [
            "recon",
            "add-account",
            "--bank",
            "BNI",
            "--account",
            ACCOUNT,
            "--label",
            "Pasar Gede giro",
            "--market",
            "PSR-GEDE",
        ],
    )
    assert added.exit_code == 0, added.output
    text = mt940(ACCOUNT, DAY, 0, [va_credit(DAY, 1, 5_000, "000000000001", "9881200001")])
    good, bad = tmp_path / "d1.sta", tmp_path / "cut.sta"
    good.write_text(text)
    bad.write_text(text.split(":62F:")[0])
    first = cli.invoke(app, ["recon", "import", str(good), "--bank", "BNI"])
    again = cli.invoke(app, ["recon", "import", str(good), "--bank", "BNI"])
    assert first.exit_code == again.exit_code == 0
    assert "│ 1     │ 1   │ False" in first.output
    assert "│ 1     │ 0   │ True" in again.output
    refused = cli.invoke(app, ["recon", "import", str(bad), "--bank", "BNI"])
    assert refused.exit_code == 2
    assert "statement_invalid" in refused.output
    assert "line 7: truncated" in refused.output  # the last line before the cut
    run = cli.invoke(app, ["recon", "run", "--from", str(DAY), "--to", str(DAY)])
    assert run.exit_code == 0, run.output
    assert "0 matches, 1 new exceptions" in run.output
