"""The one raw write: a finance-office adjustment, audited in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.ledger import EntryDraft, EntryKind, Posting, chain_for
from pasar_pay.services.idempotency import IdempotencyKey, Outcome, run_once
from pasar_pay.services.ledger import LedgerService, entry_view
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

MIN_REASON = 10


class AdjustmentService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, ledger: LedgerService):
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger

    def adjust(
        self,
        caller: Principal,
        *,
        postings: Sequence[Posting],
        reason: str,
        effective_at: datetime | None,
        reference: str | None,
        idempotency_key: str | None,
        request: dict[str, Any],
    ) -> Outcome:
        caller.require_role(Role.FINANCE)
        if len(reason.strip()) < MIN_REASON:
            raise ValidationFailed(
                f"an adjustment needs a reason of at least {MIN_REASON} characters",
                code="reason_required",
            )
        specs = [chart.parse_account_code(p.account) for p in postings]

        def work(uow: UnitOfWork) -> dict[str, Any]:
            draft = EntryDraft(
                kind=EntryKind.ADJUSTMENT,
                postings=tuple(postings),
                effective_at=effective_at or self._clock(),
                description=reason.strip(),
                chain=chain_for(specs),
                reference=reference,
                metadata={"by": caller.key_id},
            )
            idem = (
                IdempotencyKey(caller.idempotency_scope, idempotency_key)
                if (idempotency_key)
                else None
            )
            entries = self._ledger.write(uow, [draft], idem)
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "ledger.adjust",
                entries[0].id,
                {"reason": reason.strip(), "request": request},
            )
            return {"entries": [entry_view(e) for e in entries]}

        idem = (
            IdempotencyKey(caller.idempotency_scope, idempotency_key) if idempotency_key else None
        )
        return run_once(
            self._uow, self._clock, idem=idem, operation="ledger.adjust", request=request, work=work
        )
