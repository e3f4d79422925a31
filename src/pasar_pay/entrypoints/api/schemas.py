"""Public API request and response shapes (pydantic), separate from domain types and rows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from pasar_pay.domain.money import MAX_AMOUNT

Amount = Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT, description="integer rupiah")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PostingIn(Strict):
    account: Annotated[str, Field(min_length=3, max_length=120)]
    side: Literal["debit", "credit"]
    amount: Amount


class AdjustmentIn(Strict):
    postings: Annotated[list[PostingIn], Field(min_length=2, max_length=200)]
    reason: Annotated[str, Field(min_length=10, max_length=500)]
    effective_at: AwareDatetime | None = None
    reference: Annotated[str | None, Field(max_length=120)] = None


class ReversalIn(Strict):
    reason: Annotated[str, Field(min_length=10, max_length=400)]


class PostingOut(BaseModel):
    account: str
    side: str
    amount: int


class EntryOut(BaseModel):
    id: str
    chain: str
    seq: int
    kind: str
    effective_at: datetime
    recorded_at: datetime
    description: str
    reference: str | None
    metadata: dict[str, str]
    reverses: str | None
    pending_id: str | None
    expires_at: datetime | None
    postings: list[PostingOut]
    prev_hash: str
    hash: str
    reversed_by: str | None = None
    resolved_by: str | None = None


class EntriesOut(BaseModel):
    entries: list[EntryOut]
    replayed: bool = False


class AccountOut(BaseModel):
    code: str
    kind: str
    market: str | None
    vendor: str | None
    normal_side: str
    posted: int
    available: int
    posted_debits: int
    posted_credits: int
    pending_debits: int
    pending_credits: int
    as_of: datetime | None = None
    as_of_basis: str | None = None


class Page(BaseModel):
    items: list[Any]
    next_cursor: str | None


class AccountPage(Page):
    items: list[AccountOut]


class EntryPage(Page):
    items: list[EntryOut]


class ChainReportOut(BaseModel):
    chain: str
    checked: int
    head_seq: int
    head_hash: str
    ok: bool
    broken_at_seq: int | None
    reason: str | None


class DigestOut(BaseModel):
    day: str
    document: str
    signature: str
    public_key: str


class MarketOut(BaseModel):
    code: str
    name: str
    kecamatan: str | None
    kelas: str | None
    specialty: str | None
    stalls_estimate: int | None
    source: str | None
    confidence: str | None


class KeyIn(Strict):
    role: Literal["finance", "manager", "collector", "vendor", "shopper", "bank"]
    label: Annotated[str, Field(min_length=1, max_length=200)]
    markets: Annotated[list[str], Field(default_factory=list, max_length=44)]
    vendor: Annotated[str | None, Field(max_length=40)] = None
    bank: Annotated[str | None, Field(max_length=40)] = None


class KeyOut(BaseModel):
    id: str
    role: str
    token: str = Field(description="shown once: store it now; only its hash is kept")


class WhoAmI(BaseModel):
    key_id: str
    role: str
    markets: list[str]
    vendor: str | None
    bank: str | None
