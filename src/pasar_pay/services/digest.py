"""The signed daily digest: every chain head at the end of a Jakarta day, signed Ed25519."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Protocol

from pasar_pay.domain.chain import digest_document
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.services.ports import Clock, UnitOfWorkFactory

JAKARTA = timezone(timedelta(hours=7), "WIB")  # no daylight saving; no tzdata needed


class Signer(Protocol):
    def sign(self, document: bytes) -> str: ...
    def public_key_pem(self) -> str: ...


class SignatureChecker(Protocol):
    def verify(self, public_key_pem: str, document: bytes, signature: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Digest:
    day: date
    document: str
    signature: str
    public_key: str


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), JAKARTA).astimezone(UTC)


class DigestService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, signer: Signer) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._signer = signer

    def publish(self, day: date) -> Digest:
        """Sign the heads as of the day's end; publishing a day twice returns the first digest."""
        cutoff = end_of_day(day)
        if cutoff > self._clock():
            raise ValidationFailed("the day has not ended yet", code="day_not_ended")
        with self._uow() as uow:
            existing = uow.ledger.get_digest(day)
            if existing is None:
                document = digest_document(day.isoformat(), uow.ledger.heads_as_of(cutoff))
                signature = self._signer.sign(document)
                uow.ledger.save_digest(
                    day, document.decode(), signature, self._signer.public_key_pem(), self._clock()
                )
                uow.commit()
                existing = (document.decode(), signature, self._signer.public_key_pem())
        return Digest(day, *existing)

    def get(self, day: date) -> Digest:
        with self._uow() as uow:
            found = uow.ledger.get_digest(day)
        if found is None:
            raise NotFound("no digest for that day", code="digest_not_found")
        return Digest(day, *found)
