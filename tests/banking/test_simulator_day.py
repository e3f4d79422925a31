"""The simulator against the app: a market day end to end, and (PostgreSQL) 10,000 callbacks
with 30 % duplicates and random reordering leave the ledger equal to the unique payments."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pasar_pay.adapters.db.tables import ledger_accounts, ledger_entries
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.bank_sim import day as sim_day
from pasar_pay.entrypoints.bank_sim.client import SnapBankClient
from pasar_pay.entrypoints.bank_sim.load import qris_notifications, va_payments
from pasar_pay.entrypoints.bank_sim.sim import BankSimulator, Delivery, SimConfig
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.banking.ports import IntentRecord
from pasar_pay.services.ports import BillsFilter
from tests.conftest import FakeClock


def _market(container: Container, vendors: int) -> list[str]:
    """`vendors` vendors of Pasar Gede with one billed los each."""
    container.billing.seed_tariffs()
    stalls = [
        StallSpec(f"PSR-GEDE-L07-{i:03d}", "PSR-GEDE", "L07", f"{i:03d}", "los", 22_500)
        for i in range(vendors)
    ]
    people = [VendorSpec(f"V7{i:05d}", f"Pedagang {i}") for i in range(vendors)]
    container.registry.load_demo(
        DemoRegistry(
            stalls=stalls,
            vendors=people,
            holdings=[(s.code, v.code) for s, v in zip(stalls, people, strict=True)],
        )
    )
    container.billing.run(None, date(2026, 11, 1), date(2026, 11, 30))
    return [v.code for v in people]


@pytest.fixture
def sim_world(books: Container, tmp_path: Path, clock: FakeClock) -> Iterator[tuple]:  # type: ignore[type-arg]
    with TestClient(create_app(books), raise_server_exceptions=False) as http:
        yield books, http, tmp_path / "keys"


def _entries(container: Container, prefix: str) -> list[str]:
    with container.engine.connect() as c:
        stmt = select(ledger_entries.c.reference).where(
            ledger_entries.c.reference.like(f"{prefix}%")
        )
        return list(c.execute(stmt).scalars())


def _money_in(container: Container, bank: str) -> int:
    with container.engine.connect() as c:
        stmt = select(func.coalesce(func.sum(ledger_accounts.c.posted_debits), 0)).where(
            ledger_accounts.c.code.like(f"market:%:clearing:{bank}")
        )
        return int(c.execute(stmt).scalar_one())


def test_a_market_day_books_every_payment_once(sim_world: tuple, clock: FakeClock) -> None:  # type: ignore[type-arg]
    container, http, keys = sim_world
    vendors = _market(container, 12)
    container.qris_merchants.demo_merchants()
    cp = sim_day.ensure_registered(container, keys)
    assert sim_day.ensure_registered(container, keys).code == cp.code  # idempotent
    plan = sim_day.plan_day(container, cp.code, 12)
    assert (len(plan.vas), len(plan.codes)) == (6, 6)
    config = SimConfig(
        duplicate_rate=0.3, lose_rate=0.2, late_pending_rate=0.5, backoff=0.0, seed=11
    )
    sim = BankSimulator(SnapBankClient(http, sim_day.identity(keys), clock=clock), config)
    deliveries = sim.va_day(cp.partner_service_id or "", [v.customer_no for v in plan.vas])
    deliveries += sim.qris_day(plan.codes)
    report = sim.deliver(deliveries)
    assert report.unacked == set()
    assert report.refused == {}
    assert report.duplicates > 0
    booked = [d for d in deliveries if d.books]
    va_ids = {d.payment_id for d in booked if d.service == "payment"}
    qr_ids = {d.payment_id for d in booked if d.service == "notify"}
    assert sorted(_entries(container, "VA:SIMBANK:")) == sorted(f"VA:SIMBANK:{p}" for p in va_ids)
    assert sorted(_entries(container, "QR:SIMBANK:")) == sorted(f"QR:SIMBANK:{p}" for p in qr_ids)
    assert _money_in(container, "SIMBANK") == sum(d.amount for d in booked)
    with container.uow() as uow:
        assert uow.billing.bills(BillsFilter(open_only=True), None, 100) == []
    assert vendors
    assert all(r.broken is None for r in container.verifier.verify(full=True))


@pytest.mark.pg_only
@pytest.mark.slow
def test_ten_thousand_callbacks_with_duplicates_and_reordering(
    books: Container, migrated_url: str, tmp_path: Path
) -> None:
    """10,000 deliveries: 7,700 unique payments (half VA, half QRIS) plus 30 % duplicates,
    shuffled, sent over real HTTP by 6 simulator threads to a 2-process uvicorn server."""
    container, keys = books, tmp_path / "keys"
    vendors = _market(container, 160)
    by_va, by_qris = vendors[:80], vendors[80:]  # a bill paid by QRIS would refuse the VA
    cp = sim_day.ensure_registered(container, keys)
    vas = container.virtual_accounts.ensure_reusable(cp.code, by_va)
    rows = [{"partner_service_id": v.partner_service_id, "customer_no": v.customer_no} for v in vas]
    # VA: 100 rupiah partial payments, never more per vendor than its bill can take
    with container.uow() as uow:
        owed = {b.vendor_code: b.owed for b in uow.billing.bills(BillsFilter(), None, 1000)}
    va_count = min(3850, min(owed[v] for v in by_va) // 100 * len(vas))
    assert va_count == 3850
    va = va_payments(rows, va_count, 100, run="BIG")
    # QRIS: intents of 500 rupiah on the other vendors' bills (later ones become credit)
    rng = random.Random(3)
    intents = _intents(container, by_qris, 7_700 - va_count, rng)
    qr = qris_notifications([(i.reference, "", i.amount) for i in intents], run="BIG")
    unique: list[Delivery] = va + qr
    duplicates = 10_000 - len(unique)
    assert 0.29 <= duplicates / len(unique) <= 0.31
    queue = unique + rng.sample(unique, duplicates)
    config = SimConfig(duplicate_rate=0.0, backoff=0.05, workers=6, seed=5)
    port = _free_port()
    server = _serve(migrated_url, port, tmp_path)
    try:
        limits = httpx.Limits(max_connections=6, max_keepalive_connections=6)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as http:
            sim = BankSimulator(SnapBankClient(http, sim_day.identity(keys)), config)
            sim.client.fetch_token()
            report = sim.deliver(queue)  # shuffled inside (reorder=True)
    finally:
        server.terminate()
        server.wait(30)
    assert report.unacked == set()
    assert report.refused == {}
    assert report.sent == 10_000
    va_ids = {d.payment_id for d in va}
    qr_ids = {d.payment_id for d in qr}
    assert sorted(_entries(container, "VA:SIMBANK:")) == sorted(f"VA:SIMBANK:{p}" for p in va_ids)
    assert sorted(_entries(container, "QR:SIMBANK:")) == sorted(f"QR:SIMBANK:{p}" for p in qr_ids)
    assert _money_in(container, "SIMBANK") == sum(d.amount for d in unique)
    assert all(r.broken is None for r in container.verifier.verify(full=True))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int, tmp: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PASAR_PAY_DATABASE_URL": url,
        "PASAR_PAY_MODE": "test",
        "PASAR_PAY_DATA_DIR": str(tmp / "var"),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory"]
    command += ["pasar_pay.entrypoints.api.app:create_app", "--port", str(port)]
    command += ["--workers", "2", "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(command, env=env)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def _intents(
    container: Container, vendors: list[str], count: int, rng: random.Random
) -> list[IntentRecord]:
    with container.uow() as uow:
        bills = {b.vendor_code: b for b in uow.billing.bills(BillsFilter(), None, 1000)}
        now = datetime.now(UTC)  # the server process runs on the real clock
        out = []
        for _ in range(count):
            bill = bills[rng.choice(vendors)]
            intent = IntentRecord(
                id=str(uuid.uuid4()),
                kind="bill",
                channel="qris",
                vendor_code=bill.vendor_code,
                market_code=bill.market_code,
                bill_ids=(bill.id,),
                amount=500,
                reference=f"QR{uuid.uuid4().hex[:16].upper()}",
                status="live",
                acquirer_reference=None,
                expires_at=now + timedelta(hours=1),
            )
            uow.banks.add_intent(intent, None, now)
            out.append(intent)
        uow.commit()
    return out
