"""Tamper evidence: one SHA-256 hash chain per market, over canonical entry bytes.

Canonical bytes are typed fields in a fixed order, each length-prefixed so no two different
entries encode alike; integer amounts; UTC times at microsecond precision; postings sorted.
Never an ORM's JSON dump, whose key order and number format are not ours to fix.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pasar_pay.domain.ledger import Posting

GENESIS_HASH = "0" * 64
FORMAT_VERSION = "pasar-pay-entry-v1"


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    """The fields of a stored entry that its hash covers."""

    entry_id: str
    chain: str
    seq: int
    kind: str
    effective_at: datetime
    recorded_at: datetime
    description: str
    reference: str | None
    reverses: str | None
    pending_id: str | None
    expires_at: datetime | None
    metadata: Mapping[str, str]
    postings: Sequence[Posting]


def _time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _field(name: str, value: str) -> bytes:
    raw = value.encode("utf-8")
    return f"{name}={len(raw)}:".encode() + raw + b";"


def canonical_bytes(entry: ChainedEntry) -> bytes:
    parts = [
        _field("v", FORMAT_VERSION),
        _field("id", entry.entry_id),
        _field("chain", entry.chain),
        _field("seq", str(entry.seq)),
        _field("kind", entry.kind),
        _field("effective_at", _time(entry.effective_at)),
        _field("recorded_at", _time(entry.recorded_at)),
        _field("description", entry.description),
        _field("reference", entry.reference or ""),
        _field("reverses", entry.reverses or ""),
        _field("pending_id", entry.pending_id or ""),
        _field("expires_at", _time(entry.expires_at)),
        _field(
            "metadata",
            json.dumps(dict(entry.metadata), sort_keys=True, separators=(",", ":")),
        ),
    ]
    ordered = sorted(entry.postings, key=lambda p: (p.account, p.side.value, p.amount))
    parts.append(_field("postings", str(len(ordered))))
    for posting in ordered:
        parts.append(_field("p", f"{posting.account}|{posting.side.value}|{posting.amount}"))
    return b"".join(parts)


def link_hash(prev_hash: str, entry: ChainedEntry) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_bytes(entry)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    chain: str
    seq: int
    reason: str


def verify_links(
    chain: str, prev_hash: str, prev_seq: int, stored: Sequence[tuple[ChainedEntry, str, str]]
) -> tuple[ChainBreak | None, str, int]:
    """Walk stored (entry, prev_hash, hash) rows in seq order from a trusted head.

    Returns the first break, if any, and the last good head (hash, seq).
    """
    for entry, stored_prev, stored_hash in stored:
        if entry.seq != prev_seq + 1:
            return ChainBreak(chain, prev_seq + 1, "sequence gap"), prev_hash, prev_seq
        if stored_prev != prev_hash:
            return ChainBreak(chain, entry.seq, "previous-hash link broken"), prev_hash, prev_seq
        if link_hash(prev_hash, entry) != stored_hash:
            return (
                ChainBreak(chain, entry.seq, "entry content does not match its hash"),
                (prev_hash),
                prev_seq,
            )
        prev_hash, prev_seq = stored_hash, entry.seq
    return None, prev_hash, prev_seq


def digest_document(day: str, heads: Mapping[str, tuple[int, str]]) -> bytes:
    """The bytes the finance office's daily digest signs: every chain head at end of day."""
    body = {
        "format": "pasar-pay-digest-v1",
        "day": day,
        "chains": {chain: {"seq": seq, "hash": h} for chain, (seq, h) in sorted(heads.items())},
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
