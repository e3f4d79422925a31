"""Cash: a deposit the treasury bank credits differently from the receipts is an exception,
and the close lists the day's STS slips."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.reconciliation import WIB
from pasar_pay.entrypoints.bank_sim.statements import SimLine, mt940
from pasar_pay.services.cash import TREASURY_BANK, ReceiptIn
from pasar_pay.services.recon_ports import ReconAccount
from tests.banking.conftest import World
from tests.conftest import FakeClock
from tests.recon.conftest import DAY, FINANCE, GEDE

COLLECTOR = Principal("k-collector", Role.COLLECTOR, frozenset({"PSR-GEDE"}))
TREASURY = "3000111222"


def test_a_short_cash_deposit_is_a_cash_deposit_mismatch(recon: World, clock: FakeClock) -> None:
    c, services = recon.container, recon.container.recon
    services.imports.register_account(
        FINANCE, ReconAccount(TREASURY_BANK, TREASURY, "PSR-GEDE", None, "kas daerah (synthetic)")
    )
    clock.now = datetime.combine(DAY, time(9), WIB)
    for n in (1, 2):
        c.cash.record_receipt(
            COLLECTOR, ReceiptIn(f"dev-{n}", f"KW-{n}", "V000001", 20_000, clock.now)
        )
    clock.now = datetime.combine(DAY, time(15), WIB)
    deposit = c.cash.verify_deposit(FINANCE, c.cash.submit_deposit(COLLECTOR)["id"], 40_000)
    sts = deposit["sts_number"]
    # The treasury bank books the deposit under its STS number, 1,000 short.
    line = SimLine(DAY, 39_000, True, "NONREF", sts, f"SETORAN TUNAI {sts}")
    clock.now = datetime.combine(DAY + timedelta(days=1), time(8), WIB)
    services.imports.import_statement(
        FINANCE, kind="mt940", bank=TREASURY_BANK, data=mt940(TREASURY, DAY, 0, [line]).encode()
    )
    run = services.matching.run(GEDE, "PSR-GEDE", DAY, DAY)
    assert (run.matches, run.new_exceptions) == (0, 1)
    [exc] = services.exceptions.list(GEDE, status="open")
    assert (exc["type"], exc["amount"], exc["expected"], exc["actual"]) == (
        "cash_deposit_mismatch",
        1_000,
        40_000,
        39_000,
    )
    report = services.close.close(GEDE, "PSR-GEDE", DAY)
    assert report["collections"]["cash"] == 40_000
    assert report["sts_slips"] == [
        {"sts_number": sts, "amount": 40_000, "collector": deposit["collector"]}
    ]
    assert report["bank_credits"] == {"count": 1, "amount": 39_000}
