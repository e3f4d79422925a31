"""`pasar-pay banks ...` (counterparties, VAs) and `pasar-pay bank-sim ...` (the simulator)."""

from __future__ import annotations

import csv
import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

from pasar_pay.adapters.banks.snap_rsa import (
    generate_private_key,
    load_private_key,
    private_key_from_file,
    private_key_pem,
    public_key_pem,
)
from pasar_pay.config import Mode, load_settings
from pasar_pay.domain.errors import DomainError
from pasar_pay.entrypoints.bank_sim.client import BankIdentity, SnapBankClient
from pasar_pay.entrypoints.bank_sim.sim import BankSimulator, SimConfig
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.banking.counterparties import Registration
from pasar_pay.services.banking.ports import Counterparty

banks_app = typer.Typer(help="Banks and QRIS acquirers (SNAP counterparties)", no_args_is_help=True)
sim_app = typer.Typer(help="Bank simulator (a separate process, over HTTP)", no_args_is_help=True)
console = Console()


def _container() -> Container:
    return Container(load_settings())


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]{error.code}[/]: {error.message} {error.details or ''}")
    return typer.Exit(2)


@banks_app.command("register")
def register(
    code: str,
    name: Annotated[str, typer.Option()],
    partner_id: Annotated[str, typer.Option(help="X-PARTNER-ID")],
    client_key: Annotated[str, typer.Option(help="X-CLIENT-KEY")],
    public_key: Annotated[Path, typer.Option(help="the bank's RSA public key (PEM)")],
    secret_file: Annotated[Path, typer.Option(help="file holding the client secret")],
    va: Annotated[bool, typer.Option(help="VA bank")] = False,
    qris: Annotated[bool, typer.Option(help="QRIS acquirer")] = False,
    partner_service_id: str | None = None,
    channel_id: str | None = None,
    signature_mode: Annotated[str, typer.Option(help="hmac | rsa")] = "hmac",
    customer_no_length: int = 12,
    base_url: str | None = None,
) -> None:
    """Register a bank/acquirer. The secret is read from a file (never a CLI argument)."""
    try:
        _container().counterparties.register(
            Registration(
                Counterparty(
                    code,
                    name,
                    partner_id,
                    client_key,
                    partner_service_id,
                    channel_id,
                    signature_mode,
                    va,
                    qris,
                    customer_no_length,
                    base_url,
                ),
                client_secret=secret_file.read_text().strip(),
                public_key_pem=public_key.read_text(),
            )
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"registered {code}")


@banks_app.command("rotate")
def rotate(
    code: str,
    public_key: Annotated[Path | None, typer.Option()] = None,
    secret_file: Annotated[Path | None, typer.Option()] = None,
    overlap_hours: float = 24.0,
) -> None:
    """Rotate a bank's public key and/or client secret; old ones stay valid for the overlap."""
    try:
        _container().counterparties.rotate(
            code,
            client_secret=secret_file.read_text().strip() if secret_file else None,
            public_key_pem=public_key.read_text() if public_key else None,
            overlap=timedelta(hours=overlap_hours),
        )
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"rotated {code} (overlap {overlap_hours} h)")


@banks_app.command("list")
def list_banks() -> None:
    table = Table("code", "name", "partner id", "mode", "VA", "QRIS", "company code")
    for b in _container().counterparties.list():
        table.add_row(
            b["code"],
            b["name"],
            b["partner_id"],
            b["signature_mode"],
            str(b["va_bank"]),
            str(b["qris_acquirer"]),
            b["partner_service_id"] or "",
        )
    console.print(table)


@banks_app.command("issue-vas")
def issue_vas(
    bank: str,
    vendor: Annotated[list[str] | None, typer.Option(help="repeat; default: all vendors")] = None,
    out: Annotated[Path | None, typer.Option(help="write customer numbers (CSV)")] = None,
) -> None:
    """One reusable VA per vendor at BANK (idempotent)."""
    container = _container()
    vendors = vendor or _all_vendors(container)
    try:
        records = container.virtual_accounts.ensure_reusable(bank, vendors)
    except DomainError as error:
        raise _fail(error) from None
    if out:
        with out.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["vendor", "partner_service_id", "customer_no", "digits"])
            for r in records:
                writer.writerow([r.vendor_code, r.partner_service_id, r.customer_no, r.va_digits])
    console.print(f"{len(records)} virtual accounts at {bank}")


