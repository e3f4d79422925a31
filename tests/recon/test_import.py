"""Statement import: all or nothing, idempotent re-import, balances checked, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pasar_pay.adapters.db.recon_tables import recon_exceptions, recon_lines, recon_statements
from pasar_pay.domain.errors import Forbidden, ValidationFailed
from pasar_pay.entrypoints.bank_sim.statements import bank_csv, mt940, va_credit
from tests.banking.conftest import World
from tests.recon.conftest import ACCOUNT, DAY, FINANCE, GEDE, LEGI

LINES = [va_credit(DAY, n, 10_000 * n, f"00000000{n:04d}", f"9881200000000{n}") for n in (1, 2, 3)]


def _count(world: World, table) -> int:  # type: ignore[no-untyped-def]
    with world.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def _import(world: World, text: str, caller=FINANCE, kind: str = "mt940", **kw):  # type: ignore[no-untyped-def]
    return world.container.recon.imports.import_statement(
        caller, kind=kind, data=text.encode(), bank="BNI", source="eod.sta", **kw
    )


def test_reimporting_the_same_or_an_overlapping_statement_adds_no_line_twice(
    recon: World,
) -> None:
    first = _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES[:2]))
    assert [(s.lines, s.new_lines, s.replayed) for s in first.statements] == [(2, 2, False)]
    again = _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES[:2]))
    assert [(s.new_lines, s.replayed) for s in again.statements] == [(0, True)]
    # A corrected export of the same day with one more line: only that line is new.
    wider = _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES, number=2))
    assert [s.new_lines for s in wider.statements] == [1]
    assert _count(recon, recon_lines) == 3
    # The same lines as a CSV export of the account: nothing new either.
    csv_import = _import(recon, bank_csv(500_000, LINES), kind="csv", account=ACCOUNT)
    assert [s.new_lines for s in csv_import.statements] == [0]


def test_a_balance_gap_between_statements_becomes_an_exception(recon: World) -> None:
    _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES[:1]))  # closes at 510,000
    nxt = DAY + timedelta(days=1)
    later = [va_credit(nxt, 9, 20_000, "000000000099", "98812000000009")]
    result = _import(recon, mt940(ACCOUNT, nxt, 515_000, later))  # opens 5,000 too high
    assert result.exceptions == 1
    [gap] = recon.container.recon.exceptions.list(FINANCE)
    assert (gap["type"], gap["amount"], gap["market_code"]) == (
        "statement_balance_gap",
        5_000,
        "PSR-GEDE",
    )
    assert gap["expected"] == 510_000
    assert gap["actual"] == 515_000


def test_a_statement_that_does_not_add_up_is_an_exception_too(recon: World) -> None:
    good = mt940(ACCOUNT, DAY, 500_000, LINES[:1])
    text = good.replace("C261102IDR510000,00", "C261102IDR510001,00")
    assert _import(recon, text).exceptions == 1


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda t: t.split(":62F:")[0], "truncated"),
        (lambda t: t.replace("IDR", "USD"), "IDR"),
        (lambda t: t.replace(ACCOUNT, "5555555555"), "not a registered statement account"),
    ],
    ids=["truncated", "wrong-currency", "unknown-account"],
)
def test_bad_files_are_refused_whole_naming_the_line(recon: World, mutate, needle) -> None:  # type: ignore[no-untyped-def]
    good = mt940(ACCOUNT, DAY, 500_000, LINES)
    # A good statement before the bad one in the same file must not be imported either.
    text = good.replace("-}\n", "") + mutate(good).split("{4:\n")[1]
    with pytest.raises(ValidationFailed) as err:
        _import(recon, text)
    assert needle in err.value.message
    assert err.value.details["line"] is not None
    assert err.value.details["line"] > 8
    assert _count(recon, recon_lines) == _count(recon, recon_statements) == 0


def test_csv_with_missing_columns_is_refused(recon: World) -> None:
    text = bank_csv(500_000, LINES).replace("amount,", "amt,", 1)
    with pytest.raises(ValidationFailed) as err:
        _import(recon, text, kind="csv", account=ACCOUNT)
    assert err.value.code == "statement_invalid"
    assert "amount" in err.value.message
    assert err.value.details["line"] == 1
    assert _count(recon, recon_lines) == 0


def test_managers_import_only_their_markets_accounts(recon: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES), caller=LEGI)
    assert err.value.code == "statement_account_unknown"
    assert _import(recon, mt940(ACCOUNT, DAY, 500_000, LINES), caller=GEDE).statements
    assert _count(recon, recon_exceptions) == 0


def test_only_finance_configures_accounts_and_fees(recon: World) -> None:
    from pasar_pay.services.recon_ports import ReconAccount

    with pytest.raises(Forbidden):
        recon.container.recon.imports.register_account(
            GEDE, ReconAccount("BNI", "1", "PSR-GEDE", None, "x")
        )
