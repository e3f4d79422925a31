"""A simulated bank day end to end: SNAP callbacks (duplicates, a late one, one lost, one
whose credit never comes, one credited short), QRIS payments settled net of MDR, the bank's
MT940 statements, a matching run, the exception list and the daily close."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from pasar_pay.adapters.db.recon_tables import recon_claims, recon_exceptions, recon_lines
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.reconciliation import WIB
from pasar_pay.entrypoints.bank_sim.client import notify_body, payment_body
from pasar_pay.entrypoints.bank_sim.sim import BankSimulator, Delivery, SimConfig
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
OPENING = 1_000_000


def _at(day, hh: int, mm: int) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(hh, mm), WIB)


def _va(world: World, pid: str, amount: int, trx: datetime | None = None) -> Delivery:
    body = payment_body(
        PSID, world.va1.customer_no, pid, amount, trx_time=trx.isoformat() if trx else None
    )
    return Delivery(pid, body, amount)


def _va_number(world: World) -> str:
    return f"{PSID}{world.va1.customer_no}"


def _balance(world: World, code: str) -> int:
    with world.uow() as uow:
        account = uow.ledger.get_accounts([code])[code]
    return account.balance.posted_debits - account.balance.posted_credits


def test_a_bank_day_reconciles_to_exactly_the_planted_discrepancies(
    recon: World, clock: FakeClock
) -> None:
    world, services = recon, recon.container.recon
    clock.now = _at(DAY, 10, 0)
    # 1. VA callbacks through the simulator: every one sent twice, half lost on first try.
    sim = BankSimulator(world.bni, SimConfig(duplicate_rate=1.0, lose_rate=0.5, backoff=0.0))
    report = sim.deliver(
        [
            _va(world, "PAY000000000001", 50_000),  # credited: matches
            _va(world, "PAY000000000004", 30_000),  # the bank never credits it
            _va(world, "PAY000000000005", 25_000),  # the bank credits 24,000
        ]
    )
    assert set(report.acked) == {"PAY000000000001", "PAY000000000004", "PAY000000000005"}
    # 2. Two QRIS payments through the acquirer, settled next day net of MDR (30 bp, synthetic).
    qris = []
    for n, amount in ((1, 20_000), (2, 30_000)):
        intent = world.intent("V000001", (), amount)
        ref = f"ACQ00000000010{n}"
        assert world.acq.qr_notify(notify_body(ref, intent.reference, amount)).status_code == 200
        qris.append(SettledPayment(ref[-12:], ref, _at(DAY, 10, 0), amount))
    settlement, net, fee = qris_settlement("B20261103-1", NEXT, "QRACQ", 30, qris)
    assert (net, fee) == (49_850, 150)  # 60 + 90: the fee is per payment
    # 3. A callback for 23:50 that only arrives after midnight (its credit is next day's).
    clock.now = _at(NEXT, 1, 0)
    late = BankSimulator(world.bni, SimConfig(duplicate_rate=0.0, backoff=0.0))
    late.deliver([_va(world, "PAY000000000002", 40_000, _at(DAY, 23, 50))])
    # 4. The bank's statements: one credit nobody called back about (the lost callback).
    va = _va_number(world)
    day_lines = [
        va_credit(DAY, 1, 50_000, "000000000001", va),
        va_credit(DAY, 3, 15_000, "000000000003", va),  # lost callback: credit only
        va_credit(DAY, 5, 24_000, "000000000005", va),  # short by 1,000
    ]
    next_lines = [
        va_credit(NEXT, 2, 40_000, "000000000002", va),
        settlement_credit(NEXT, 1, net, "B20261103-1", "QRACQ"),
    ]
    clock.now = _at(NEXT + timedelta(days=1), 9, 0)
    imports = services.imports
    imports.import_statement(
        FINANCE,
        kind="mt940",
        bank="BNI",
        source="d1.sta",
        data=mt940(ACCOUNT, DAY, OPENING, day_lines).encode(),
    )
    imports.import_statement(
        FINANCE,
        kind="mt940",
        bank="BNI",
        source="d2.sta",
        data=mt940(ACCOUNT, NEXT, OPENING + 89_000, next_lines).encode(),
    )
    imports.import_settlement(FINANCE, settlement.encode(), source="qracq.csv")

    # 5. Matching: three matches (two VA by reference, the settlement batch), three exceptions.
    run = services.matching.run(GEDE, "PSR-GEDE", DAY, NEXT)
    assert (run.matches, run.new_exceptions, run.fees_posted) == (3, 3, 1)
    found = {(e["type"], e["amount"]) for e in services.exceptions.list(GEDE, status="open")}
    assert found == {
        ("credit_without_callback", 15_000),
        ("callback_without_credit", 30_000),
        ("amount_mismatch", 1_000),
    }
    assert _balance(world, chart.ACQUIRER_FEES.code) == 150  # the MDR, as its own entry
    _every_line_matched_once_or_in_one_exception(world)
    again = services.matching.run(GEDE, "PSR-GEDE", DAY, NEXT)
    assert (again.matches, again.new_exceptions, again.known_exceptions, again.fees_posted) == (
        0,
        0,
        3,
        0,
    )

    # 6. The close of the first day reports exactly that.
    report_day = services.close.close(GEDE, "PSR-GEDE", DAY)
    assert report_day["collections"] == {"va": 145_000, "qris": 50_000, "cash": 0, "total": 195_000}
    assert report_day["bank_credits"] == {"count": 3, "amount": 89_000}
    assert report_day["matched"] == {"count": 3, "amount": 50_000 + 40_000 + 49_850}
    assert report_day["unmatched"]["count"] == 3
    assert report_day["unmatched"]["amount"] == 46_000
    assert report_day["digest"]["signature"]
    assert report_day["late"] == {"collections": [], "bank_credits": []}

    # 7. A callback for the closed day arrives late: the next close shows it, dated back.
    clock.advance(minutes=5)
    assert late.deliver([_va(world, "PAY000000000006", 12_000, _at(DAY, 22, 0))]).acked
    assert services.close.close(GEDE, "PSR-GEDE", DAY) == report_day  # frozen
    report_next = services.close.close(GEDE, "PSR-GEDE", NEXT)
    assert [
        (x["belongs_to"], x["channel"], x["amount"]) for x in report_next["late"]["collections"]
    ] == [(str(DAY), "va", 12_000)]
    assert report_next["collections"]["total"] == 0


def _every_line_matched_once_or_in_one_exception(world: World) -> None:
    with world.uow() as uow:
        c = uow.connection
        lines = [
            f"line:{b}:{a}:{r}"
            for b, a, r in c.execute(
                select(recon_lines.c.bank_code, recon_lines.c.account_no, recon_lines.c.line_ref)
            )
        ]
        claimed = set(c.execute(select(recon_claims.c.item)).scalars())
        in_exceptions = [
            i for items in c.execute(select(recon_exceptions.c["items"])).scalars() for i in items
        ]
    assert len(lines) == 5
    for line in lines:
        assert (line in claimed) + in_exceptions.count(line) == 1, line
