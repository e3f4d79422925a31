"""A billed registry, two registered counterparties and signing clients for them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from pasar_pay.adapters.banks.snap_rsa import generate_private_key, public_key_pem
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.bank_sim.client import BankIdentity, SnapBankClient
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.banking.counterparties import Registration
from pasar_pay.services.banking.ports import Counterparty, IntentRecord, VaRecord
from tests.conftest import FakeClock

KIOS = StallSpec("PSR-GEDE-K01-001", "PSR-GEDE", "K01", "001", "kios", 90_000)
LOS = StallSpec("PSR-GEDE-L01-001", "PSR-GEDE", "L01", "001", "los", 22_500)
OTHER = StallSpec("PSR-LEGI-L01-001", "PSR-LEGI", "L01", "001", "los", 40_000)
PSID = "98812"


@cache
def key(name: str) -> rsa.RSAPrivateKey:
    return generate_private_key()


def identity(code: str, mode: str = "hmac") -> BankIdentity:
    return BankIdentity(
        code=code,
        partner_id=f"{code.lower()}-partner",
        client_key=f"{code.lower()}-client",
        client_secret=f"{code.lower()}-secret-0123456789",
        private_key=key(code),
        signature_mode=mode,
    )


def register(
    container: Container, ident: BankIdentity, *, va: bool, qris: bool, psid: str | None = PSID
) -> Counterparty:
    return container.counterparties.register(
        Registration(
            Counterparty(
                code=ident.code,
                name=f"Bank {ident.code}",
                partner_id=ident.partner_id,
                client_key=ident.client_key,
                partner_service_id=psid if va else None,
                channel_id="95221",
                signature_mode=ident.signature_mode,
                va_bank=va,
                qris_acquirer=qris,
                customer_no_length=12,
            ),
            client_secret=ident.client_secret,
            public_key_pem=public_key_pem(ident.private_key),
        )
    )


@dataclass
class World:
    container: Container
    http: TestClient
    bni: SnapBankClient
    acq: SnapBankClient
    va1: VaRecord  # reusable VA of V000001 at BNI
    va2: VaRecord

    def uow(self):  # type: ignore[no-untyped-def]
        return self.container.uow()

    def entries(self) -> int:
        with self.uow() as uow:
            from sqlalchemy import func, select

            from pasar_pay.adapters.db.tables import ledger_entries

            return int(
                uow.connection.execute(
                    select(func.count()).select_from(ledger_entries)
                ).scalar_one()
            )

    def owed(self, vendor: str) -> int:
        from pasar_pay.services.ports import BillsFilter

        with self.uow() as uow:
            return sum(
                b.owed
                for b in uow.billing.bills(BillsFilter(vendor=vendor, open_only=True), None, 100)
            )

    def intent(
        self,
        vendor: str,
        bill_ids: tuple[str, ...],
        amount: int,
        expires_in: timedelta = timedelta(minutes=15),
    ) -> IntentRecord:
        clock = self.container.clock
        rec = IntentRecord(
            id=str(uuid.uuid4()),
            kind="bill",
            channel="qris",
            vendor_code=vendor,
            market_code="PSR-GEDE",
            bill_ids=bill_ids,
            amount=amount,
            reference=f"QR{uuid.uuid4().hex[:16].upper()}",
            status="live",
            acquirer_reference=None,
            expires_at=clock() + expires_in,
        )
        with self.uow() as uow:
            uow.banks.add_intent(rec, None, clock())
            uow.commit()
        return rec


@pytest.fixture
def world(books: Container, clock: FakeClock) -> Iterator[World]:
    books.billing.seed_tariffs()
    books.registry.load_demo(
        DemoRegistry(
            stalls=[KIOS, LOS, OTHER],
            vendors=[VendorSpec("V000001", "Bu Sri"), VendorSpec("V000002", "Pak Budi")],
            holdings=[(KIOS.code, "V000001"), (LOS.code, "V000001"), (OTHER.code, "V000002")],
        )
    )
    books.billing.run(None, date(2026, 11, 1), date(2026, 11, 30))
    bni, acq = identity("BNI"), identity("QRACQ")
    register(books, bni, va=True, qris=False)
    register(books, acq, va=False, qris=True)
    va1, va2 = books.virtual_accounts.ensure_reusable("BNI", ["V000001", "V000002"])
    with TestClient(create_app(books), raise_server_exceptions=False) as http:
        yield World(
            container=books,
            http=http,
            bni=SnapBankClient(http, bni, clock=clock),
            acq=SnapBankClient(http, acq, clock=clock),
            va1=va1,
            va2=va2,
        )
