"""Reconciliation API: statement accounts and fee rules (finance), statement and settlement
uploads, matching runs, the exception workflow, daily closes and reports.

Uploads are the raw file as the request body (MT940 or CSV), so the bytes imported are the
bytes the bank sent. Repeating an upload or a run changes nothing (idempotent by content);
a workflow step that already happened answers 409 with the exception's current status.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field

from pasar_pay.adapters.rendering.recon_export import render
from pasar_pay.domain.access import Principal
from pasar_pay.entrypoints.api.access import Finance, Staff, container_of, only_query
from pasar_pay.entrypoints.api.schemas import Strict
from pasar_pay.services.idempotency import IdempotencyKey
from pasar_pay.services.recon_ports import FeeRuleRecord, ReconAccount

router = APIRouter(tags=["reconciliation"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=120)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]*$")]


class AccountIn(Strict):
    bank: Code
    account_no: Annotated[str, Field(min_length=1, max_length=34, pattern=r"^[0-9A-Za-z-]+$")]
    market: Code | None = None
    csv_format: Annotated[str | None, Field(max_length=40)] = None
    label: Annotated[str, Field(min_length=1, max_length=200)]


class FeeRuleIn(Strict):
    mdr_bp: Annotated[int, Field(ge=0, le=10_000, description="basis points; 0 allowed")]
    flat_fee: Annotated[int, Field(ge=0)] = 0
    free_up_to: Annotated[int, Field(ge=0)] = 0
    rounding: Literal["half_up", "down", "up"] = "half_up"
    market: Code | None = None
    note: Annotated[str, Field(min_length=3, max_length=500)]


class TargetIn(Strict):
    target: Annotated[int, Field(ge=0)]
    source: Annotated[str, Field(min_length=3, max_length=300)]


class RunIn(Strict):
    market: Code | None = None
    date_from: date
    date_to: date


class AssignIn(Strict):
    assignee: Annotated[str, Field(min_length=1, max_length=100)]


class TextIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class ResolveIn(Strict):
    note: Annotated[str, Field(min_length=5, max_length=500)]
    amount: Annotated[int | None, Field(ge=0)] = None
    direction: Literal[1, -1] | None = None


class WriteOffIn(Strict):
    reason: Annotated[str, Field(min_length=5, max_length=500)]


class Created(BaseModel):
    created: bool


@router.post("/recon/accounts", response_model=Created)
def register_account(request: Request, body: AccountIn, caller: Finance) -> Created:
    added = container_of(request).recon.imports.register_account(
        caller,
        ReconAccount(body.bank, body.account_no, body.market, body.csv_format, body.label),
    )
    return Created(created=added)


@router.put("/recon/fee-rules/{acquirer}", status_code=204)
def set_fee_rule(request: Request, acquirer: str, body: FeeRuleIn, caller: Finance) -> Response:
    container_of(request).recon.imports.set_fee_rule(
        caller,
        FeeRuleRecord(
            acquirer,
            body.mdr_bp,
            body.flat_fee,
            body.free_up_to,
            body.rounding,
            body.market,
            body.note,
        ),
    )
    return Response(status_code=204)


@router.put("/recon/targets/{market}/{month}", status_code=204)
def set_target(
    request: Request, market: str, month: date, body: TargetIn, caller: Finance
) -> Response:
    container_of(request).recon.imports.set_target(caller, market, month, body.target, body.source)
    return Response(status_code=204)


@router.post("/recon/statements", dependencies=[only_query("bank", "kind", "account", "name")])
async def upload_statement(
    request: Request,
    caller: Staff,
    bank: Annotated[str, Query(min_length=1, max_length=40)],
    kind: Annotated[Literal["mt940", "csv"], Query()],
    account: Annotated[str | None, Query(max_length=34)] = None,
    name: Annotated[str, Query(max_length=120)] = "upload",
) -> dict[str, Any]:
    """The statement file as the body. A bad line refuses the whole file (422 naming it)."""
    data = await request.body()
    result = container_of(request).recon.imports.import_statement(
        caller, kind=kind, data=data, bank=bank, account=account, source=name
    )
    return {
        "statements": [_plain(s) for s in result.statements],
        "exceptions": result.exceptions,
    }


@router.post("/recon/settlements", dependencies=[only_query("name")])
async def upload_settlement(
    request: Request, caller: Finance, name: Annotated[str, Query(max_length=120)] = "settlement"
) -> dict[str, Any]:
    data = await request.body()
    return container_of(request).recon.imports.import_settlement(caller, data, source=name)


@router.post("/recon/runs")
def run_matching(request: Request, body: RunIn, caller: Staff) -> dict[str, Any]:
    summary = container_of(request).recon.matching.run(
        caller, body.market, body.date_from, body.date_to
    )
    return _plain(summary)


@router.get("/recon/exceptions", dependencies=[only_query("status", "type", "after", "limit")])
def list_exceptions(
    request: Request,
    caller: Staff,
    status: str | None = None,
    type: str | None = None,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    rows = container_of(request).recon.exceptions.list(caller, status, type, after, limit)
    return {
        "items": [_exception(r) for r in rows],
        "next": rows[-1]["id"] if len(rows) == limit else None,
    }


@router.get("/recon/exceptions/{exception_id}")
def get_exception(request: Request, exception_id: str, caller: Staff) -> dict[str, Any]:
    row = container_of(request).recon.exceptions.get(caller, exception_id)
    return {**_exception(row), "audit": [_audit(a) for a in row["audit"]]}


@router.post("/recon/exceptions/{exception_id}/assign")
def assign(
    request: Request, exception_id: str, body: AssignIn, caller: Staff, key: IdemKey = None
) -> dict[str, Any]:
    return _exception(
        container_of(request).recon.exceptions.assign(
            caller, exception_id, body.assignee, _idem(caller, key)
        )
    )


@router.post("/recon/exceptions/{exception_id}/comments")
def comment(
    request: Request, exception_id: str, body: TextIn, caller: Staff, key: IdemKey = None
) -> dict[str, Any]:
    return _exception(
        container_of(request).recon.exceptions.comment(
            caller, exception_id, body.text, _idem(caller, key)
        )
    )


@router.post("/recon/exceptions/{exception_id}/resolve")
def resolve(
    request: Request, exception_id: str, body: ResolveIn, caller: Staff, key: IdemKey = None
) -> dict[str, Any]:
    """Close with an adjusting entry (clearing ↔ suspense). With an Idempotency-Key a retry
    replays the first answer; without one, a repeat is 409 (already resolved)."""
    return _exception(
        container_of(request).recon.exceptions.resolve(
            caller, exception_id, body.note, body.amount, body.direction, _idem(caller, key)
        )
    )


@router.post("/recon/exceptions/{exception_id}/write-off")
def request_write_off(
    request: Request, exception_id: str, body: WriteOffIn, caller: Staff, key: IdemKey = None
) -> dict[str, Any]:
    return _exception(
        container_of(request).recon.exceptions.request_write_off(
            caller, exception_id, body.reason, _idem(caller, key)
        )
    )


@router.post("/recon/exceptions/{exception_id}/write-off/approve")
def approve_write_off(
    request: Request, exception_id: str, caller: Finance, key: IdemKey = None
) -> dict[str, Any]:
    return _exception(
        container_of(request).recon.exceptions.approve_write_off(
            caller, exception_id, _idem(caller, key)
        )
    )


@router.post("/recon/exceptions/{exception_id}/write-off/reject")
def reject_write_off(
    request: Request, exception_id: str, body: TextIn, caller: Finance, key: IdemKey = None
) -> dict[str, Any]:
    return _exception(
        container_of(request).recon.exceptions.reject_write_off(
            caller, exception_id, body.text, _idem(caller, key)
        )
    )


@router.post("/markets/{market}/closes/{day}")
def close_day(request: Request, market: str, day: date, caller: Staff) -> dict[str, Any]:
    """Close the day (idempotent: closing it again returns the frozen report)."""
    return container_of(request).recon.close.close(caller, market, day)


@router.get("/markets/{market}/closes/{day}")
def get_close(request: Request, market: str, day: date, caller: Staff) -> dict[str, Any]:
    return container_of(request).recon.close.get(caller, market, day)


@router.get("/recon/reports/{name}", dependencies=[only_query("from", "to", "format")])
def report(
    request: Request,
    name: str,
    caller: Staff,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Any:
    rows = container_of(request).recon.reports.build(caller, name, first, last)
    if format == "json":
        return {"report": name, "from": first, "to": last, "rows": rows}
    body, media = render(rows, format, sheet=name)
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )


def _idem(caller: Principal, key: str | None) -> IdempotencyKey | None:
    return IdempotencyKey(caller.idempotency_scope, key) if key else None


def _plain(value: Any) -> dict[str, Any]:
    return {f: getattr(value, f) for f in value.__slots__}


def _exception(row: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "id",
        "type",
        "status",
        "market_code",
        "amount",
        "as_of",
        "age_days",
        "detail",
        "expected",
        "actual",
        "items",
        "assignee",
        "entry_id",
        "reason",
        "requested_by",
        "created_at",
        "updated_at",
    )
    out = {k: row.get(k) for k in keep}
    out["market"] = out.pop("market_code")
    return out


def _audit(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("at", "actor", "action", "match_id", "detail")}
