"""Setting up and running a simulated market day end to end.

The setup side is what an operator does with the `banks` CLI, in the same database as the
server: make the simulated bank's keys, register it (a VA bank and QRIS acquirer, SYNTHETIC
company code), issue one VA per vendor, and ask for QRIS codes on open bills. The day itself
goes over HTTP only: inquiries and payments for half the vendors, QRIS notifications (pending,
then success) for the codes of the other half, with duplicates, reordering, lost callbacks
and retries.
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from pathlib import Path

from pasar_pay.adapters.banks.snap_rsa import (
    generate_private_key,
    load_private_key,
    private_key_pem,
    public_key_pem,
)
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import DomainError
from pasar_pay.entrypoints.bank_sim.client import BankIdentity
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.banking.counterparties import Registration
from pasar_pay.services.banking.ports import Counterparty, VaRecord
from pasar_pay.services.ports import BillsFilter

SIM_CODE = "SIMBANK"
SIM_COMPANY_CODE = "88899"  # SYNTHETIC partnerServiceId, registered nowhere
SYSTEM = Principal("bank-sim", Role.FINANCE, label="bank simulator setup")


def keygen(directory: Path, code: str = SIM_CODE) -> None:
    """The simulated bank's RSA key pair and client secret (kept if they exist)."""
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / f"{code}.key.pem").exists():
        return
    key = generate_private_key()
    (directory / f"{code}.key.pem").write_text(private_key_pem(key))
    (directory / f"{code}.pub.pem").write_text(public_key_pem(key))
    (directory / f"{code}.secret").write_text(secrets.token_urlsafe(32))


def identity(keys: Path, code: str = SIM_CODE, mode: str = "hmac") -> BankIdentity:
    return BankIdentity(
        code=code,
        partner_id=f"{code.lower()}-partner",
        client_key=f"{code.lower()}-client",
        client_secret=(keys / f"{code}.secret").read_text().strip(),
        private_key=load_private_key((keys / f"{code}.key.pem").read_text()),
        signature_mode=mode,
    )


def ensure_registered(
    container: Container, keys: Path, code: str = SIM_CODE, base_url: str | None = None
) -> Counterparty:
    """Register the simulator as a VA bank and QRIS acquirer unless it already is."""
    keygen(keys, code)
    ident = identity(keys, code)
    existing = container.counterparties.list()
    if any(b["code"] == code for b in existing):
        with container.uow() as uow:
            found = uow.banks.counterparty(code)
        assert found is not None
        return found
    return container.counterparties.register(
        Registration(
            Counterparty(
                code=code,
                name=f"{code} (simulated bank, SYNTHETIC)",
                partner_id=ident.partner_id,
                client_key=ident.client_key,
                partner_service_id=SIM_COMPANY_CODE,
                channel_id="95221",
                signature_mode="hmac",
                va_bank=True,
                qris_acquirer=True,
                base_url=base_url,
            ),
            client_secret=ident.client_secret,
            public_key_pem=public_key_pem(ident.private_key),
        )
    )


def vendors_with_open_bills(container: Container, limit: int) -> list[str]:
    with container.uow() as uow:
        bills = uow.billing.bills(BillsFilter(open_only=True), None, limit * 30)
    ordered = sorted({b.vendor_code for b in bills})
    return ordered[:limit]


def write_vas(records: list[VaRecord], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["vendor", "partner_service_id", "customer_no", "digits"])
        for r in records:
            writer.writerow([r.vendor_code, r.partner_service_id, r.customer_no, r.va_digits])


@dataclass(frozen=True, slots=True)
class DayPlan:
    vas: list[VaRecord]  # vendors who pay by VA
    codes: list[tuple[str, str, int]]  # (reference, acquirer reference or "", amount)


def plan_day(container: Container, code: str, vendors: int) -> DayPlan:
    """Half the vendors pay by VA, the other half scan a QRIS code for their oldest bill."""
    chosen = vendors_with_open_bills(container, vendors)
    by_va, by_qris = chosen[: (len(chosen) + 1) // 2], chosen[(len(chosen) + 1) // 2 :]
    vas = container.virtual_accounts.ensure_reusable(code, by_va) if by_va else []
    codes: list[tuple[str, str, int]] = []
    for vendor in by_qris:
        with container.uow() as uow:
            bills = uow.billing.bills(BillsFilter(vendor=vendor, open_only=True), None, 1)
        if not bills:
            continue
        try:
            view = container.qris.bill_code(SYSTEM, [bills[0].id])
        except DomainError:
            continue  # e.g. the market has no QRIS merchant: that vendor pays another way
        intent = view.intent
        assert intent is not None
        codes.append((intent.reference, intent.acquirer_reference or "", intent.amount))
    return DayPlan(vas, codes)
