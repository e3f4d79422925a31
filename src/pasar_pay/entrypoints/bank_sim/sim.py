"""The simulated bank day: inquiries and payments for VAs, QRIS notifications, with retries,
duplicates, reordering and lost callbacks, over real HTTP; a ledger of what was acknowledged.

`acked` holds payment ids pasar_pay acknowledged with 2xx; `unacked` those still owed a
delivery (timeouts, 5xx, connection refused). `deliver` keeps retrying them with backoff, so a
server killed mid-run and restarted ends with every payment delivered exactly once. With
`workers` > 1 deliveries go out concurrently (load mode); `latencies` feed the percentiles.
"""

from __future__ import annotations

import csv
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pasar_pay.entrypoints.bank_sim.client import (
    SnapBankClient,
    inquiry_body,
    notify_body,
    payment_body,
)


@dataclass
class SimConfig:
    duplicate_rate: float = 0.3
    reorder: bool = True
    lose_rate: float = 0.0  # callbacks "lost" on first try (retried later as advice)
    max_attempts: int = 50
    backoff: float = 0.05
    seed: int = 7
    workers: int = 1  # concurrent deliveries (load mode)
    late_pending_rate: float = 0.0  # QRIS: a stale "pending" also sent after the success
    pace: float = 0.0  # seconds between deliveries (a demo stream a person can watch)


@dataclass
class Delivery:
    payment_id: str
    body: dict[str, Any]
    amount: int
    attempts: int = 0
    service: str = "payment"  # payment (VA, 25) | notify (QRIS, 52)
    books: bool = True  # False for a QRIS "pending" status: acknowledged, books nothing


