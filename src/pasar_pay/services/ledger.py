"""Ledger use cases: post, hold, settle or void a hold, reverse, and linked batches.

Every write runs in one transaction: accounts locked in sorted order (so concurrent writers
cannot deadlock), balance rules checked on the locked totals, then each entry is chained to its
market's head, and the postings, the entry that seals them and the new totals are written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasar_pay.domain.accounts import AccountSpec
from pasar_pay.domain.chain import ChainedEntry, link_hash
from pasar_pay.domain.errors import Conflict, NotFound, ValidationFailed
from pasar_pay.domain.ledger import (
    MAX_DESCRIPTION,
    Balance,
    EntryDraft,
    EntryKind,
    Posting,
    balance_effects,
    check_balance_rule,
    require_utc,
    reversal_postings,
    settle_pending,
    validate_postings,
)
from pasar_pay.services.idempotency import IdempotencyKey, Outcome, run_once
from pasar_pay.services.ports import (
    Clock,
    DuplicateKey,
    StoredAccount,
    StoredEntry,
    UnitOfWork,
    UnitOfWorkFactory,
)

REVERSIBLE = {EntryKind.STANDARD, EntryKind.ADJUSTMENT, EntryKind.REVERSAL, EntryKind.POST_PENDING}


def entry_view(entry: StoredEntry) -> dict[str, Any]:
    """The JSON shape of an entry in responses (and in remembered idempotent responses)."""
    return {
        "id": entry.id,
        "chain": entry.chain,
        "seq": entry.seq,
        "kind": entry.kind,
        "effective_at": entry.effective_at.isoformat(),
        "recorded_at": entry.recorded_at.isoformat(),
        "description": entry.description,
        "reference": entry.reference,
        "metadata": dict(entry.metadata),
        "reverses": entry.reverses,
        "pending_id": entry.pending_id,
        "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
        "postings": [
            {"account": p.account, "side": p.side.value, "amount": p.amount} for p in entry.postings
        ],
        "prev_hash": entry.prev_hash,
        "hash": entry.entry_hash,
    }


@dataclass(frozen=True, slots=True)
class _Planned:
    draft: EntryDraft
    released: tuple[Posting, ...]


class LedgerService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- accounts ---------------------------------------------------------------------------
    def open_accounts(self, specs: Sequence[AccountSpec]) -> int:
        with self._uow() as uow:
            created = uow.ledger.open_accounts(specs, self._clock())
            uow.commit()
        return created

    # -- commands ---------------------------------------------------------------------------
    def post(
        self, draft: EntryDraft, *, idem: IdempotencyKey | None = None, request: Any = None
    ) -> Outcome:
        """Record one entry (standard, adjustment or pending hold)."""
        return self.post_batch([draft], idem=idem, request=request)

    def post_batch(
        self,
        drafts: Sequence[EntryDraft],
        *,
        idem: IdempotencyKey | None = None,
        request: Any = None,
    ) -> Outcome:
        """Linked entries: all are recorded or none is."""
        if not drafts:
            raise ValidationFailed("a batch needs at least one entry", code="batch_empty")

        def work(uow: UnitOfWork) -> dict[str, Any]:
            entries = self.write(uow, drafts, idem)
            return {"entries": [entry_view(e) for e in entries]}

        return run_once(
            self._uow,
            self._clock,
            idem=idem,
            operation="ledger.post",
            request=request if request is not None else {"entries": _draft_request(drafts)},
            work=work,
        )

    def post_pending(
        self,
        pending_id: str,
        *,
        amounts: Sequence[int] | None = None,
        effective_at: datetime | None = None,
        idem: IdempotencyKey | None = None,
    ) -> Outcome:
        def work(uow: UnitOfWork) -> dict[str, Any]:
            held = self._open_hold(uow, pending_id)
            now = self._clock()
            if held.expires_at is not None and held.expires_at <= now:
                raise Conflict(
                    "the hold has expired",
                    code="pending_expired",
                    expired_at=held.expires_at.isoformat(),
                )
            draft = EntryDraft(
                kind=EntryKind.POST_PENDING,
                postings=settle_pending(held.postings, amounts),
                effective_at=effective_at or now,
                description=f"post hold {pending_id}",
                chain=held.chain,
                reference=held.reference,
                pending_id=pending_id,
            )
            return {"entries": [entry_view(e) for e in self.write(uow, [draft], idem)]}

        request = {"pending_id": pending_id, "amounts": list(amounts) if amounts else None}
        return run_once(
            self._uow,
            self._clock,
            idem=idem,
            operation="ledger.post_pending",
            request=request,
            work=work,
        )

    def void_pending(
        self, pending_id: str, *, reason: str, idem: IdempotencyKey | None = None
    ) -> Outcome:
        def work(uow: UnitOfWork) -> dict[str, Any]:
            held = self._open_hold(uow, pending_id)
            draft = EntryDraft(
                kind=EntryKind.VOID_PENDING,
                postings=held.postings,
                effective_at=self._clock(),
                description=_clip(f"void hold {pending_id}: {reason}"),
                chain=held.chain,
                reference=held.reference,
                pending_id=pending_id,
            )
            return {"entries": [entry_view(e) for e in self.write(uow, [draft], idem)]}

        return run_once(
            self._uow,
            self._clock,
            idem=idem,
            operation="ledger.void_pending",
            request={"pending_id": pending_id, "reason": reason},
            work=work,
        )

    def reverse(self, entry_id: str, *, reason: str, idem: IdempotencyKey | None = None) -> Outcome:
        def work(uow: UnitOfWork) -> dict[str, Any]:
            original = uow.ledger.get_entry(entry_id)
            if original is None:
                raise NotFound(f"entry {entry_id} not found", code="entry_not_found")
            if EntryKind(original.kind) not in REVERSIBLE:
                raise Conflict(
                    f"a {original.kind} entry cannot be reversed", code="entry_not_reversible"
                )
            if uow.ledger.find_reversal(entry_id) is not None:
                raise Conflict("the entry was already reversed", code="entry_already_reversed")
            draft = EntryDraft(
                kind=EntryKind.REVERSAL,
                postings=reversal_postings(original.postings),
                effective_at=self._clock(),
                description=_clip(f"reversal of {entry_id}: {reason}"),
                chain=original.chain,
                reference=original.reference,
                reverses=entry_id,
            )
            return {"entries": [entry_view(e) for e in self.write(uow, [draft], idem)]}

        return run_once(
            self._uow,
            self._clock,
            idem=idem,
            operation="ledger.reverse",
            request={"entry_id": entry_id, "reason": reason},
            work=work,
        )

    def expire_holds(self, limit: int = 1000) -> int:
        """Void every hold past its expiry (a sweeper; safe to run concurrently)."""
        with self._uow() as uow:
            expired = uow.ledger.expired_pending_ids(self._clock(), limit)
        voided = 0
        for pending_id in expired:
            try:
                self.void_pending(pending_id, reason="expired")
                voided += 1
            except Conflict:
                continue  # settled meanwhile by someone else
        return voided

    # -- the one write path -----------------------------------------------------------------
    def write(
        self, uow: UnitOfWork, drafts: Sequence[EntryDraft], idem: IdempotencyKey | None = None
    ) -> list[StoredEntry]:
        """Record drafts inside the caller's transaction (other use cases call this too)."""
        now = self._clock()
        planned = [self._plan(uow, draft) for draft in drafts]
        codes = sorted(
            {p.account for plan in planned for p in (*plan.draft.postings, *plan.released)}
        )
        chains = sorted({plan.draft.chain for plan in planned})
        accounts, heads = uow.ledger.lock(codes, chains)
        missing = [code for code in codes if code not in accounts]
        if missing:
            raise ValidationFailed("unknown account", code="account_unknown", accounts=missing)
        totals: dict[str, Balance] = {code: accounts[code].balance for code in codes}
        for plan in planned:
            effects = balance_effects(plan.draft.kind, plan.draft.postings, plan.released)
            for code, delta in effects.items():
                totals[code] = totals[code] + delta
                check_balance_rule(accounts[code].spec, totals[code])
        stored: list[StoredEntry] = []
        for plan in planned:
            seq, prev = heads[plan.draft.chain]
            entry = _chain(plan.draft, seq + 1, prev, now)
            heads[plan.draft.chain] = (entry.seq, entry.entry_hash)
            stored.append(entry)
        changed = {
            accounts[code].id: total
            for code, total in totals.items()
            if total != accounts[code].balance
        }
        try:
            uow.ledger.record(
                stored,
                {code: account.id for code, account in accounts.items()},
                (idem.scope, idem.key) if idem else None,
                changed,
                heads,
            )
        except DuplicateKey as duplicate:
            raise _duplicate_error(duplicate) from None
        return stored

    def _plan(self, uow: UnitOfWork, draft: EntryDraft) -> _Planned:
        validate_postings(draft.postings)
        if len(draft.description) > MAX_DESCRIPTION:
            raise ValidationFailed("description too long", code="description_too_long")
        require_utc(draft.effective_at, "effective_at")
        if draft.kind is EntryKind.PENDING:
            if draft.expires_at is None:
                raise ValidationFailed("a hold needs an expiry", code="pending_needs_expiry")
            require_utc(draft.expires_at, "expires_at")
        released: tuple[Posting, ...] = ()
        if draft.kind in (EntryKind.POST_PENDING, EntryKind.VOID_PENDING):
            assert draft.pending_id is not None
            held = uow.ledger.get_entry(draft.pending_id)
            if held is None or held.kind != EntryKind.PENDING:
                raise NotFound(f"no hold {draft.pending_id}", code="pending_not_found")
            if draft.kind is EntryKind.POST_PENDING:
                _within_hold(draft.postings, held.postings)
            released = held.postings
        return _Planned(draft, released)

    def _open_hold(self, uow: UnitOfWork, pending_id: str) -> StoredEntry:
        held = uow.ledger.get_entry(pending_id)
        if held is None or held.kind != EntryKind.PENDING:
            raise NotFound(f"no hold {pending_id}", code="pending_not_found")
        if uow.ledger.find_resolution(pending_id) is not None:
            raise Conflict("the hold was already posted or voided", code="pending_already_resolved")
        return held


