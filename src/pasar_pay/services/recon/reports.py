"""Reconciliation reports as plain rows (JSON as is; CSV and Excel are rendered by adapters):
daily collection per market and channel, monthly realisation vs target, exceptions by age,
cashless share per market."""

from __future__ import annotations

from datetime import date
from typing import Any

from pasar_pay.domain.access import Principal
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.services.ports import Clock
from pasar_pay.services.recon.common import visible_markets
from pasar_pay.services.recon_ports import ExceptionFilter, ReconUnitOfWorkFactory

AGE_BUCKETS = ((0, 1, "0-1"), (2, 7, "2-7"), (8, 30, "8-30"), (31, None, "31+"))
MAX_DAYS = 400
REPORTS = ("daily-collection", "realisation", "exceptions-by-age", "cashless-share")


class ReconReports:
    def __init__(self, uow_factory: ReconUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def build(self, caller: Principal, name: str, lo: date, hi: date) -> list[dict[str, Any]]:
        if name not in REPORTS:
            raise ValidationFailed("unknown report", code="report_unknown", known=REPORTS)
        if hi < lo or (hi - lo).days > MAX_DAYS:
            raise ValidationFailed(f"a report covers 1 to {MAX_DAYS} days", code="range_invalid")
        markets = visible_markets(caller)
        if name == "exceptions-by-age":
            return self._ages(markets, hi)
        with self._uow() as uow:
            rows = uow.recon.collections(markets, lo, hi, None)
            targets = uow.recon.targets(markets, lo.replace(day=1), hi)
        if name == "daily-collection":
            return _daily(rows)
        if name == "realisation":
            return _realisation(rows, targets)
        return _cashless(rows)

    def _ages(self, markets: frozenset[str] | None, as_of: date) -> list[dict[str, Any]]:
        counts: dict[tuple[str, str, str], list[int]] = {}
        with self._uow() as uow:
            after = None
            while True:
                page = uow.recon.exceptions(ExceptionFilter(markets, "open"), after, 1000)
                for r in page:
                    age = (as_of - r["as_of"]).days
                    bucket = next(
                        b for lo, hi, b in AGE_BUCKETS if age >= lo and (hi is None or age <= hi)
                    )
                    key = (r["market_code"] or "-", r["type"], bucket)
                    slot = counts.setdefault(key, [0, 0])
                    slot[0] += 1
                    slot[1] += int(r["amount"])
                if len(page) < 1000:
                    break
                after = page[-1]["id"]
        return [
            {"market": m, "type": t, "age_days": b, "count": c, "amount": a}
            for (m, t, b), (c, a) in sorted(counts.items())
        ]


def _daily(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sums: dict[tuple[str, date, str], list[int]] = {}
    for r in rows:
        slot = sums.setdefault((r["market"], r["day"], r["channel"]), [0, 0])
        slot[0] += 1
        slot[1] += r["amount"]
    return [
        {"market": m, "day": d.isoformat(), "channel": c, "payments": n, "amount": a}
        for (m, d, c), (n, a) in sorted(sums.items())
    ]


def _realisation(
    rows: list[dict[str, Any]], targets: dict[tuple[str, date], int]
) -> list[dict[str, Any]]:
    actual: dict[tuple[str, date], int] = {}
    for r in rows:
        key = (r["market"], r["day"].replace(day=1))
        actual[key] = actual.get(key, 0) + r["amount"]
    out = []
    for market, month in sorted(set(actual) | set(targets)):
        target = targets.get((market, month))
        got = actual.get((market, month), 0)
        out.append(
            {
                "market": market,
                "month": month.strftime("%Y-%m"),
                "collected": got,
                "target": target,  # None: no target loaded (figures come from the budget)
                # Basis points, integer: 10,000 = 100 % of the target.
                "realisation_bp": (got * 10_000 // target) if target else None,
            }
        )
    return out


def _cashless(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per: dict[str, list[int]] = {}
    for r in rows:
        slot = per.setdefault(r["market"], [0, 0])
        slot[0] += r["amount"]
        if r["channel"] != "cash":
            slot[1] += r["amount"]
    return [
        {
            "market": m,
            "total": total,
            "cashless": cashless,
            "cash": total - cashless,
            "cashless_share_bp": cashless * 10_000 // total if total else None,
        }
        for m, (total, cashless) in sorted(per.items())
    ]
