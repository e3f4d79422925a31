"""Load mode: many signed callbacks, fast, from files an operator (or scripts/bench_bank)
prepared: VA payments spread over the VAs of `vas.csv` (partial amounts, so every payment
books), and QRIS success notifications for the intents of `intents.csv`."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from pasar_pay.entrypoints.bank_sim.client import notify_body, payment_body
from pasar_pay.entrypoints.bank_sim.sim import Delivery


def read_vas(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_intents(path: Path) -> list[tuple[str, str, int]]:
    """(reference, acquirer reference or "", amount) from a CSV with those three columns."""
    with path.open(newline="") as handle:
        return [
            (r["reference"], r.get("acquirer_reference", ""), int(r["amount"]))
            for r in csv.DictReader(handle)
        ]


def write_intents(rows: list[tuple[str, str, int]], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "acquirer_reference", "amount"])
        writer.writerows(rows)


def va_payments(
    vas: list[dict[str, str]], count: int, amount: int, *, run: str, seed: int = 7
) -> list[Delivery]:
    """`count` unique payments of `amount`, round-robin over the VAs (no inquiry first)."""
    rng = random.Random(seed)
    out: list[Delivery] = []
    for n in range(count):
        va = vas[n % len(vas)]
        request_id = f"{run}{n:07d}{rng.randrange(10**6):06d}"
        body = payment_body(va["partner_service_id"], va["customer_no"], request_id, amount)
        out.append(Delivery(request_id, body, amount))
    return out


def qris_notifications(intents: list[tuple[str, str, int]], *, run: str) -> list[Delivery]:
    out: list[Delivery] = []
    for n, (reference, acquirer_ref, amount) in enumerate(intents):
        ref = acquirer_ref or f"{run}Q{n:07d}"
        out.append(
            Delivery(ref, notify_body(ref, reference, amount, "00"), amount, service="notify")
        )
    return out
