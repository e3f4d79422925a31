"""The `pasar-pay` command line: database, fixtures, keys, ledger checks, serving."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pasar_pay.adapters.crypto.ed25519 import Ed25519Checker
from pasar_pay.adapters.db import migrate
from pasar_pay.adapters.fixtures import read_markets
from pasar_pay.config import load_settings
from pasar_pay.domain.access import Role
from pasar_pay.domain.errors import DomainError
from pasar_pay.entrypoints.bank_sim import cli as bank_cli
from pasar_pay.entrypoints.cli import billing as billing_cli
from pasar_pay.entrypoints.cli import demo
from pasar_pay.entrypoints.cli import orders as orders_cli
from pasar_pay.entrypoints.cli import qris as qris_cli
from pasar_pay.entrypoints.cli import recon as recon_cli
from pasar_pay.entrypoints.wiring import Container

app = typer.Typer(help="pasar_pay: Surakarta market payments", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations", no_args_is_help=True)
keys_app = typer.Typer(help="API keys", no_args_is_help=True)
ledger_app = typer.Typer(help="Ledger integrity", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(ledger_app, name="ledger")
app.add_typer(demo.app, name="demo")
app.add_typer(billing_cli.app, name="billing")
app.add_typer(bank_cli.banks_app, name="banks")
app.add_typer(bank_cli.sim_app, name="bank-sim")
app.add_typer(qris_cli.app, name="qris")
app.add_typer(recon_cli.app, name="recon")
app.add_typer(orders_cli.app, name="orders")
console = Console()


def _container() -> Container:
    return Container(load_settings())


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the configured database up to REVISION (default: head)."""
    settings = load_settings()
    migrate.upgrade(settings.effective_database_url, revision)
    console.print(f"database at [bold]{revision}[/]: {settings.effective_database_url}")


@db_app.command("downgrade")
def db_downgrade(revision: str = "base") -> None:
    """Migrate the configured database down to REVISION (default: base; drops everything)."""
    migrate.downgrade(load_settings().effective_database_url, revision)
    console.print(f"database at [bold]{revision}[/]")


@app.command("load-fixtures")
def load_fixtures(path: Annotated[Path | None, typer.Option(help="markets CSV")] = None) -> None:
    """Load the real market fixtures and open their ledger accounts (safe to repeat)."""
    records = read_markets(path)
    created = _container().markets.load(records)
    console.print(f"{len(records)} markets loaded ({created} new)")


@keys_app.command("create-finance")
def create_finance(label: str = "finance office") -> None:
    """Create a city-wide finance key. The token is printed once; only its hash is stored."""
    issued = _container().keys.issue(Role.FINANCE, label=label)
    console.print(f"finance key {issued.id}")
    print(issued.token)


@keys_app.command("issue")
def issue_key(
    role: Role,
    label: str,
    market: Annotated[list[str] | None, typer.Option(help="repeat for several")] = None,
    vendor: str | None = None,
    bank: str | None = None,
) -> None:
    """Issue a key for ROLE bound to markets, a vendor or a bank as the role requires."""
    try:
        issued = _container().keys.issue(
            role,
            label=label,
            markets=frozenset(market or []),
            vendor_code=vendor,
            bank_code=bank,
        )
    except DomainError as error:
        console.print(f"[red]{error.code}[/]: {error.message}")
        raise typer.Exit(2) from None
    console.print(f"{role.value} key {issued.id}")
    print(issued.token)


@keys_app.command("revoke")
def revoke_key(key_id: str) -> None:
    _container().keys.revoke(key_id, by=None)
    console.print(f"revoked {key_id}")


@ledger_app.command("verify")
def verify(
    full: Annotated[
        bool, typer.Option(help="from genesis instead of the last verified head")
    ] = False,
    chain: str | None = None,
) -> None:
    """Check the hash chains; exits 1 and names the first broken sequence number."""
    reports = _container().verifier.verify(full=full, chain=chain)
    table = Table("chain", "checked", "head seq", "result")
    broken = False
    for report in reports:
        if report.broken:
            broken = True
            result = f"[red]BROKEN at seq {report.broken.seq}: {report.broken.reason}[/]"
        else:
            result = "[green]ok[/]"
        table.add_row(report.chain, str(report.checked), str(report.head_seq), result)
    console.print(table)
    if broken:
        raise typer.Exit(1)


@ledger_app.command("publish-digest")
def publish_digest(day: Annotated[str, typer.Argument(help="YYYY-MM-DD (Jakarta day)")]) -> None:
    """Sign every chain head at the end of DAY with the Ed25519 digest key."""
    digest = _container().digests.publish(date.fromisoformat(day))
    print(digest.document)
    console.print(f"signature: {digest.signature}")


@ledger_app.command("verify-digest")
def verify_digest(
    day: str,
    public_key: Annotated[
        Path | None, typer.Option(help="PEM file; default: the stored one")
    ] = None,
) -> None:
    """Check a day's digest signature with the public key; exits 1 if it does not verify."""
    digest = _container().digests.get(date.fromisoformat(day))
    pem = public_key.read_text() if public_key else digest.public_key
    if Ed25519Checker().verify(pem, digest.document.encode(), digest.signature):
        console.print("[green]signature valid[/]")
        return
    console.print("[red]signature INVALID[/]")
    raise typer.Exit(1)


@ledger_app.command("expire-holds")
def expire_holds() -> None:
    """Void every pending hold past its expiry."""
    console.print(f"{_container().ledger.expire_holds()} holds voided")


@app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API, its docs and the web pages."""
    import uvicorn

    from pasar_pay.entrypoints.api.app import create_app

    uvicorn.run(create_app(), host=host, port=port)


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
