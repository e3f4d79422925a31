"""PostgreSQL: concurrent duplicate deliveries book once and answer identically."""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from pasar_pay.entrypoints.bank_sim.client import PAYMENT_PATH, notify_body, payment_body
from pasar_pay.services.banking.snap_auth import SnapRequest
from tests.banking.conftest import PSID, World


def _signed(world: World, client, path: str, body: dict) -> SnapRequest:  # type: ignore[no-untyped-def,type-arg]
    raw = json.dumps(body).encode()
    headers = client.headers("/snap" + path, raw)
    return SnapRequest("POST", "/snap" + path, {k.lower(): v for k, v in headers.items()}, raw)


@pytest.mark.pg_only
def test_twenty_concurrent_deliveries_of_one_payment(world: World) -> None:
    owed = world.owed("V000001")
    body = payment_body(PSID, world.va1.customer_no, "PAY-CONC", owed)
    requests = [_signed(world, world.bni, PAYMENT_PATH, body) for _ in range(20)]
    before = world.entries()
    gateway = world.container.snap_gateway
    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(gateway.va_payment, requests))
    assert {r.status.code for r in replies} == {"2002500"}
    assert len({json.dumps(r.body, sort_keys=True) for r in replies}) == 1
    assert world.entries() == before + 1
    assert world.owed("V000001") == 0


@pytest.mark.pg_only
def test_many_notifications_with_duplicates_and_reordering(world: World) -> None:
    rng = random.Random(5)
    bills = [b for v in ("V000001", "V000002") for b in _open(world, v)]
    intents = [world.intent(b.vendor_code, (b.id,), 1000) for b in bills for _ in range(3)]
    events = []
    for i, intent in enumerate(intents):
        ref = f"ACQ-M{i}"
        events.append(notify_body(ref, intent.reference, 1000, "03"))
        events.append(notify_body(ref, intent.reference, 1000, "00"))
    events += [e for e in events if rng.random() < 0.3]
    rng.shuffle(events)
    requests = [_signed(world, world.acq, "/v1.0/qr/qr-mpm-notify", e) for e in events]
    before = world.entries()
    with ThreadPoolExecutor(16) as pool:
        replies = list(pool.map(world.container.snap_gateway.qr_notify, requests))
    assert {r.status.code for r in replies} == {"2005200"}
    assert world.entries() == before + len(intents)
    reports = world.container.verifier.verify(full=True)
    assert all(r.broken is None for r in reports)


def _open(world: World, vendor: str) -> list:  # type: ignore[type-arg]
    from pasar_pay.services.ports import BillsFilter

    with world.uow() as uow:
        return uow.billing.bills(BillsFilter(vendor=vendor, open_only=True), None, 24)
