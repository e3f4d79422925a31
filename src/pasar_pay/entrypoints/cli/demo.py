"""Demo data for `scripts/serve`: keys for every role, bills and a payment on SYNTHETIC data.

Everything here is fictitious and labelled `synthetic`; it is safe to run repeatedly.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import typer
from rich.console import Console

from pasar_pay.config import load_settings
from pasar_pay.domain.access import Role
from pasar_pay.domain.billing.periods import month_end
from pasar_pay.domain.money import format_rupiah
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.api_keys import Unauthenticated
from pasar_pay.services.cash import ReceiptIn
from pasar_pay.services.digest import JAKARTA
from pasar_pay.services.ports import StallFilter

app = typer.Typer(help="Synthetic demo data", no_args_is_help=True)
console = Console()

DEMO_MARKET = "PSR-GEDE"


def _demo_vendor(container: Container) -> str:
    """A synthetic vendor holding a stall in the demo market (from `demo registry`)."""
    with container.uow() as uow:
        for stall in uow.registry.list_stalls(StallFilter(market=DEMO_MARKET), None, 50):
            holder = uow.registry.active_placement(stall.code)
            if holder is not None:
                return holder.vendor_code
    raise typer.BadParameter("run `pasar-pay demo registry` first")


def _bindings(vendor: str) -> dict[str, dict[str, object]]:
    return {
        "finance": {"role": Role.FINANCE},
        "manager": {"role": Role.MANAGER, "markets": frozenset({DEMO_MARKET})},
        "collector": {"role": Role.COLLECTOR, "markets": frozenset({DEMO_MARKET})},
        "vendor": {"role": Role.VENDOR, "vendor_code": vendor},
        "shopper": {"role": Role.SHOPPER},
        "bank": {"role": Role.BANK, "bank_code": "BNI"},
    }


@app.command("registry")
def registry(seed: int = 2026) -> None:
    """Generate the SYNTHETIC registry (~16,000 stalls, ~13,500 vendors) and load it."""
    from pasar_pay.domain.registry.demo import MarketSize, generate

    container = Container(load_settings())
    markets = container.registry.markets_for_demo()
    demo = generate([MarketSize(m.code, m.stalls_estimate) for m in markets], seed=seed)
    stalls, vendors = container.registry.load_demo(demo)
    console.print(
        f"synthetic registry: {len(demo.stalls)} stalls ({stalls} new), "
        f"{len(demo.vendors)} vendors ({vendors} new), seed {seed}"
    )


def _bill_and_pay(container: Container, vendor: str, collector_token: str) -> None:
    """Real flows on synthetic data: bill last month and this one for every stall (idempotent),
    then the demo vendor pays last month's bill in cash to the demo collector (same receipt id
    on every run, so it is booked once)."""
    today = container.clock().astimezone(JAKARTA).date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    container.billing.seed_tariffs()
    run = container.billing.run(None, last_month, month_end(this_month))
    console.print(
        f"billing {last_month:%B} and {this_month:%B %Y}: {run.created} new bills "
        f"({format_rupiah(run.amount)}) for {run.considered} stalls"
    )
    collector = container.keys.authenticate(collector_token)
    bills, _ = container.bills.bills(
        collector, vendor=vendor, market=DEMO_MARKET, open_only=False, cursor=None, limit=1
    )
    if not bills:
        return
    oldest = bills[0]
    receipt = ReceiptIn(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"pasar-pay-demo:{oldest['id']}")),
        receipt_no=f"DEMO-{oldest['period_start'].replace('-', '')}",
        vendor=vendor,
        amount=int(oldest["amount"]),
        collected_at=container.clock(),
    )
    _, replayed = container.cash.record_receipt(collector, receipt)
    console.print(
        f"vendor {vendor} paid {oldest['id']} in cash (receipt {receipt.receipt_no})"
        + (" (already booked)" if replayed else "")
    )


@app.command("seed")
def seed() -> None:
    """Create (or reuse) demo keys, bill every stall, and book one cash payment."""
    container = Container(load_settings())
    vendor = _demo_vendor(container)
    path = container.settings.data_dir / "demo-keys.json"
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    for name, binding in _bindings(vendor).items():
        token = saved.get(name)
        if token:
            try:
                container.keys.authenticate(token)
                continue
            except Unauthenticated:
                pass
        issued = container.keys.issue(label=f"demo {name} (synthetic)", **binding)  # type: ignore[arg-type]
        saved[name] = issued.token
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=2))
    path.chmod(0o600)

    _bill_and_pay(container, vendor, saved["collector"])
    console.print(f"demo keys in {path} (synthetic data, development only); vendor {vendor}")
    for name, token in saved.items():
        print(f"  {name:<10} {token}")
