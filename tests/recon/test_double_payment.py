"""A bill paid on two channels (its closed VA, then its QRIS code) is a paid_twice exception:
a refund case, not a second "paid"."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from pasar_pay.domain.reconciliation import WIB
from pasar_pay.entrypoints.bank_sim.client import notify_body, payment_body
from pasar_pay.entrypoints.bank_sim.statements import SimLine, mt940, va_credit
from pasar_pay.services.banking.ports import IntentRecord
from pasar_pay.services.ports import BillsFilter
from tests.banking.conftest import PSID, World
from tests.conftest import FakeClock
from tests.recon.conftest import DAY, FINANCE, LEGI

LEGI_ACCOUNT = "0099887766"


def test_a_bill_paid_by_closed_va_and_by_qris_is_paid_twice(recon: World, clock: FakeClock) -> None:
    clock.now = datetime.combine(DAY, time(11), WIB)  # after the banks were registered
    with recon.uow() as uow:
        [bill] = uow.billing.bills(BillsFilter(vendor="V000002", open_only=True), None, 5)
    intent = IntentRecord(
        str(uuid.uuid4()),
        "bill",
        "qris",
        "V000002",
        "PSR-LEGI",
        (bill.id,),
        bill.owed,
        "QRLEGI0000000001",
        "live",
        None,
        clock() + timedelta(hours=6),
    )
    with recon.uow() as uow:
        uow.banks.add_intent(intent, None, clock())
        uow.commit()
    va = recon.container.virtual_accounts.open_closed("BNI", bill.id, clock() + timedelta(hours=6))
    paid = recon.bni.payment(payment_body(PSID, va.customer_no, "PAY000000000021", bill.owed))
    assert paid.status_code == 200
    clock.now = datetime.combine(DAY, time(12), WIB)
    qr = recon.acq.qr_notify(notify_body("ACQ000000000031", intent.reference, bill.owed))
    assert qr.status_code == 200  # booked (to the vendor's credit): money is never refused
    lines = [
        va_credit(DAY, 1, bill.owed, "000000000021", va.va_digits),
        SimLine(DAY, bill.owed, True, "000000000031", "QR2611020001", "QRIS QRACQ CREDIT"),
    ]
    clock.now = datetime.combine(DAY + timedelta(days=1), time(8), WIB)
    services = recon.container.recon
    services.imports.import_statement(
        FINANCE, kind="mt940", bank="BNI", data=mt940(LEGI_ACCOUNT, DAY, 0, lines).encode()
    )
    run = services.matching.run(LEGI, "PSR-LEGI", DAY, DAY)
    assert (run.matches, run.new_exceptions) == (1, 1)
    [exc] = services.exceptions.list(LEGI, status="open")
    assert (exc["type"], exc["amount"], exc["market_code"]) == ("paid_twice", bill.owed, "PSR-LEGI")
    assert "already paid by va" in exc["detail"]
