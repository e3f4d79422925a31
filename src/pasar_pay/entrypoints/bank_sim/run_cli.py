"""`pasar-pay bank-sim market-day | load | acquirer`: the simulator's runnable modes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from pasar_pay.adapters.banks.snap_rsa import load_public_key, private_key_from_file
from pasar_pay.config import load_settings
from pasar_pay.entrypoints.bank_sim import day as sim_day
from pasar_pay.entrypoints.bank_sim.acquirer import AcquirerState, create_acquirer_app
from pasar_pay.entrypoints.bank_sim.client import SnapBankClient
from pasar_pay.entrypoints.bank_sim.load import (
    qris_notifications,
    read_intents,
    read_vas,
    va_payments,
)
from pasar_pay.entrypoints.bank_sim.sim import BankSimulator, SimConfig
from pasar_pay.entrypoints.wiring import Container

console = Console()
KEYS_HELP = "simulator keys (made if missing; default DATA_DIR/bank-sim)"


def _keys(keys: Path | None) -> Path:
    return keys if keys is not None else load_settings().data_dir / "bank-sim"


def register_commands(sim_app: typer.Typer) -> None:
    sim_app.command("market-day")(market_day)
    sim_app.command("load")(load)
    sim_app.command("acquirer")(acquirer)


def market_day(
    base_url: Annotated[str, typer.Option(help="pasar_pay's URL")] = "http://127.0.0.1:8000",
    keys: Annotated[Path | None, typer.Option(help=KEYS_HELP)] = None,
    code: str = sim_day.SIM_CODE,
    vendors: Annotated[int, typer.Option(help="vendors paying today")] = 40,
    duplicate_rate: float = 0.3,
    lose_rate: float = 0.1,
    late_pending_rate: float = 0.2,
    workers: int = 1,
    seed: int = 7,
    prefix: str = "/snap",
    pace: Annotated[float, typer.Option(help="seconds between callbacks (demo)")] = 0.0,
) -> None:
    """A simulated market day end to end: register the simulated bank (same database as the
    server), issue VAs, ask QRIS codes, then pay over HTTP: VA inquiries and payments and QRIS
    notifications with duplicates, reordering, lost callbacks and retries; verify the chains."""
    container = Container(load_settings())
    keys = _keys(keys)
    cp = sim_day.ensure_registered(container, keys, code)
    plan = sim_day.plan_day(container, code, vendors)
    console.print(f"{code}: {len(plan.vas)} vendors pay by VA, {len(plan.codes)} by QRIS")
    config = SimConfig(
        duplicate_rate=duplicate_rate,
        lose_rate=lose_rate,
        late_pending_rate=late_pending_rate,
        workers=workers,
        seed=seed,
        pace=pace,
    )
    with httpx.Client(base_url=base_url, timeout=10.0) as http:
        sim = BankSimulator(
            SnapBankClient(http, sim_day.identity(keys, code), prefix=prefix), config
        )
        deliveries = sim.va_day(cp.partner_service_id or "", [v.customer_no for v in plan.vas])
        deliveries += sim.qris_day(plan.codes)
        report = sim.deliver(deliveries)
    console.print(report.summary())
    broken = [r for r in container.verifier.verify(full=False) if r.broken is not None]
    console.print("hash chains verify" if not broken else f"[red]broken chains: {broken}[/]")
    if report.unacked or broken:
        raise typer.Exit(1)


def load(
    vas: Annotated[Path | None, typer.Option(help="CSV from `banks issue-vas --out`")] = None,
    intents: Annotated[
        Path | None, typer.Option(help="reference,acquirer_reference,amount")
    ] = None,
    base_url: str = "http://127.0.0.1:8000",
    keys: Annotated[Path | None, typer.Option(help=KEYS_HELP)] = None,
    code: str = sim_day.SIM_CODE,
    payments: Annotated[int, typer.Option(help="VA payments to send")] = 1000,
    amount: int = 1000,
    workers: int = 8,
    duplicate_rate: float = 0.0,
    timeout: float = 10.0,
    run: Annotated[str, typer.Option(help="payment id prefix, unique per run")] = "LOAD",
    report: Annotated[Path | None, typer.Option(help="write the figures as JSON")] = None,
) -> None:
    """Load mode: signed VA payments and/or QRIS notifications from `workers` threads."""
    keys = _keys(keys)
    deliveries = []
    if vas is not None and payments:
        deliveries += va_payments(read_vas(vas), payments, amount, run=run)
    if intents is not None:
        deliveries += qris_notifications(read_intents(intents), run=run)
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    config = SimConfig(duplicate_rate=duplicate_rate, workers=workers, backoff=0.2)
    with httpx.Client(base_url=base_url, timeout=timeout, limits=limits) as http:
        sim = BankSimulator(SnapBankClient(http, sim_day.identity(keys, code)), config)
        sim.client.fetch_token()
        result = sim.deliver(deliveries)
    console.print(result.summary())
    if report is not None:
        figures = {
            "deliveries": len(deliveries),
            "acked": len(result.acked),
            "refused": len(result.refused),
            "unacked": len(result.unacked),
            "requests": result.sent,
            "seconds": round(result.elapsed, 3),
            "per_second": round(len(result.acked) / result.elapsed, 1) if result.elapsed else 0,
            "p50_ms": round(result.percentile(0.5), 2),
            "p95_ms": round(result.percentile(0.95), 2),
            "p99_ms": round(result.percentile(0.99), 2),
            "workers": workers,
        }
        report.write_text(json.dumps(figures, indent=1))
    if result.unacked:
        raise typer.Exit(1)


def acquirer(
    port: int = 8765,
    keys: Annotated[Path | None, typer.Option(help=KEYS_HELP)] = None,
    code: str = sim_day.SIM_CODE,
    pasar_pay_key: Annotated[
        Path | None, typer.Option(help="pasar_pay's SNAP public key PEM (default: its dev key)")
    ] = None,
    notify_url: Annotated[
        str | None, typer.Option(help="pasar_pay URL: pay generated codes and notify it")
    ] = None,
    pay_after: Annotated[float, typer.Option(help="seconds before a code is paid")] = 5.0,
    register: Annotated[
        bool, typer.Option(help="register it (if new) with this base URL in the database")
    ] = False,
) -> None:
    """Serve the simulated acquirer's SNAP API (token, qr-mpm-generate/query/refund). Register
    it with `--register`, or `banks register ... --qris --base-url http://127.0.0.1:PORT/snap`."""
    import uvicorn

    settings = load_settings()
    keys = _keys(keys)
    if register:
        base = f"http://127.0.0.1:{port}/snap"
        cp = sim_day.ensure_registered(Container(settings), keys, code, base_url=base)
        if cp.base_url != base:
            console.print(f"[yellow]{code} is registered with base URL {cp.base_url}[/]")
    if pasar_pay_key is not None:
        public = load_public_key(pasar_pay_key.read_text())
    else:
        public = private_key_from_file(settings.effective_snap_key_path, create=True).public_key()
    sim_day.keygen(keys, code)
    ident = sim_day.identity(keys, code)
    state = AcquirerState(ident.client_key, ident.partner_id, ident.client_secret, public)
    if notify_url:
        threading.Thread(
            target=_pay_codes, args=(state, notify_url, keys, code, pay_after), daemon=True
        ).start()
    uvicorn.run(create_acquirer_app(state), host="127.0.0.1", port=port, log_level="warning")


def _pay_codes(state: AcquirerState, url: str, keys: Path, code: str, after: float) -> None:
    """The payers: each generated code is paid `after` seconds later, and pasar_pay told."""
    with httpx.Client(base_url=url, timeout=10.0) as http:
        sim = BankSimulator(SnapBankClient(http, sim_day.identity(keys, code)), SimConfig())
        while True:
            time.sleep(1.0)
            due = [c for c in state.unpaid() if time.time() - c.created >= after]
            if not due:
                continue
            sim.deliver(
                sim.qris_day([(c.partner_reference, c.reference_no, c.amount) for c in due])
            )
            with state.lock:
                for c in due:
                    c.status = "00"
