"""Reports: arrears aging, collection per channel, occupancy; JSON or CSV (`?format=csv`)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from pasar_pay.entrypoints.api.access import Staff, container_of
from pasar_pay.services.reports import Report

router = APIRouter(prefix="/reports", tags=["reports"])

Format = Annotated[Literal["json", "csv"], Query(description="csv: the rows as a CSV file")]


def _render(report: Report, fmt: str) -> Any:
    if fmt == "json":
        return report.as_json()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(report.columns), lineterminator="\r\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: row.get(k) for k in report.columns})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{report.name}.csv"'},
    )


@router.get("/arrears-aging", response_model=None)
def arrears_aging(
    request: Request,
    caller: Staff,
    by: Literal["market", "vendor"] = "market",
    market: str | None = None,
    as_of: date | None = None,
    format: Format = "json",
) -> Any:
    """Owed amounts in buckets of days past due (not_due, 0-30, 31-60, 61-90, >90)."""
    report = container_of(request).reports.aging(caller, by=by, market=market, as_of=as_of)
    return _render(report, format)


@router.get("/collection", response_model=None)
def collection(
    request: Request,
    caller: Staff,
    from_: Annotated[date, Query(alias="from")],
    to: date,
    market: str | None = None,
    format: Format = "json",
) -> Any:
    """Money in per market, Jakarta day and channel; summary with the cashless shares."""
    report = container_of(request).reports.collection(caller, first=from_, last=to, market=market)
    return _render(report, format)


@router.get("/occupancy", response_model=None)
def occupancy(
    request: Request,
    caller: Staff,
    market: str | None = None,
    as_of: date | None = None,
    expiring_within_days: Annotated[int, Query(ge=0, le=3660)] = 30,
    format: Format = "json",
) -> Any:
    """Stalls per status (active, vacant, damaged, closed, sealed), held, SHPs expiring."""
    report = container_of(request).reports.occupancy(
        caller, market=market, as_of=as_of, expiring_within_days=expiring_within_days
    )
    return _render(report, format)
