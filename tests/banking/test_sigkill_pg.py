"""PostgreSQL, real processes: the simulator pays over HTTP while the server is SIGKILLed and
restarted; every acknowledged payment is in the ledger once, every other one lands once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine, func, select

from pasar_pay.adapters.db.bank_tables import bank_inbox
from pasar_pay.adapters.db.tables import ledger_entries
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.bank_sim.client import SnapBankClient
from pasar_pay.entrypoints.bank_sim.sim import BankSimulator, SimConfig
from pasar_pay.entrypoints.wiring import Container
from tests.banking.conftest import PSID, identity, register

N = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PASAR_PAY_DATABASE_URL": url, "PASAR_PAY_MODE": "test"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "pasar_pay.entrypoints.api.app:create_app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/docs", timeout=0.5)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


@pytest.mark.pg_only
@pytest.mark.slow
def test_sigkill_mid_run_every_payment_lands_once(
    books: Container, engine: Engine, migrated_url: str
) -> None:
    books.billing.seed_tariffs()
    stalls = [
        StallSpec(f"PSR-GEDE-L09-{i:03d}", "PSR-GEDE", "L09", f"{i:03d}", "los", 22_500)
        for i in range(N)
    ]
    vendors = [VendorSpec(f"V9{i:05d}", f"Pedagang {i}") for i in range(N)]
    books.registry.load_demo(
        DemoRegistry(
            stalls=stalls,
            vendors=vendors,
            holdings=[(s.code, v.code) for s, v in zip(stalls, vendors, strict=True)],
        )
    )
    books.billing.run(None, date(2026, 11, 1), date(2026, 11, 30))
    ident = identity("SIMBANK")
    register(books, ident, va=True, qris=False)
    vas = books.virtual_accounts.ensure_reusable("SIMBANK", [v.code for v in vendors])
    port = _free_port()
    server = _serve(migrated_url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=3.0) as http:
            sim = BankSimulator(
                SnapBankClient(http, ident),
                SimConfig(duplicate_rate=0.3, lose_rate=0.1, backoff=0.1),
            )
            deliveries = sim.va_day(PSID, [v.customer_no for v in vas])
            assert len(deliveries) == N

            killed: list[int] = []

            def killer() -> None:
                nonlocal server
                while len(sim.report.acked) < N // 3:
                    time.sleep(0.01)
                server.send_signal(signal.SIGKILL)
                server.wait()
                killed.append(len(sim.report.acked))
                time.sleep(0.5)
                server = _serve(migrated_url, port)

            thread = threading.Thread(target=killer)
            thread.start()
            report = sim.deliver(deliveries)
            thread.join()
    finally:
        server.kill()
        server.wait()
    assert killed
    assert killed[0] < N
    assert report.unacked == set()
    assert report.refused == {}
    assert len(report.acked) == N
    with engine.connect() as c:
        entries = (
            c.execute(
                select(ledger_entries.c.reference).where(
                    ledger_entries.c.reference.like("VA:SIMBANK:%")
                )
            )
            .scalars()
            .all()
        )
        inbox = c.execute(select(func.count()).select_from(bank_inbox)).scalar_one()
    assert sorted(entries) == sorted(f"VA:SIMBANK:{pid}" for pid in report.acked)
    assert inbox == N
    assert all(r.broken is None for r in books.verifier.verify(full=True))
