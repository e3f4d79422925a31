"""Demo merchants: fictitious, deterministic, valid."""

from __future__ import annotations

import pytest

from pasar_pay.domain.qris import Criteria, build, demo_merchant, to_merchant_data, validate
from pasar_pay.domain.qris.demo import DemoMerchant


@pytest.mark.parametrize("code", ["PSR-GEDE", "PSR-LEGI", "PSR-KLEWER", "X"])
def test_demo_merchant_is_valid_and_marked_fictitious(code: str) -> None:
    demo = demo_merchant(code)
    assert demo.fictitious is True
    assert "FICTITIOUS" in (DemoMerchant.__doc__ or "")
    assert "FICTITIOUS" in (demo_merchant.__doc__ or "")
    m = demo.merchant
    assert m.nmid.startswith("ID")
    assert len(m.nmid) == 15
    assert m.nmid[2:].isdigit()
    [account] = m.accounts
    assert account.guid == "ID.CO.BANKJATENG.WWW"
    assert account.pan is not None
    assert account.pan.startswith("93600113")
    assert (m.mcc, m.city) == ("9399", "SURAKARTA")
    assert m.postal_code is not None
    assert m.postal_code.startswith("571")
    payload = build(m)
    assert validate(payload, retribution=True) == []
    assert to_merchant_data(payload) == m


def test_identifiers_are_deterministic_and_distinct_per_market() -> None:
    assert demo_merchant("PSR-GEDE") == demo_merchant("PSR-GEDE")
    nmids = {demo_merchant(f"PSR-{n}").merchant.nmid for n in range(200)}
    assert len(nmids) == 200


def test_criteria_is_umi_or_ure_only() -> None:
    assert demo_merchant("PSR-GEDE", criteria=Criteria.UMI).merchant.criteria == "UMI"
    with pytest.raises(ValueError, match="UMI or URE"):
        demo_merchant("PSR-GEDE", criteria=Criteria.UBE)
