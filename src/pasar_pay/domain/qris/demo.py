"""FICTITIOUS demo merchants for development, tests and the bank simulator.

Nothing here identifies a real merchant: the NMID, PAN and merchant ID are derived from a hash
of the market code, so they are stable across runs but registered nowhere. Never print these
on a sticker a payer could scan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from pasar_pay.domain.qris.model import AdditionalData, Criteria, MerchantAccount, MerchantData
from pasar_pay.domain.qris.validate import is_ans

BANK_JATENG_NNS = "93600113"
BANK_JATENG_GUID = "ID.CO.BANKJATENG.WWW"
MCC_GOVERNMENT_SERVICES = "9399"
DEMO_CITY = "SURAKARTA"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoMerchant:
    """A FICTITIOUS but rule-valid merchant for `market_code`; `fictitious` is always True."""

    market_code: str
    merchant: MerchantData
    fictitious: Literal[True] = True


def demo_merchant(
    market_code: str, *, name: str | None = None, criteria: Criteria = Criteria.URE
) -> DemoMerchant:
    """FICTITIOUS static-QRIS merchant data for a market (Bank Jateng style, MCC 9399).

    Identifiers are deterministic in `market_code`. `criteria` must be UMI or URE.
    """
    if criteria not in (Criteria.UMI, Criteria.URE):
        raise ValueError("demo merchants are UMI or URE")
    number = int.from_bytes(hashlib.sha256(f"pasar_pay demo {market_code}".encode()).digest())
    nmid = f"ID{number % 10**13:013d}"
    number //= 10**13
    pan = f"{BANK_JATENG_NNS}{number % 10**11:011d}"
    number //= 10**11
    merchant_id = f"{number % 10**15:015d}"
    number //= 10**15
    label = name if name is not None else f"PASAR {market_code}"
    safe = "".join(c for c in label.upper() if is_ans(c))[:25].strip() or "PASAR"
    merchant = MerchantData(
        accounts=(
            MerchantAccount(
                tag="26",
                guid=BANK_JATENG_GUID,
                pan=pan,
                merchant_id=merchant_id,
                criteria=criteria,
            ),
        ),
        nmid=nmid,
        criteria=criteria,
        mcc=MCC_GOVERNMENT_SERVICES,
        name=safe,
        city=DEMO_CITY,
        postal_code=f"571{number % 90 + 10:02d}",
        additional=AdditionalData(terminal_label="A01"),
    )
    return DemoMerchant(market_code=market_code, merchant=merchant)
