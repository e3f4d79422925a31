"""`pasar-pay orders ...`: the online-order jobs a scheduler runs (same as the finance API)."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console

from pasar_pay.config import load_settings
from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.wiring import Container

app = typer.Typer(help="Online orders: sweep, webhooks, payouts", no_args_is_help=True)
console = Console()
JOB = Principal("cli", Role.FINANCE, label="pasar-pay orders")


@app.command("sweep")
def sweep() -> None:
    """Expire unpaid checkouts, reject ignored orders, default approvals, complete orders."""
    counts = Container(load_settings()).order_jobs.sweep()
    console.print(counts or "nothing due")


@app.command("dispatch-webhooks")
def dispatch() -> None:
    """Send the webhook deliveries that are due; failures are rescheduled with backoff."""
    console.print(Container(load_settings()).webhooks.dispatch())


@app.command("payouts")
def payouts(day: str) -> None:
    """Write the day's payout batch per vendor (YYYY-MM-DD, Jakarta day; safe to repeat)."""
    written = Container(load_settings()).payouts.run(JOB, date.fromisoformat(day))
    for p in written:
        console.print(f"{p['vendor']}: paid out {p['paid_out']} ({len(p['lines'])} orders)")
    console.print(f"{len(written)} payouts written")
