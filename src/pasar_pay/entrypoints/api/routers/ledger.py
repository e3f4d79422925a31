"""Ledger read API (finance city-wide, managers their markets) and the finance adjustment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import AwareDatetime

from pasar_pay.domain.accounts import Side
from pasar_pay.domain.ledger import EntryKind, Posting
from pasar_pay.entrypoints.api.access import Finance, Staff, container_of, only_query
from pasar_pay.entrypoints.api.schemas import (
    AccountOut,
    AccountPage,
    AdjustmentIn,
    ChainReportOut,
    DigestOut,
    EntriesOut,
    EntryOut,
    EntryPage,
    ReversalIn,
)
from pasar_pay.services.idempotency import IdempotencyKey, Outcome
from pasar_pay.services.ports import AccountFilter, EntryFilter

router = APIRouter(prefix="/ledger", tags=["ledger"])

IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=120)]
Limit = Annotated[int, Query(ge=1, le=500)]


def _written(outcome: Outcome, response: Response) -> EntriesOut:
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    response.status_code = 200 if outcome.replayed else 201
    return EntriesOut(entries=outcome.response["entries"], replayed=outcome.replayed)


@router.get(
    "/accounts",
    response_model=AccountPage,
    dependencies=[only_query("market", "vendor", "kind", "cursor", "limit")],
)
def list_accounts(
    request: Request,
    caller: Staff,
    market: str | None = None,
    vendor: str | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: Limit = 100,
) -> AccountPage:
    page = container_of(request).ledger_reader.accounts(
        caller, AccountFilter(market=market, vendor=vendor, kind=kind), cursor, limit
    )
    return AccountPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/accounts/{code}", response_model=AccountOut)
def account_balance(
    request: Request,
    code: str,
    caller: Staff,
    as_of: AwareDatetime | None = None,
    basis: Literal["effective", "recorded"] = "effective",
) -> AccountOut:
    view = container_of(request).ledger_reader.balance(
        caller, code, as_of, by_recorded=basis == "recorded"
    )
    return AccountOut(**view)


@router.get(
    "/entries",
    response_model=EntryPage,
    dependencies=[
        only_query(
            "account", "reference", "kind", "effective_from", "effective_to", "cursor", "limit"
        )
    ],
)
def list_entries(
    request: Request,
    caller: Staff,
    account: str | None = None,
    reference: str | None = None,
    kind: EntryKind | None = None,
    effective_from: AwareDatetime | None = None,
    effective_to: AwareDatetime | None = None,
    cursor: str | None = None,
    limit: Limit = 100,
) -> EntryPage:
    flt = EntryFilter(
        account=account,
        reference=reference,
        kind=kind.value if kind else None,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    page = container_of(request).ledger_reader.entries(caller, flt, cursor, limit)
    return EntryPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/entries/{entry_id}", response_model=EntryOut)
def get_entry(request: Request, entry_id: str, caller: Staff) -> EntryOut:
    return EntryOut(**container_of(request).ledger_reader.entry(caller, entry_id))


@router.post("/adjustments", response_model=EntriesOut, status_code=201)
def adjust(
    request: Request,
    response: Response,
    body: AdjustmentIn,
    caller: Finance,
    idempotency_key: IdemKey = None,
) -> EntriesOut:
    outcome = container_of(request).adjustments.adjust(
        caller,
        postings=[Posting(p.account, Side(p.side), p.amount) for p in body.postings],
        reason=body.reason,
        effective_at=body.effective_at,
        reference=body.reference,
        idempotency_key=idempotency_key,
        request=body.model_dump(mode="json"),
    )
    return _written(outcome, response)


@router.post("/entries/{entry_id}/reversal", response_model=EntriesOut, status_code=201)
def reverse(
    request: Request,
    response: Response,
    entry_id: str,
    body: ReversalIn,
    caller: Finance,
    idempotency_key: IdemKey = None,
) -> EntriesOut:
    idem = IdempotencyKey(caller.idempotency_scope, idempotency_key) if idempotency_key else None
    outcome = container_of(request).ledger.reverse(entry_id, reason=body.reason, idem=idem)
    return _written(outcome, response)


@router.post("/verify", response_model=list[ChainReportOut])
def verify(
    request: Request,
    caller: Staff,
    full: bool = False,
    chain: str | None = None,
) -> list[ChainReportOut]:
    verifier = container_of(request).verifier
    if chain is not None:
        caller.require_market(None if chain == "CITY" else chain)
        reports = verifier.verify(full=full, chain=chain)
    elif caller.city_wide:
        reports = verifier.verify(full=full)
    else:
        reports = [r for m in sorted(caller.markets) for r in verifier.verify(full=full, chain=m)]
    visible = reports
    return [
        ChainReportOut(
            chain=r.chain,
            checked=r.checked,
            head_seq=r.head_seq,
            head_hash=r.head_hash,
            ok=r.broken is None,
            broken_at_seq=r.broken.seq if r.broken else None,
            reason=r.broken.reason if r.broken else None,
        )
        for r in visible
    ]


@router.get("/digests/{day}", response_model=DigestOut)
def get_digest(request: Request, day: date, caller: Staff) -> DigestOut:
    digest = container_of(request).digests.get(day)
    return DigestOut(
        day=day.isoformat(),
        document=digest.document,
        signature=digest.signature,
        public_key=digest.public_key,
    )


@router.post("/digests/{day}", response_model=DigestOut, status_code=201)
def publish_digest(request: Request, day: date, caller: Finance) -> DigestOut:
    digest = container_of(request).digests.publish(day)
    return DigestOut(
        day=day.isoformat(),
        document=digest.document,
        signature=digest.signature,
        public_key=digest.public_key,
    )
