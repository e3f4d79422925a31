"""`pasar-pay recon ...`: reconciliation from the operator's console (acts as finance;
the audit trail records the actor as "cli")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pasar_pay.adapters.rendering.recon_export import render
from pasar_pay.config import load_settings
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import DomainError
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.recon_ports import FeeRuleRecord, ReconAccount

app = typer.Typer(
    help="Reconciliation: statements, matching, exceptions, close", no_args_is_help=True
)
console = Console()
OPERATOR = Principal("cli", Role.FINANCE, label="console operator")


def _container() -> Container:
    return Container(load_settings())


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not YYYY-MM-DD", param_hint=option) from None


def _fail(error: DomainError) -> typer.Exit:
    line = error.details.get("line")
    where = f" (line {line})" if line else ""
    console.print(f"[red]{error.code}[/]{where}: {error.message}")
    return typer.Exit(2)


@app.command("add-account")
def add_account(
    bank: Annotated[str, typer.Option()],
    account: Annotated[str, typer.Option()],
    label: Annotated[str, typer.Option()],
    market: Annotated[str | None, typer.Option(help="omit for the city's own account")] = None,
    csv_format: Annotated[str | None, typer.Option(help="simulator, klikbca_bisnis, ...")] = None,
) -> None:
    """Register a bank account whose statements are imported (safe to repeat)."""
    try:
        added = _container().recon.imports.register_account(
            OPERATOR, ReconAccount(bank, account, market, csv_format, label)
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print("registered" if added else "already registered")


@app.command("fee-rule")
def fee_rule(
    acquirer: Annotated[str, typer.Option()],
    mdr_bp: Annotated[int, typer.Option(min=0, help="basis points from the contract; 0 allowed")],
    note: Annotated[str, typer.Option(help="where the figure comes from (to verify)")],
    market: Annotated[str | None, typer.Option()] = None,
) -> None:
    try:
        _container().recon.imports.set_fee_rule(
            OPERATOR, FeeRuleRecord(acquirer, mdr_bp, market=market, note=note)
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"{acquirer}: {mdr_bp} bp")


@app.command("import")
def import_statement(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    bank: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option(help="mt940 or csv")] = "mt940",
    account: Annotated[str | None, typer.Option(help="needed for csv")] = None,
) -> None:
    """Import a statement file: all or nothing; re-importing adds no line twice."""
    try:
        result = _container().recon.imports.import_statement(
            OPERATOR,
            kind=kind,
            data=path.read_bytes(),
            bank=bank,
            account=account,
            source=path.name,
        )
    except DomainError as error:
        raise _fail(error) from None
    table = Table("statement", "account", "lines", "new", "replayed")
    for s in result.statements:
        table.add_row(s.statement_ref, s.account, str(s.lines), str(s.new_lines), str(s.replayed))
    console.print(table)
    console.print(f"balance gaps raised: {result.exceptions}")


@app.command("settlement")
def import_settlement(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import an acquirer's QRIS settlement report."""
    try:
        result = _container().recon.imports.import_settlement(
            OPERATOR, path.read_bytes(), source=path.name
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"{result['batches']} batches, {result['new']} new")


@app.command("run")
def run(
    first: Annotated[str, typer.Option("--from")],
    last: Annotated[str, typer.Option("--to")],
    market: Annotated[str | None, typer.Option(help="omit for every market")] = None,
) -> None:
    """Match what is still open in [--from, --to]; safe to repeat."""
    try:
        s = _container().recon.matching.run(
            OPERATOR, market, _day(first, "--from"), _day(last, "--to")
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(
        f"run {s.run_id}: {s.matches} matches, {s.new_exceptions} new exceptions "
        f"({s.known_exceptions} known), {s.fees_posted} fee entries, "
        f"{s.auto_resolved} resolved by matching"
    )


@app.command("exceptions")
def exceptions(status: str = "open") -> None:
    table = Table("id", "type", "market", "amount", "age", "detail")
    try:
        rows = _container().recon.exceptions.list(OPERATOR, status=status, limit=500)
    except DomainError as error:
        raise _fail(error) from None
    for r in rows:
        table.add_row(
            r["id"],
            r["type"],
            r["market_code"] or "-",
            f"{r['amount']:,}",
            str(r["age_days"]),
            r["detail"],
        )
    console.print(table)


@app.command("close")
def close(market: Annotated[str, typer.Option()], day: Annotated[str, typer.Option()]) -> None:
    """Close a market's day (runs matching first, signs the digest); prints the report."""
    try:
        report = _container().recon.close.close(OPERATOR, market, _day(day, "--day"))
    except DomainError as error:
        raise _fail(error) from None
    console.print_json(data=report)


@app.command("report")
def report(
    name: Annotated[
        str, typer.Argument(help="daily-collection, realisation, exceptions-by-age, cashless-share")
    ],
    first: Annotated[str, typer.Option("--from")],
    last: Annotated[str, typer.Option("--to")],
    out: Annotated[
        Path | None, typer.Option(help="write .csv or .xlsx; else JSON on stdout")
    ] = None,
) -> None:
    try:
        rows = _container().recon.reports.build(
            OPERATOR, name, _day(first, "--from"), _day(last, "--to")
        )
    except DomainError as error:
        raise _fail(error) from None
    if out is None:
        console.print_json(data=rows)
        return
    fmt = out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("the file must end in .csv or .xlsx", param_hint="--out")
    out.write_bytes(render(rows, fmt, sheet=name)[0])
    console.print(f"{len(rows)} rows written to {out}")
