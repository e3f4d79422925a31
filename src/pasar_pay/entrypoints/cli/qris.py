"""`pasar-pay qris ...`: QRIS merchant data."""

from __future__ import annotations

import typer
from rich.console import Console

from pasar_pay.config import load_settings
from pasar_pay.entrypoints.wiring import Container

app = typer.Typer(help="QRIS merchants and codes", no_args_is_help=True)
console = Console()


@app.command("demo-merchants")
def demo_merchants() -> None:
    """Give every market without one a FICTITIOUS retribution merchant (safe to repeat)."""
    created, markets = Container(load_settings()).qris_merchants.demo_merchants()
    console.print(
        f"{created} FICTITIOUS QRIS merchants created ({markets} markets); never print them"
        " on a sticker a payer could scan"
    )
