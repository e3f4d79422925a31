"""QRIS notify (monotonic, money never dropped), RSA mode, rotation, secrets at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from pasar_pay.adapters.banks.snap_rsa import generate_private_key, public_key_pem
from pasar_pay.adapters.db.bank_tables import bank_credentials, bank_events
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.entrypoints.bank_sim.client import (
    SnapBankClient,
    inquiry_body,
    notify_body,
    payment_body,
)
from pasar_pay.services.ports import BillsFilter
from tests.banking.conftest import PSID, World, identity, register
from tests.conftest import FakeClock


def _bills(world: World, vendor: str) -> list:  # type: ignore[type-arg]
    with world.uow() as uow:
        return uow.billing.bills(BillsFilter(vendor=vendor, open_only=True), None, 24)


def _exceptions(world: World) -> list[str]:
    with world.uow() as uow:
        return [e["kind"] for e in uow.banks.exceptions("open")]


def test_notify_success_books_once_and_late_pending_is_ignored(world: World) -> None:
    bill = _bills(world, "V000002")[0]
    intent = world.intent("V000002", (bill.id,), bill.owed)
    sibling = world.intent("V000002", (bill.id,), bill.owed)
    before = world.entries()
    pending = world.acq.qr_notify(notify_body("ACQ-1", intent.reference, bill.owed, "03"))
    assert pending.json() == {"responseCode": "2005200", "responseMessage": "Successful"}
    assert world.entries() == before
    ok = world.acq.qr_notify(notify_body("ACQ-1", intent.reference, bill.owed, "00"))
    assert ok.status_code == 200
    assert ok.json()["responseCode"] == "2005200"
    assert world.entries() == before + 1
    assert world.owed("V000002") == 0
    dup = world.acq.qr_notify(notify_body("ACQ-1", intent.reference, bill.owed, "00"))
    late = world.acq.qr_notify(notify_body("ACQ-1", intent.reference, bill.owed, "03"))
    assert dup.json()["responseCode"] == late.json()["responseCode"] == "2005200"
    assert world.entries() == before + 1
    with world.uow() as uow:
        assert uow.banks.intent_by_reference(intent.reference).status == "paid"  # type: ignore[union-attr]
        assert uow.banks.intent_by_reference(sibling.reference).status == "expired"  # type: ignore[union-attr]
        outcomes = [r.outcome for r in uow.connection.execute(select(bank_events))]
    assert outcomes == ["status_03", "applied", "duplicate", "stale"]


def test_qris_for_a_bill_paid_by_va_becomes_credit_and_an_exception(world: World) -> None:
    bills = _bills(world, "V000002")
    owed = sum(b.owed for b in bills)
    intent = world.intent("V000002", tuple(b.id for b in bills), owed)
    pay = world.bni.payment(payment_body(PSID, world.va2.customer_no, "PAY-Q", owed))
    assert pay.json()["responseCode"] == "2002500"
    with world.uow() as uow:  # the VA payment expired the QRIS intent of the same bill
        assert uow.banks.intent_by_reference(intent.reference).status == "expired"  # type: ignore[union-attr]
    before = world.entries()
    ok = world.acq.qr_notify(notify_body("ACQ-2", intent.reference, owed))
    assert ok.json()["responseCode"] == "2005200"
    assert world.entries() == before + 1  # booked (to vendor credit), never refused
    kinds = _exceptions(world)
    assert "bill_already_paid" in kinds
    assert "paid_expired_intent" in kinds


def test_unattributed_qris_money_is_parked_for_review(world: World) -> None:
    before = world.entries()
    ok = world.acq.qr_notify(notify_body("ACQ-3", "NO-SUCH-REF", 5000))
    assert ok.json()["responseCode"] == "2005200"
    assert world.entries() == before
    assert _exceptions(world) == ["unattributed"]


def test_notify_bad_input_and_reused_external_id(world: World) -> None:
    missing = world.acq.qr_notify({"latestTransactionStatus": "00"})
    assert missing.status_code == 400
    assert missing.json()["responseCode"] == "4005202"
    number = world.acq.qr_notify(
        {**notify_body("ACQ-4", None, 5000), "amount": {"value": 5000, "currency": "IDR"}}
    )
    assert number.json()["responseCode"] == "4005201"
    a = world.acq.qr_notify(notify_body("ACQ-5", None, 5000, "03"), external_id="E-1")
    b = world.acq.qr_notify(notify_body("ACQ-6", None, 5000, "03"), external_id="E-1")
    assert (a.json()["responseCode"], b.json()["responseCode"]) == ("2005200", "4095200")
    assert world.bni.qr_notify(notify_body("ACQ-7", None, 5000)).json()["responseCode"] == "4015200"


def test_rsa_mode_bank_and_key_rotation_with_overlap(world: World, clock: FakeClock) -> None:
    ident = identity("JTG", mode="rsa")
    register(world.container, ident, va=True, qris=True, psid="77123")
    jtg = SnapBankClient(world.http, ident, clock=clock)
    va = world.container.virtual_accounts.ensure_reusable("JTG", ["V000001"])[0]
    assert va.va_padded == "   77123" + va.customer_no
    assert va.va_digits == "77123" + va.customer_no
    ok = jtg.inquiry(inquiry_body("77123", va.customer_no, "J-1"))
    assert ok.json()["responseCode"] == "2002400"
    old_key = ident.private_key
    new_key = generate_private_key()
    world.container.counterparties.rotate(
        "JTG", public_key_pem=public_key_pem(new_key), overlap=timedelta(hours=1)
    )
    assert (
        jtg.inquiry(inquiry_body("77123", va.customer_no, "J-2")).json()["responseCode"]
        == "2002400"
    )
    ident.private_key = new_key
    assert (
        jtg.inquiry(inquiry_body("77123", va.customer_no, "J-3")).json()["responseCode"]
        == "2002400"
    )
    clock.advance(hours=2)
    ident.private_key = old_key
    assert (
        jtg.inquiry(inquiry_body("77123", va.customer_no, "J-4")).json()["responseCode"]
        == "4012400"
    )


def test_secret_rotation_and_secrets_are_encrypted(world: World, clock: FakeClock) -> None:
    with world.uow() as uow:
        values = [r.value for r in uow.connection.execute(select(bank_credentials))]
    assert all("secret-0123456789" not in v for v in values)
    world.container.counterparties.rotate(
        "BNI", client_secret="bni-new-secret-abcdefgh", overlap=timedelta(minutes=10)
    )
    body = inquiry_body(PSID, world.va1.customer_no, "R-1")
    assert world.bni.inquiry(body).json()["responseCode"] == "2002400"  # old, in overlap
    world.bni.bank.client_secret = "bni-new-secret-abcdefgh"
    assert world.bni.inquiry(body).json()["responseCode"] == "2002400"
    clock.advance(minutes=11)
    world.bni.token = None
    world.bni.bank.client_secret = "bni-secret-0123456789"
    assert world.bni.inquiry(body).json()["responseCode"] == "4012400"


def test_registration_is_validated(world: World) -> None:
    with pytest.raises(ValidationFailed):
        register(world.container, identity("BAD"), va=True, qris=False, psid="0123")
    assert "client_secret" not in repr(world.container.counterparties.list())
