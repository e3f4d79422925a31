"""Verify the hash chains: in full from genesis, or incrementally from the last verified head."""

from __future__ import annotations

from dataclasses import dataclass

from pasar_pay.domain.chain import GENESIS_HASH, ChainBreak, ChainedEntry, verify_links
from pasar_pay.domain.errors import NotFound
from pasar_pay.services.ports import Clock, StoredEntry, UnitOfWorkFactory

BATCH = 2000


@dataclass(frozen=True, slots=True)
class ChainReport:
    chain: str
    checked: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None


def _chained(entry: StoredEntry) -> tuple[ChainedEntry, str, str]:
    chained = ChainedEntry(
        entry_id=entry.id,
        chain=entry.chain,
        seq=entry.seq,
        kind=entry.kind,
        effective_at=entry.effective_at,
        recorded_at=entry.recorded_at,
        description=entry.description,
        reference=entry.reference,
        reverses=entry.reverses,
        pending_id=entry.pending_id,
        expires_at=entry.expires_at,
        metadata=entry.metadata,
        postings=entry.postings,
    )
    return chained, entry.prev_hash, entry.entry_hash


class ChainVerifier:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def verify(self, *, full: bool, chain: str | None = None) -> list[ChainReport]:
        with self._uow() as uow:
            chains = uow.ledger.chain_names()
        if chain is not None:
            if chain not in chains:
                raise NotFound(f"no chain {chain}", code="chain_not_found")
            chains = [chain]
        return [self._verify_one(name, full) for name in chains]

    def _verify_one(self, chain: str, full: bool) -> ChainReport:
        with self._uow() as uow:
            start = None if full else uow.ledger.get_checkpoint(chain)
            seq, head = start or (0, GENESIS_HASH)
            checked = 0
            broken: ChainBreak | None = None
            batch: list[tuple[ChainedEntry, str, str]] = []
            for entry in uow.ledger.iter_chain(chain, seq, BATCH):
                batch.append(_chained(entry))
                if len(batch) >= BATCH:
                    broken, head, seq = verify_links(chain, head, seq, batch)
                    checked += len(batch)
                    batch = []
                    if broken:
                        break
            if batch and broken is None:
                broken, head, seq = verify_links(chain, head, seq, batch)
                checked += len(batch)
            stored_seq, stored_head = uow.ledger.chain_head(chain)
            if broken is None and (stored_seq, stored_head) != (seq, head):
                broken = ChainBreak(chain, seq + 1, "chain head does not match the last entry")
            if broken is None:
                uow.ledger.save_checkpoint(chain, seq, head, self._clock())
                uow.commit()
        return ChainReport(chain, checked, seq, head, broken)
