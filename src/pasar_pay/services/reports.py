"""Reports for managers (their markets) and the finance office (all): arrears aging,
collection per market, day and channel with the cashless share, and occupancy.

Each report is a list of flat rows (the CSV export writes them as they are) plus, where useful,
a per-market summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.aging import BUCKETS, LABELS
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.registry.model import StallStatus
from pasar_pay.services.digest import JAKARTA
from pasar_pay.services.ports import Clock, UnitOfWorkFactory

MAX_COLLECTION_DAYS = 366
MAX_HORIZON_DAYS = 3660
CASH = "cash"


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    summary: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "report": self.name,
            "parameters": self.parameters,
            "columns": list(self.columns),
            "rows": self.rows,
        }
        if self.summary:
            body["summary"] = self.summary
        return body


def _percent(part: int, whole: int) -> str | None:
    """A share as a string with two decimals (exact: integer arithmetic, half up)."""
    if whole <= 0:
        return None
    hundredths = (part * 10_000 * 2 + whole) // (whole * 2)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


class ReportService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def today(self) -> date:
        return self._clock().astimezone(JAKARTA).date()

    @staticmethod
    def _scope(caller: Principal, market: str | None) -> frozenset[str] | None:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        if market is not None:
            caller.require_market(market)  # 404 outside the caller's markets
            return frozenset({market})
        return None if caller.city_wide else caller.markets

    # -- arrears aging ------------------------------------------------------------------------
    def aging(
        self,
        caller: Principal,
        *,
        by: str = "market",
        market: str | None = None,
        as_of: date | None = None,
    ) -> Report:
        """What bills still owe, by days past their due date on `as_of` (default today)."""
        if by not in ("market", "vendor"):
            raise ValidationFailed("by must be market or vendor", code="report_invalid")
        markets = self._scope(caller, market)
        day = as_of or self.today()
        ranges = [(b.label, *b.due_range(day)) for b in BUCKETS]
        with self._uow() as uow:
            found = uow.reports.aging(markets, ranges, by_vendor=by == "vendor")
        grouped: dict[tuple[str, str | None], dict[str, Any]] = {}
        for row in found:
            key = (row.market, row.vendor)
            out = grouped.setdefault(key, self._aging_row(row.market, row.vendor, by))
            out[row.bucket] += row.owed
            out["total_owed"] += row.owed
            out["overdue"] += row.owed if row.bucket != "not_due" else 0
            out["bills"] += row.bills
        columns = ("market", *(("vendor",) if by == "vendor" else ()), *LABELS)
        return Report(
            name=f"arrears_aging_by_{by}",
            columns=(*columns, "overdue", "total_owed", "bills"),
            rows=[grouped[k] for k in sorted(grouped, key=lambda k: (k[0], k[1] or ""))],
            parameters={"as_of": day.isoformat(), "by": by, "market": market},
        )

    @staticmethod
    def _aging_row(market: str, vendor: str | None, by: str) -> dict[str, Any]:
        row: dict[str, Any] = {"market": market}
        if by == "vendor":
            row["vendor"] = vendor
        row.update({label: 0 for label in LABELS})
        row.update({"overdue": 0, "total_owed": 0, "bills": 0})
        return row

    # -- collection ---------------------------------------------------------------------------
    def collection(
        self,
        caller: Principal,
        *,
        first: date,
        last: date,
        market: str | None = None,
    ) -> Report:
        """Money in per market, Jakarta day and channel (from each payment entry's channel)."""
        if last < first or (last - first).days >= MAX_COLLECTION_DAYS:
            raise ValidationFailed(
                "a collection report covers 1 to 366 days", code="report_period_invalid"
            )
        markets = self._scope(caller, market)
        start = datetime.combine(first, time(0), JAKARTA)
        end = datetime.combine(last + timedelta(days=1), time(0), JAKARTA)
        with self._uow() as uow:
            found = uow.reports.collections(markets, start, end)
            vendors = uow.reports.paying_vendors(markets, start, end)
        rows = [
            {
                "market": r.market,
                "day": r.day.isoformat(),
                "channel": r.channel,
                "cashless": r.channel != CASH,
                "amount": r.amount,
                "payments": r.payments,
            }
            for r in found
        ]
        totals: dict[str, dict[str, int]] = {}
        for r in found:
            t = totals.setdefault(r.market, {"amount": 0, "cash": 0, "payments": 0})
            t["amount"] += r.amount
            t["payments"] += r.payments
            t["cash"] += r.amount if r.channel == CASH else 0
        summary = []
        for name in sorted(totals):
            t = totals[name]
            paying, cashless = vendors.get(name, (0, 0))
            summary.append(
                {
                    "market": name,
                    "amount": t["amount"],
                    "payments": t["payments"],
                    "cash": t["cash"],
                    "cashless": t["amount"] - t["cash"],
                    "cashless_amount_percent": _percent(t["amount"] - t["cash"], t["amount"]),
                    "vendors_paying": paying,
                    "vendors_paying_cashless": cashless,
                    "cashless_vendor_percent": _percent(cashless, paying),
                }
            )
        return Report(
            name="collection",
            columns=("market", "day", "channel", "cashless", "amount", "payments"),
            rows=rows,
            summary=summary,
            parameters={"from": first.isoformat(), "to": last.isoformat(), "market": market},
        )

    # -- occupancy ----------------------------------------------------------------------------
    def occupancy(
        self,
        caller: Principal,
        *,
        market: str | None = None,
        as_of: date | None = None,
        expiring_within_days: int = 30,
    ) -> Report:
        """Stalls per status, stalls held under an SHP, SHPs expiring soon or already expired."""
        if not 0 <= expiring_within_days <= MAX_HORIZON_DAYS:
            raise ValidationFailed("expiring_within_days must be 0 to 3660", code="report_invalid")
        markets = self._scope(caller, market)
        day = as_of or self.today()
        with self._uow() as uow:
            statuses = uow.reports.stall_statuses(markets)
            validity = uow.reports.placement_validity(
                markets, day, day + timedelta(days=expiring_within_days)
            )
        names = sorted({m for m, _ in statuses} | set(validity))
        rows = []
        for name in names:
            row: dict[str, Any] = {"market": name}
            for status in StallStatus:
                row[status.value] = statuses.get((name, status.value), 0)
            row["stalls"] = sum(row[s.value] for s in StallStatus)
            held, expiring, expired = validity.get(name, (0, 0, 0))
            row.update(
                {
                    "held": held,
                    "occupancy_percent": _percent(held, row["stalls"]),
                    "shp_expiring": expiring,
                    "shp_expired": expired,
                }
            )
            rows.append(row)
        return Report(
            name="occupancy",
            columns=(
                "market",
                *(s.value for s in StallStatus),
                "stalls",
                "held",
                "occupancy_percent",
                "shp_expiring",
                "shp_expired",
            ),
            rows=rows,
            parameters={
                "as_of": day.isoformat(),
                "expiring_within_days": expiring_within_days,
                "market": market,
            },
        )
