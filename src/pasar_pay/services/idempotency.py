"""Run a write at most once per idempotency key, and remember how it ended, forever.

Same key + same request: the stored response (or the stored business failure), marked as a
replay. Same key + different request: a conflict naming the fields that differ. Concurrent
duplicates race on the key's primary key; the loser rolls back and replays the winner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pasar_pay.domain.errors import Conflict, DomainError
from pasar_pay.domain.idempotency import canonical_json, differing_fields, request_hash
from pasar_pay.services.ports import (
    Clock,
    DuplicateKey,
    IdempotencyRecord,
    UnitOfWork,
    UnitOfWorkFactory,
)

Work = Callable[[UnitOfWork], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Outcome:
    response: dict[str, Any]
    replayed: bool


class ReplayedFailure(DomainError):
    """A business failure remembered under this key, returned again unchanged."""

    def __init__(self, stored: dict[str, Any]) -> None:
        details = {k: v for k, v in stored.items() if k not in ("code", "message")}
        super().__init__(stored.get("message", ""), code=stored.get("code"), **details)
        self.replayed = True


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    scope: str
    key: str


def run_once(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    *,
    idem: IdempotencyKey | None,
    operation: str,
    request: dict[str, Any],
    work: Work,
) -> Outcome:
    if idem is None:
        with uow_factory() as uow:
            response = work(uow)
            uow.commit()
        return Outcome(response, replayed=False)
    # Round-trip through canonical JSON so what is compared is what is stored.
    canonical = {"operation": operation, "request": request}
    digest = request_hash(canonical)
    for _ in range(5):
        with uow_factory() as uow:
            existing = uow.idempotency.get(idem.scope, idem.key)
            if existing is not None:
                return _replay(existing, canonical, digest)
            try:
                response = work(uow)
                uow.idempotency.insert(
                    _record(idem, operation, digest, canonical, "succeeded", response, clock)
                )
                uow.commit()
                return Outcome(response, replayed=False)
            except DuplicateKey as duplicate:
                uow.rollback()
                if duplicate.what != "idempotency":
                    raise
                continue
            except DomainError as error:
                uow.rollback()
                failure = error
        if _remember_failure(uow_factory, clock, idem, operation, digest, canonical, failure):
            raise failure
    raise Conflict("the request could not be settled; retry", code="idempotency_contention")


def _remember_failure(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    idem: IdempotencyKey,
    operation: str,
    digest: str,
    canonical: dict[str, Any],
    failure: DomainError,
) -> bool:
    with uow_factory() as uow:
        try:
            uow.idempotency.insert(
                _record(idem, operation, digest, canonical, "failed", failure.as_dict(), clock)
            )
            uow.commit()
            return True
        except DuplicateKey:
            uow.rollback()
            return False  # someone else settled the key first: go round and replay theirs


def _record(
    idem: IdempotencyKey,
    operation: str,
    digest: str,
    canonical: dict[str, Any],
    outcome: str,
    response: dict[str, Any],
    clock: Clock,
) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=idem.scope,
        key=idem.key,
        operation=operation,
        request_hash=digest,
        request=json.loads(canonical_json(canonical)),
        outcome=outcome,
        response=response,
        created_at=clock(),
    )


def _replay(existing: IdempotencyRecord, canonical: dict[str, Any], digest: str) -> Outcome:
    if existing.request_hash != digest:
        fields = [
            path.removeprefix("request").removeprefix(".")
            for path in differing_fields(existing.request, json.loads(canonical_json(canonical)))
        ]
        raise Conflict(
            "this idempotency key was used for a different request",
            code="idempotency_key_reused",
            fields=fields,
        )
    if existing.outcome == "failed":
        raise ReplayedFailure(existing.response)
    return Outcome(existing.response, replayed=True)
