"""The simulated bank day: inquiries and payments for VAs, QRIS notifications, with retries,
duplicates, reordering and lost callbacks, over real HTTP; a ledger of what was acknowledged.

`acked` holds payment ids pasar_pay acknowledged with 2xx; `unacked` those still owed a
delivery (timeouts, 5xx, connection refused). `run_until_delivered` keeps retrying them, so a
server killed mid-run and restarted ends with every payment delivered exactly once.
"""

from __future__ import annotations

import csv
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from pasar_pay.entrypoints.bank_sim.client import (
    SnapBankClient,
    inquiry_body,
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


@dataclass
class Delivery:
    payment_id: str
    body: dict[str, Any]
    amount: int
    attempts: int = 0


@dataclass
class SimReport:
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    unacked: set[str] = field(default_factory=set)
    sent: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)

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
        while pending and rounds < self.config.max_attempts:
            rounds += 1
            retry: list[Delivery] = []
            for d in pending:
                if self._lost(d):
                    retry.append(d)
                    continue
                body = {**d.body, "flagAdvise": "Y" if d.attempts else "N"}
                d.attempts += 1
                response = self._post(lambda b=body: self.client.payment(b))
                if response is None or response.status_code >= 500:
                    retry.append(d)
                    continue
                data = response.json()
                if response.status_code == 200:
                    self.report.acked.setdefault(d.payment_id, data)
                else:
                    self.report.refused.setdefault(d.payment_id, data["responseCode"])
                self.report.unacked.discard(d.payment_id)
            pending = retry
            if pending:
                time.sleep(min(2.0, self.config.backoff * 2**rounds))
        return self.report

    def _lost(self, d: Delivery) -> bool:
        """The first delivery of a callback is dropped (the bank retries it as advice)."""
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
            self.report.sent += 1
        self.report.latencies.append(time.perf_counter() - started)
        return response