def _all_vendors(container: Container) -> list[str]:
    from sqlalchemy import select

    from pasar_pay.adapters.db.tables import vendors

    with container.uow() as uow:
        return [
            r.code for r in uow.connection.execute(select(vendors.c.code).order_by(vendors.c.code))
        ]


@banks_app.command("our-public-key")
def our_public_key() -> None:
    """pasar_pay's SNAP RSA public key (PEM), to give an acquirer for our outbound calls."""
    settings = load_settings()
    key = private_key_from_file(
        settings.effective_snap_key_path, create=settings.mode is not Mode.PRODUCTION
    )
    typer.echo(public_key_pem(key), nl=False)


@banks_app.command("exceptions")
def exceptions() -> None:
    """Bank events that need a manager's review (paid twice, late money, unattributed)."""
    with _container().uow() as uow:
        for row in uow.banks.exceptions("open"):
            console.print(json.dumps(row, default=str))


@sim_app.command("keygen")
def keygen(directory: Path, code: str = "SIMBANK") -> None:
    """Make the simulated bank's RSA key pair and client secret (register them with `banks`)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    (directory / f"{code}.key.pem").write_text(private_key_pem(key))
    (directory / f"{code}.pub.pem").write_text(public_key_pem(key))
    (directory / f"{code}.secret").write_text(secrets.token_urlsafe(32))
    console.print(f"keys for {code} in {directory}")


@sim_app.command("run")
def run(
    base_url: Annotated[str, typer.Option()],
    keys: Annotated[Path, typer.Option(help="directory from keygen")],
    vas: Annotated[Path, typer.Option(help="CSV from `banks issue-vas --out`")],
    code: str = "SIMBANK",
    partner_id: str = "sim-partner",
    client_key: str = "sim-client",
    signature_mode: str = "hmac",
    prefix: str = "/snap",
    duplicate_rate: float = 0.3,
    lose_rate: float = 0.0,
    timeout: float = 5.0,
    seed: int = 7,
    report: Annotated[Path | None, typer.Option(help="JSON report of acked payments")] = None,
    statements: Annotated[Path | None, typer.Option(help="directory for MT940 + CSV")] = None,
) -> None:
    """A simulated market day: inquire and pay every VA, with duplicates/reordering/retries."""
    ident = BankIdentity(
        code=code,
        partner_id=partner_id,
        client_key=client_key,
        client_secret=(keys / f"{code}.secret").read_text().strip(),
        private_key=load_private_key((keys / f"{code}.key.pem").read_text()),
        signature_mode=signature_mode,
    )
    with open(vas, newline="") as handle:
        rows = list(csv.DictReader(handle))
    psid = rows[0]["partner_service_id"] if rows else ""
    with httpx.Client(base_url=base_url, timeout=timeout) as http:
        client = SnapBankClient(http, ident, prefix=prefix)
        sim = BankSimulator(
            client, SimConfig(duplicate_rate=duplicate_rate, lose_rate=lose_rate, seed=seed)
        )
        deliveries = sim.va_day(psid, [r["customer_no"] for r in rows])
        result = sim.deliver(deliveries)
    console.print(
        f"payments {len(deliveries)}, acked {len(result.acked)}, refused "
        f"{len(result.refused)}, unacked {len(result.unacked)}, "
        f"sent {result.sent}, duplicates {result.duplicates}"
    )
    if report:
        report.write_text(
            json.dumps(
                {
                    "acked": result.acked,
                    "refused": result.refused,
                    "unacked": sorted(result.unacked),
                },
                indent=1,
            )
        )
    if statements:
        statements.mkdir(parents=True, exist_ok=True)
        day = datetime.now(UTC).strftime("%y%m%d")
        result.write_mt940(statements / f"{code}_{day}.sta", account="0011223344", day=day)
        result.write_csv(statements / f"{code}_{day}.csv")
    if result.unacked:
        raise typer.Exit(1)


# market-day, load and acquirer live in run_cli (kept apart so this file stays small)
from pasar_pay.entrypoints.bank_sim.run_cli import register_commands  # noqa: E402

register_commands(sim_app)
