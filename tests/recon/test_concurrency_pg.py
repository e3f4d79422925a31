"""PostgreSQL, real concurrency: parallel runs, imports and resolutions have one effect."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from pasar_pay.adapters.db.recon_tables import recon_claims, recon_exceptions, recon_lines
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.errors import Conflict
from pasar_pay.domain.reconciliation import WIB
from pasar_pay.entrypoints.bank_sim.client import notify_body, payment_body
from pasar_pay.entrypoints.bank_sim.statements import (
    SettledPayment,
    mt940,
    qris_settlement,
    settlement_credit,
    va_credit,
)
from tests.banking.conftest import PSID, World
from tests.conftest import FakeClock
from tests.recon.conftest import ACCOUNT, DAY, FINANCE, GEDE

NEXT = DAY + timedelta(days=1)


def _count(world: World, table) -> int:  # type: ignore[no-untyped-def]
    with world.uow() as uow:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())


def _plant(world: World, clock: FakeClock) -> tuple[bytes, bytes]:
    clock.now = datetime.combine(DAY, time(10), WIB)
    va = f"{PSID}{world.va1.customer_no}"
    lines = []
    for n in range(1, 6):
        pid = f"PAY00000000000{n}"
        assert world.bni.payment(
            payment_body(PSID, world.va1.customer_no, pid, 1_000 * n)
        ).is_success
        lines.append(va_credit(DAY, n, 1_000 * n, pid[-12:], va))
    lines.append(va_credit(DAY, 9, 7_777, "000000000099", va))  # no callback: an exception
    paid = []
    for n in (1, 2):
        intent = world.intent("V000001", (), 10_000 * n)
        ref = f"ACQ00000000010{n}"
        assert world.acq.qr_notify(notify_body(ref, intent.reference, 10_000 * n)).is_success
        paid.append(SettledPayment(ref[-12:], ref, clock.now, 10_000 * n))
    report, net, _ = qris_settlement("B1", NEXT, "QRACQ", 30, paid)
    lines.append(settlement_credit(NEXT, 1, net, "B1", "QRACQ"))
    clock.now = datetime.combine(NEXT + timedelta(days=1), time(9), WIB)
    return mt940(ACCOUNT, NEXT, 0, lines).encode(), report.encode()


@pytest.mark.pg_only
def test_concurrent_imports_and_runs_match_and_post_fees_once(
    recon: World, clock: FakeClock
) -> None:
    statement, settlement = _plant(recon, clock)
    services = recon.container.recon

    def load(_: int) -> int:
        result = services.imports.import_statement(
            FINANCE, kind="mt940", data=statement, bank="BNI", source="eod.sta"
        )
        return sum(s.new_lines for s in result.statements)

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(load, range(8))) == 7
    assert _count(recon, recon_lines) == 7
    services.imports.import_settlement(FINANCE, settlement)
    with ThreadPoolExecutor(8) as pool:
        runs = list(
            pool.map(lambda _: services.matching.run(GEDE, "PSR-GEDE", DAY, NEXT), range(8))
        )
    assert sum(r.matches for r in runs) == 6  # five VA payments and the settlement batch
    assert sum(r.new_exceptions for r in runs) == 1
    assert sum(r.fees_posted for r in runs) == 1
    assert _count(recon, recon_exceptions) == 1
    assert (
        _count(recon, recon_claims) == 6 + 5 * 2 + 2 * 2 + 1
    )  # lines, VA and QRIS callback+entry, batch
    with recon.uow() as uow:
        fees = uow.ledger.get_accounts([chart.ACQUIRER_FEES.code])[chart.ACQUIRER_FEES.code]
    assert fees.balance.posted_debits == 30 + 60


@pytest.mark.pg_only
def test_concurrent_resolutions_post_one_adjusting_entry(recon: World, clock: FakeClock) -> None:
    statement, _ = _plant(recon, clock)
    services = recon.container.recon
    services.imports.import_statement(FINANCE, kind="mt940", data=statement, bank="BNI")
    services.matching.run(GEDE, "PSR-GEDE", DAY, NEXT)
    [exc] = [e for e in services.exceptions.list(GEDE, status="open") if e["amount"] == 7_777]
    before = recon.entries()

    def resolve(_: int) -> str:
        try:
            services.exceptions.resolve(GEDE, exc["id"], "parked in suspense")
        except Conflict:
            return "conflict"
        return "resolved"

    with ThreadPoolExecutor(10) as pool:
        outcomes = sorted(pool.map(resolve, range(10)))
    assert outcomes == ["conflict"] * 9 + ["resolved"]
    assert recon.entries() == before + 1
