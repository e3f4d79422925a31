"""Register banks and acquirers, rotate their credentials, issue virtual accounts.

Client secrets are stored encrypted (`SecretBox`) and never returned or logged; public keys
are checked (RSA ≥ 2048) before they are stored. A rotation keeps the previous credential
valid for an overlap period so the bank can switch without a window of refusals.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from pasar_pay.domain.snap.virtual_account import CustomerNoLayout, VirtualAccount
from pasar_pay.services.banking.ports import Counterparty, RsaVerifier, SecretBox, VaRecord
from pasar_pay.services.ports import BillsFilter, Clock, UnitOfWork, UnitOfWorkFactory

CLIENT_SECRET = "client_secret"  # noqa: S105 - a credential kind, not a credential
PUBLIC_KEY = "public_key"
_CODE = re.compile(r"[A-Z0-9]{2,20}")
_ID = re.compile(r"[A-Za-z0-9._-]{1,36}")
CUSTOMER_PREFIX = "01"  # retribution; other products may share the company code later


@dataclass(frozen=True, slots=True)
class Registration:
    counterparty: Counterparty
    client_secret: str
    public_key_pem: str


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CounterpartyService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        box: SecretBox,
        rsa: RsaVerifier,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._box = box
        self._rsa = rsa

    def register(self, reg: Registration) -> Counterparty:
        cp = reg.counterparty
        self._validate(cp, reg.client_secret)
        self._rsa_check(reg.public_key_pem)
        now = self._clock()
        with self._uow() as uow:
            if uow.banks.counterparty(cp.code) is not None:
                raise Conflict("this bank code is registered", code="bank_exists")
            if uow.banks.by_partner_id(cp.partner_id) or uow.banks.by_client_key(cp.client_key):
                raise Conflict("partner id or client key in use", code="bank_partner_in_use")
            uow.banks.add_counterparty(cp, now)
            uow.banks.add_credential(
                cp.code,
                CLIENT_SECRET,
                self._box.encrypt(reg.client_secret),
                _fingerprint(reg.client_secret),
                now,
            )
            uow.banks.add_credential(
                cp.code,
                PUBLIC_KEY,
                reg.public_key_pem.strip() + "\n",
                self._rsa.check_public_key(reg.public_key_pem),
                now,
            )
            markets = [m.code for m in uow.markets.list(None)]
            uow.ledger.open_accounts([chart.bank_clearing(m, cp.code) for m in markets], now)
            uow.audit.append(now, None, "bank.register", cp.code, _public_view(cp))
            uow.commit()
        return cp

    def rotate(
        self,
        code: str,
        *,
        client_secret: str | None = None,
        public_key_pem: str | None = None,
        overlap: timedelta = timedelta(hours=24),
    ) -> None:
        """New credential valid now; the old ones stay valid for `overlap`, then stop."""
        if client_secret is None and public_key_pem is None:
            raise ValidationFailed("nothing to rotate", code="bank_rotate_nothing")
        if overlap < timedelta(0):
            raise ValidationFailed("overlap must not be negative", code="bank_rotate_overlap")
        now = self._clock()
        with self._uow() as uow:
            if uow.banks.counterparty(code) is None:
                raise NotFound("no such bank", code="bank_not_found")
            if client_secret is not None:
                if len(client_secret) < 16:
                    raise ValidationFailed("client secret too short", code="bank_secret_short")
                uow.banks.end_credentials(code, CLIENT_SECRET, now + overlap)
                uow.banks.add_credential(
                    code,
                    CLIENT_SECRET,
                    self._box.encrypt(client_secret),
                    _fingerprint(client_secret),
                    now,
                )
            if public_key_pem is not None:
                fingerprint = self._rsa_check(public_key_pem)
                uow.banks.end_credentials(code, PUBLIC_KEY, now + overlap)
                uow.banks.add_credential(
                    code, PUBLIC_KEY, public_key_pem.strip() + "\n", fingerprint, now
                )
            uow.audit.append(
                now,
                None,
                "bank.rotate",
                code,
                {
                    "secret": client_secret is not None,
                    "public_key": public_key_pem is not None,
                    "overlap_seconds": int(overlap.total_seconds()),
                },
            )
            uow.commit()

    def list(self) -> list[dict[str, Any]]:
        with self._uow() as uow:
            return [_public_view(cp) for cp in uow.banks.counterparties()]

    def _rsa_check(self, pem: str) -> str:
        try:
            return self._rsa.check_public_key(pem)
        except ValueError as error:
            raise ValidationFailed(str(error), code="bank_public_key_invalid") from None

    @staticmethod
    def _validate(cp: Counterparty, secret: str) -> None:
        problems: list[str] = []
        if not _CODE.fullmatch(cp.code):
            problems.append("code must be 2-20 upper-case letters/digits")
        if not _ID.fullmatch(cp.partner_id) or not _ID.fullmatch(cp.client_key):
            problems.append("partner id and client key must be 1-36 of [A-Za-z0-9._-]")
        if cp.signature_mode not in ("hmac", "rsa"):
            problems.append("signature mode must be hmac or rsa")
        if not (cp.va_bank or cp.qris_acquirer):
            problems.append("a counterparty is a VA bank, a QRIS acquirer or both")
        if cp.va_bank:
            try:
                VirtualAccount(cp.partner_service_id or "", "0")
                CustomerNoLayout(cp.customer_no_length, CUSTOMER_PREFIX)
            except (ValueError, DomainError) as error:
                problems.append(f"VA numbering: {error}")
        if cp.channel_id is not None and not (cp.channel_id.isdigit() and len(cp.channel_id) <= 5):
            problems.append("channel id must be up to 5 digits")
        if len(secret) < 16:
            problems.append("client secret must be at least 16 characters")
        if problems:
            raise ValidationFailed("invalid counterparty", code="bank_invalid", problems=problems)


def _public_view(cp: Counterparty) -> dict[str, Any]:
    return {
        "code": cp.code,
        "name": cp.name,
        "partner_id": cp.partner_id,
        "client_key": cp.client_key,
        "partner_service_id": cp.partner_service_id,
        "channel_id": cp.channel_id,
        "signature_mode": cp.signature_mode,
        "va_bank": cp.va_bank,
        "qris_acquirer": cp.qris_acquirer,
        "customer_no_length": cp.customer_no_length,
    }


INSTRUCTIONS = {
    "en": "Pay through {bank} mobile/internet banking, ATM or teller: choose Virtual Account "
    "and enter {digits}. The amount due is shown before you confirm.",
    "id": "Bayar lewat m-banking/internet banking, ATM atau teller {bank}: pilih Virtual "
    "Account dan masukkan {digits}. Jumlah tagihan tampil sebelum konfirmasi.",
}


class VirtualAccountService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def ensure_reusable(self, bank: str, vendors: list[str]) -> list[VaRecord]:
        """One reusable VA per vendor at `bank` (idempotent)."""
        out: list[VaRecord] = []
        with self._uow() as uow:
            cp = _va_bank(uow, bank)
            for vendor in vendors:
                if uow.registry.vendor(vendor) is None:
                    raise NotFound("no such vendor", code="vendor_not_found", vendor=vendor)
                existing = uow.banks.reusable_va(bank, vendor)
                out.append(existing or self._new(uow, cp, vendor, "reusable", None, None, None))
            uow.commit()
        return out

    def open_closed(self, bank: str, bill_id: str, expires_at: datetime) -> VaRecord:
        """A single-use VA for one bill (its open amount at payment time), with an expiry."""
        with self._uow() as uow:
            cp = _va_bank(uow, bank)
            found = uow.billing.bills(
                BillsFilter(ids=frozenset({bill_id}), open_only=True), None, 1
            )
            if not found:
                raise NotFound("no open bill with this id", code="bill_not_open")
            bill = found[0]
            record = self._new(uow, cp, bill.vendor_code, "closed", bill.id, bill.owed, expires_at)
            uow.commit()
        return record

    def for_vendor(self, vendor: str) -> list[dict[str, Any]]:
        with self._uow() as uow:
            banks = {cp.code: cp for cp in uow.banks.counterparties()}
            records = uow.banks.vendor_vas(vendor)
        now = self._clock()
        return [
            {
                "bank": r.bank_code,
                "bank_name": banks[r.bank_code].name if r.bank_code in banks else r.bank_code,
                "kind": r.kind,
                "virtual_account_no": r.va_padded,
                "digits": r.va_digits,
                "partner_service_id": r.partner_service_id,
                "customer_no": r.customer_no,
                "bill_id": r.bill_id,
                "amount": r.amount,
                "expires_at": r.expires_at.isoformat() if r.expires_at else None,
                "instructions": {
                    lang: text.format(
                        bank=banks[r.bank_code].name if r.bank_code in banks else r.bank_code,
                        digits=r.va_digits,
                    )
                    for lang, text in INSTRUCTIONS.items()
                },
            }
            for r in records
            if r.kind == "reusable"
            or (r.status == "active" and (r.expires_at is None or r.expires_at > now))
        ]

    def _new(
        self,
        uow: UnitOfWork,
        cp: Counterparty,
        vendor: str,
        kind: str,
        bill_id: str | None,
        amount: int | None,
        expires_at: datetime | None,
    ) -> VaRecord:
        layout = CustomerNoLayout(cp.customer_no_length, CUSTOMER_PREFIX)
        customer_no = layout.customer_no(uow.banks.next_customer_sequence(cp.code))
        account = VirtualAccount(cp.partner_service_id or "", customer_no)
        record = VaRecord(
            id=str(uuid.uuid4()),
            bank_code=cp.code,
            vendor_code=vendor,
            kind=kind,
            partner_service_id=account.partner_service_id,
            customer_no=customer_no,
            va_padded=account.padded,
            va_digits=account.digits,
            bill_id=bill_id,
            amount=amount,
            expires_at=expires_at,
            status="active",
            created_at=self._clock(),
        )
        uow.banks.add_va(record)
        return record


def _va_bank(uow: UnitOfWork, bank: str) -> Counterparty:
    cp = uow.banks.counterparty(bank)
    if cp is None or not cp.va_bank or not cp.partner_service_id:
        raise NotFound("no such VA bank", code="bank_not_found")
    return cp
