"""Demo data for `scripts/serve`: keys for every role and a little SYNTHETIC ledger activity.

Everything here is fictitious and labelled `synthetic`; it is safe to run repeatedly.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer
from rich.console import Console

from pasar_pay.config import load_settings
from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Role
from pasar_pay.domain.accounts import Side
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.api_keys import Unauthenticated
from pasar_pay.services.idempotency import IdempotencyKey
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


@app.command("seed")
def seed() -> None:
    """Create (or reuse) demo keys and post a synthetic charge and payment."""
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

    receivable = chart.market_receivable(DEMO_MARKET, vendor).code
    now = datetime.now(UTC)
    synthetic = {"synthetic": "true"}
    charge = EntryDraft(
        kind=EntryKind.STANDARD,
        effective_at=now,
        chain=DEMO_MARKET,
        metadata=synthetic,
        description="SYNTHETIC demo: monthly retribution, kios 9 m2",
        reference="DEMO-BILL-1",
        postings=(
            Posting(receivable, Side.DEBIT, 215_670),
            Posting(chart.retribution_revenue(DEMO_MARKET).code, Side.CREDIT, 215_670),
        ),
    )
    payment = EntryDraft(
        kind=EntryKind.STANDARD,
        effective_at=now,
        chain=DEMO_MARKET,
        metadata=synthetic,
        description="SYNTHETIC demo: payment by BNI virtual account",
        reference="DEMO-BILL-1",
        postings=(
            Posting(chart.bank_clearing(DEMO_MARKET, "BNI").code, Side.DEBIT, 215_670),
            Posting(receivable, Side.CREDIT, 215_670),
        ),
    )
    for key, draft in (("demo-charge-1", charge), ("demo-payment-1", payment)):
        container.ledger.post(draft, idem=IdempotencyKey("demo", key), request={"demo": key})
    console.print(f"demo keys in {path} (synthetic data, development only); vendor {vendor}")
    for name, token in saved.items():
        print(f"  {name:<10} {token}")