@dataclass
class SimReport:
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    unacked: set[str] = field(default_factory=set)
    sent: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    def percentile(self, q: float) -> float:
        """Latency in ms at quantile `q` (nearest rank) of every answered request."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))
        return ordered[rank] * 1000

    def summary(self) -> str:
        rate = len(self.acked) / self.elapsed if self.elapsed else 0.0
        return (
            f"acked {len(self.acked)}, refused {len(self.refused)}, unacked "
            f"{len(self.unacked)}, requests {self.sent} (duplicates {self.duplicates}), "
            f"{rate:.0f} acked/s, p50 {self.percentile(0.5):.1f} ms, "
            f"p95 {self.percentile(0.95):.1f} ms, p99 {self.percentile(0.99):.1f} ms"
        )

    def write_csv(self, path: Path) -> None:
        """A bank CSV statement of the credited (acknowledged) payments."""
        with path.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["PAYMENT_REQUEST_ID", "CURRENCY", "PAID_AMOUNT", "STATUS"])
            for pid, body in sorted(self.acked.items()):
                data = body.get("virtualAccountData", {})
                out.writerow([pid, "IDR", data.get("paidAmount", {}).get("value", ""), "CR"])

    def write_mt940(self, path: Path, account: str, day: str) -> None:
        """MT940 end-of-day statement (decimal comma amounts, one :61: per credit)."""
        total = 0
        lines = [":20:PASARSIM", f":25:{account}", ":28C:1/1", f":60F:C{day}IDR0,00"]
        for pid, body in sorted(self.acked.items()):
            value = body.get("virtualAccountData", {}).get("paidAmount", {}).get("value", "0.00")
            rupiah = int(value.split(".")[0])
            total += rupiah
            lines.append(f":61:{day}C{rupiah},00NTRF{pid[-16:]}")
            lines.append(f":86:VA PAYMENT {pid}")
        lines.append(f":62F:C{day}IDR{total},00")
        path.write_text("\n".join(lines) + "\n")


class BankSimulator:
    def __init__(self, client: SnapBankClient, config: SimConfig) -> None:
        self.client = client
        self.config = config
        self.rng = random.Random(config.seed)
        self.report = SimReport()
        self._lock = threading.Lock()

    def va_day(self, psid: str, vas: list[str], *, prefix: str = "SIM") -> list[Delivery]:
        """One inquiry per VA; pay what it shows. Returns the payments still to deliver."""
        deliveries: list[Delivery] = []
        for index, customer_no in enumerate(vas):
            request_id = f"{prefix}{index:06d}{self.rng.randrange(10**8):08d}"
            response = self._post(
                lambda c=customer_no, r=request_id: self.client.inquiry(inquiry_body(psid, c, r))
            )
            if response is None or response.status_code != 200:
                continue
            total = int(response.json()["virtualAccountData"]["totalAmount"]["value"][:-3])
            body = payment_body(psid, customer_no, request_id, total)
            deliveries.append(Delivery(request_id, body, total))
        return deliveries

    def qris_day(
        self, intents: list[tuple[str, str, int]], *, prefix: str = "SIMQR"
    ) -> list[Delivery]:
        """One payment per (partner reference, acquirer reference or "", amount): a pending
        notification then the success, plus a late stale "pending" at `late_pending_rate`."""
        deliveries: list[Delivery] = []
        for index, (reference, acquirer_ref, amount) in enumerate(intents):
            ref = acquirer_ref or f"{prefix}{index:06d}{self.rng.randrange(10**8):08d}"
            pending = notify_body(ref, reference, amount, "03")
            deliveries.append(Delivery(ref + ":03", pending, amount, service="notify", books=False))
            paid = notify_body(ref, reference, amount, "00")
            deliveries.append(Delivery(ref, paid, amount, service="notify"))
            if self.rng.random() < self.config.late_pending_rate:
                late = Delivery(ref + ":03late", pending, amount, service="notify", books=False)
                deliveries.append(late)
        return deliveries

    def deliver(self, deliveries: list[Delivery]) -> SimReport:
        queue = list(deliveries)
        queue += [d for d in deliveries if self.rng.random() < self.config.duplicate_rate]
        self.report.duplicates += len(queue) - len(deliveries)
        if self.config.reorder:
            self.rng.shuffle(queue)
        for d in deliveries:
            self.report.unacked.add(d.payment_id)
        pending = queue
        rounds = 0
        started = time.perf_counter()
        workers = max(1, self.config.workers)
        with ThreadPoolExecutor(workers) as pool:
            while pending and rounds < self.config.max_attempts:
                rounds += 1
                outcomes = (
                    pool.map(self._deliver_one, pending)
                    if workers > 1
                    else map(self._deliver_one, pending)
                )
                pending = [d for d, done in zip(pending, outcomes, strict=True) if not done]
                if pending:
                    time.sleep(min(2.0, self.config.backoff * 2**rounds))
        self.report.elapsed += time.perf_counter() - started
        return self.report

    def _deliver_one(self, d: Delivery) -> bool:
        """One attempt; True when pasar_pay answered (2xx or a refusal), False to retry."""
        if self._lost(d):
            return False
        if self.config.pace:
            time.sleep(self.config.pace)
        with self._lock:
            first = d.attempts == 0
            d.attempts += 1
        if d.service == "notify":
            response = self._post(lambda b=d.body: self.client.qr_notify(b))
        else:
            body = {**d.body, "flagAdvise": "N" if first else "Y"}
            response = self._post(lambda b=body: self.client.payment(b))
        if response is None or response.status_code >= 500:
            return False
        data = response.json()
        with self._lock:
            if response.status_code == 200:
                self.report.acked.setdefault(d.payment_id, data)
            else:
                self.report.refused.setdefault(d.payment_id, data["responseCode"])
            self.report.unacked.discard(d.payment_id)
        return True

    def _lost(self, d: Delivery) -> bool:
        """The first delivery of a callback is dropped (the bank retries it as advice)."""
        with self._lock:
            if d.attempts == 0 and self.rng.random() < self.config.lose_rate:
                d.attempts = 1
                return True
        return False

    def _post(self, call: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response: httpx.Response = call()
        except (httpx.TimeoutException, httpx.TransportError):
            return None
        finally:
            with self._lock:
                self.report.sent += 1
        with self._lock:
            self.report.latencies.append(time.perf_counter() - started)
        return response
