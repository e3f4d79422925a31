"""`pasar-pay billing ...`: tariffs, billing runs, penalty accrual and dunning, for cron."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pasar_pay.config import load_settings
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.money import format_rupiah
from pasar_pay.entrypoints.wiring import Container

app = typer.Typer(help="Tariffs, billing runs, penalties and dunning", no_args_is_help=True)
console = Console()

Day = Annotated[str, typer.Option(help="YYYY-MM-DD")]


def _container() -> Container:
    return Container(load_settings())


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not YYYY-MM-DD", param_hint=option) from None


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{error.code}[/]: {error.message}")
    return typer.Exit(2)


@app.command("seed-tariffs")
def seed_tariffs() -> None:
    """Load the Perda 5/2016 tariff seed (values marked to verify); safe to repeat."""
    created = _container().billing.seed_tariffs()
    console.print(f"{created} tariff versions added")


@app.command("run")
def run(
    first: Annotated[str, typer.Option("--from", help="first day billed, YYYY-MM-DD")],
    last: Annotated[str, typer.Option("--to", help="last day billed, YYYY-MM-DD")],
    market: Annotated[list[str] | None, typer.Option(help="repeat for several")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=8, help="threads committing chunks (PostgreSQL only)")
    ] = 1,
) -> None:
    """Bill every held, active stall for [--from, --to] in each vendor's cadence (idempotent)."""
    start, end = _day(first, "--from"), _day(last, "--to")
    with Progress(
        TextColumn("billing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("stalls"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("run", total=None)
        try:
            result = _container().billing.run(
                None,
                start,
                end,
                markets=market or None,
                progress=lambda n: bar.advance(task, n),
                on_total=lambda n: bar.update(task, total=n),
                workers=workers,
            )
        except DomainError as error:
            raise _fail(error) from None
    table = Table("billing run", result.run_id, show_header=True)
    table.add_row("period", f"{start.isoformat()} .. {end.isoformat()}")
    table.add_row("markets", ", ".join(market) if market else "all")
    table.add_row("stalls considered", str(result.considered))
    table.add_row("skipped (vacant, damaged, closed, sealed)", str(result.skipped_inactive))
    table.add_row("bills created", str(result.created))
    table.add_row("amount billed", format_rupiah(result.amount))
    console.print(table)


@app.command("accrue-penalties")
def accrue_penalties(
    as_of: Annotated[str, typer.Option("--as-of", help="accrue up to this day, YYYY-MM-DD")],
) -> None:
    """Post the late-payment penalty months not yet accrued on overdue bills (safe to repeat)."""
    result = _container().collections.accrue_penalties(_day(as_of, "--as-of"))
    console.print(f"penalties accrued on {result.bills} bills: {format_rupiah(result.amount)}")


@app.command("dunning")
def dunning(
    as_of: Annotated[str, typer.Option("--as-of", help="evaluate on this day, YYYY-MM-DD")],
) -> None:
    """Advance each stall's warning letters (SP1, SP2, SP3, sealing) by its arrears."""
    counts = _container().collections.evaluate_dunning(_day(as_of, "--as-of"))
    table = Table("dunning state", "stalls")
    for state, count in sorted(counts.items()):
        table.add_row(state, str(count))
    console.print(table)