def _duplicate_error(duplicate: DuplicateKey) -> Conflict:
    if duplicate.what == "pending_resolution":
        return Conflict("the hold was already posted or voided", code="pending_already_resolved")
    if duplicate.what == "reversal":
        return Conflict("the entry was already reversed", code="entry_already_reversed")
    raise duplicate


def _chain(draft: EntryDraft, seq: int, prev: str, now: datetime) -> StoredEntry:
    entry_id = str(uuid.uuid4())
    chained = ChainedEntry(
        entry_id=entry_id,
        chain=draft.chain,
        seq=seq,
        kind=draft.kind.value,
        effective_at=require_utc(draft.effective_at, "effective_at"),
        recorded_at=now,
        description=draft.description,
        reference=draft.reference,
        reverses=draft.reverses,
        pending_id=draft.pending_id,
        expires_at=draft.expires_at,
        metadata=dict(draft.metadata),
        postings=draft.postings,
    )
    return StoredEntry(
        id=entry_id,
        chain=draft.chain,
        seq=seq,
        kind=draft.kind.value,
        effective_at=chained.effective_at,
        recorded_at=now,
        description=draft.description,
        reference=draft.reference,
        metadata=dict(draft.metadata),
        reverses=draft.reverses,
        pending_id=draft.pending_id,
        expires_at=draft.expires_at,
        postings=draft.postings,
        prev_hash=prev,
        entry_hash=link_hash(prev, chained),
    )


def _within_hold(posted: Sequence[Posting], held: Sequence[Posting]) -> None:
    """A batch-written POST_PENDING settles the hold's own postings, each at most the held
    amount (what `settle_pending` builds for `post_pending`)."""
    if len(posted) != len(held) or any(
        p.account != h.account or p.side != h.side or p.amount > h.amount
        for p, h in zip(posted, held, strict=True)
    ):
        raise ValidationFailed(
            "a posted hold must settle the held postings, each at most the held amount",
            code="pending_amount_exceeds_hold",
        )


def _clip(text: str) -> str:
    return text[:MAX_DESCRIPTION]


def _draft_request(drafts: Sequence[EntryDraft]) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind.value,
            "chain": d.chain,
            "effective_at": d.effective_at.isoformat(),
            "description": d.description,
            "reference": d.reference,
            "metadata": dict(d.metadata),
            "expires_at": d.expires_at.isoformat() if d.expires_at else None,
            "postings": [
                {"account": p.account, "side": p.side.value, "amount": p.amount} for p in d.postings
            ],
        }
        for d in drafts
    ]


__all__ = ["LedgerService", "StoredAccount", "entry_view"]
