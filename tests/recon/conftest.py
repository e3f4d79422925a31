"""A billed registry with a VA bank (BNI) and a QRIS acquirer (QRACQ), the market's statement
account registered, and principals for the service-level tests. All data is synthetic."""

from __future__ import annotations

from datetime import date

import pytest

from pasar_pay.domain.access import Principal, Role
from pasar_pay.services.recon_ports import FeeRuleRecord, ReconAccount
from tests.banking.conftest import World, world  # noqa: F401  (the fixture, re-exported)

ACCOUNT = "0011223344"
DAY = date(2026, 11, 2)
FINANCE = Principal("k-finance", Role.FINANCE)
FINANCE_2 = Principal("k-finance-2", Role.FINANCE)
GEDE = Principal("k-gede", Role.MANAGER, frozenset({"PSR-GEDE"}))
LEGI = Principal("k-legi", Role.MANAGER, frozenset({"PSR-LEGI"}))


@pytest.fixture
def recon(world: World) -> World:  # noqa: F811
    services = world.container.recon
    services.imports.register_account(
        FINANCE, ReconAccount("BNI", ACCOUNT, "PSR-GEDE", "simulator", "Pasar Gede BNI giro")
    )
    services.imports.register_account(
        FINANCE, ReconAccount("BNI", "0099887766", "PSR-LEGI", None, "Pasar Legi BNI giro")
    )
    services.imports.set_fee_rule(
        FINANCE, FeeRuleRecord("QRACQ", mdr_bp=30, market="PSR-GEDE", note="synthetic")
    )
    return world
