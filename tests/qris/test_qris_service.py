"""QRIS use cases: demo merchants, bill codes as payment intents, stall codes, acquirer port."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from pasar_pay.domain.errors import DomainError, NotFound
from pasar_pay.domain.qris import errors_only, parse, to_dynamic, validate
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, VendorSpec
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.qris_codes import QrisCodeService
from pasar_pay.services.qris_merchants import MerchantIn
from pasar_pay.services.qris_ports import GeneratedCode, QrisMerchant
from tests.conftest import FakeClock
from tests.qris.conftest import (
    BUDI,
    FINANCE,
    KIOS_BILL,
    KIOS_STALL,
    LEGI_BILL,
    LOS_BILL,
    MANAGER_GEDE,
    SRI,
    pay,
)


def _intent_rows(container: Container) -> list[dict[str, object]]:
    from sqlalchemy import select

    from pasar_pay.adapters.db.tables import payment_intents

    with container.engine.connect() as connection:
        rows = connection.execute(select(payment_intents).order_by(payment_intents.c.created_at))
        return [dict(r._mapping) for r in rows]


def test_demo_merchants_are_fictitious_valid_and_created_once(qris: Container) -> None:
    assert qris.qris_merchants.demo_merchants() == (0, 2)
    merchants = qris.qris_merchants.merchants(FINANCE)
    assert {m["id"] for m in merchants} == {"market:PSR-GEDE", "market:PSR-LEGI"}
    for m in merchants:
        assert m["fictitious"] is True
        assert errors_only(validate(m["static_payload"], retribution=True)) == []
        assert parse(m["static_payload"]).get("51.02") == m["nmid"]
    assert [m["id"] for m in qris.qris_merchants.merchants(MANAGER_GEDE)] == ["market:PSR-GEDE"]


def test_a_bill_code_is_a_live_intent_for_the_open_amount(qris: Container) -> None:
    view = qris.qris.bill_code(SRI, [KIOS_BILL])
    tree = parse(view.payload)
    assert errors_only(validate(tree, retribution=True)) == []
    assert (tree.get("01"), tree.get("54")) == ("12", "215670")
    intent = view.intent
    assert intent is not None
    assert view.created
    assert tree.get("62.05") == intent.reference
    assert len(intent.reference) <= 25
    assert intent.expires_at == qris.clock() + timedelta(hours=24)
    (row,) = _intent_rows(qris)
    assert row["kind"] == "bill"
    assert row["channel"] == "qris"
    assert row["status"] == "live"
    assert row["bill_ids"] == [KIOS_BILL]
    assert row["amount"] == 215_670
    assert row["payload"] == view.payload
    assert row["source"] == "local"
    assert row["reference"] == intent.reference
    assert row["vendor_code"] == "V000001"


def test_asking_twice_returns_the_same_live_intent(qris: Container) -> None:
    first = qris.qris.bill_code(SRI, [KIOS_BILL])
    again = qris.qris.bill_code(FINANCE, [KIOS_BILL])
    assert again.intent == first.intent
    assert not again.created
    assert len(_intent_rows(qris)) == 1


def test_a_changed_open_amount_expires_the_old_intent(qris: Container) -> None:
    first = qris.qris.bill_code(SRI, [KIOS_BILL])
    pay(qris, "V000001", KIOS_BILL, 15_670)
    second = qris.qris.bill_code(SRI, [KIOS_BILL])
    assert second.created
    assert second.intent
    assert second.intent.amount == 200_000
    assert parse(second.payload).get("54") == "200000"
    rows = {r["id"]: r for r in _intent_rows(qris)}
    assert first.intent
    assert rows[first.intent.id]["status"] == "expired"
    assert rows[first.intent.id]["closed_at"] is not None
    assert rows[second.intent.id]["status"] == "live"
    assert first.intent.reference != second.intent.reference


def test_an_expired_intent_is_replaced(qris: Container, clock: FakeClock) -> None:
    first = qris.qris.bill_code(SRI, [KIOS_BILL])
    clock.advance(hours=24)
    second = qris.qris.bill_code(SRI, [KIOS_BILL])
    assert second.created
    assert first.intent
    assert second.intent
    assert second.intent.id != first.intent.id
    assert [r["status"] for r in _intent_rows(qris)] == ["expired", "live"]


def test_nothing_owed_is_refused_clearly(qris: Container) -> None:
    pay(qris, "V000001", KIOS_BILL, 215_670)
    with pytest.raises(DomainError) as caught:
        qris.qris.bill_code(SRI, [KIOS_BILL])
    assert caught.value.code == "qris.nothing_owed"
    assert _intent_rows(qris) == []


def test_several_bills_of_one_vendor_make_one_code(qris: Container) -> None:
    view = qris.qris.bill_code(SRI, [LOS_BILL, KIOS_BILL, KIOS_BILL])
    assert view.intent is not None
    assert view.intent.bill_ids == tuple(sorted([KIOS_BILL, LOS_BILL]))
    with qris.uow() as uow:
        from pasar_pay.services.ports import BillsFilter

        owed = sum(b.owed for b in uow.billing.bills(BillsFilter(vendor="V000001"), None, 10))
    assert view.intent.amount == owed
    # a paid bill among them is left out; the rest is still one code
    pay(qris, "V000001", LOS_BILL, owed - 215_670)
    rest = qris.qris.bill_code(SRI, [LOS_BILL, KIOS_BILL])
    assert rest.intent
    assert rest.intent.bill_ids == (KIOS_BILL,)
    assert rest.intent.amount == 215_670


def test_bills_of_two_vendors_are_refused(qris: Container) -> None:
    with pytest.raises(DomainError) as caught:
        qris.qris.bill_code(FINANCE, [KIOS_BILL, LEGI_BILL])
    assert caught.value.code == "qris.mixed_vendors"


def test_scope_vendor_own_manager_market(qris: Container) -> None:
    with pytest.raises(NotFound):
        qris.qris.bill_code(BUDI, [KIOS_BILL])
    with pytest.raises(NotFound):
        qris.qris.bill_code(MANAGER_GEDE, [LEGI_BILL])
    assert qris.qris.bill_code(MANAGER_GEDE, [KIOS_BILL]).intent is not None
    view = qris.qris.bill_code(BUDI, [LEGI_BILL])
    assert view.intent is not None
    with pytest.raises(NotFound):
        qris.qris.intent(SRI, view.intent.id)
    with pytest.raises(NotFound):
        qris.qris.intent(MANAGER_GEDE, view.intent.id)


def test_over_the_qris_cap_suggests_a_virtual_account(registry: Container) -> None:
    big = StallSpec("PSR-GEDE-K99-001", "PSR-GEDE", "K99", "001", "kios", 6_000_000)
    registry.registry.load_demo(
        DemoRegistry(
            stalls=[big],
            vendors=[VendorSpec("V000009", "Juragan")],
            holdings=[(big.code, "V000009")],
        )
    )
    registry.billing.run(None, datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
    registry.qris_merchants.demo_merchants()
    with pytest.raises(DomainError) as caught:
        registry.qris.bill_code(FINANCE, ["RET-20261101-PSR-GEDE-K99-001"])
    assert caught.value.code == "qris.amount_over_cap"
    assert caught.value.details["suggestion"] == "virtual_account"
    assert "virtual account" in caught.value.message


def test_expiry_is_configurable(qris: Container) -> None:
    service = QrisCodeService(qris.uow, qris.clock, qris.qris_acquirer, ttl=timedelta(hours=2))
    view = service.bill_code(SRI, [KIOS_BILL])
    assert view.intent
    assert view.intent.expires_at == qris.clock() + timedelta(hours=2)


class FakeAcquirer:
    """Stands in for a SNAP qr-mpm-generate client."""

    def __init__(self, amount_delta: int = 0) -> None:
        self.calls: list[tuple[int, str, datetime]] = []
        self.amount_delta = amount_delta

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> GeneratedCode:
        self.calls.append((amount, reference, expires_at))
        payload = to_dynamic(
            merchant.static_payload,
            amount=amount + self.amount_delta,
            reference="ACQ" + reference[-8:],
        )
        return GeneratedCode(payload, f"ACQ-{len(self.calls):06d}", "acquirer")


def test_an_acquirer_port_records_source_and_its_reference(qris: Container) -> None:
    fake = FakeAcquirer()
    service = QrisCodeService(qris.uow, qris.clock, fake)  # type: ignore[arg-type]
    view = service.bill_code(SRI, [KIOS_BILL])
    assert fake.calls
    assert fake.calls[0][0] == 215_670
    (row,) = _intent_rows(qris)
    assert (row["source"], row["acquirer_reference"]) == ("acquirer", "ACQ-000001")
    assert view.intent
    assert row["reference"] == view.intent.reference


def test_an_acquirer_code_for_the_wrong_amount_is_refused(qris: Container) -> None:
    service = QrisCodeService(qris.uow, qris.clock, FakeAcquirer(1))  # type: ignore[arg-type]
    with pytest.raises(DomainError) as caught:
        service.bill_code(SRI, [KIOS_BILL])
    assert caught.value.code == "qris.acquirer_invalid"
    assert _intent_rows(qris) == []


def test_a_stall_code_is_the_markets_static_code_labelled(qris: Container) -> None:
    view = qris.qris.stall_code(SRI, KIOS_STALL)
    tree = parse(view.payload)
    assert errors_only(validate(tree, retribution=True)) == []
    assert tree.get("01") == "11"
    assert tree.get("54") is None
    assert (tree.get("62.06"), tree.get("62.07")) == (KIOS_STALL, "K01-001")
    market = parse(view.merchant.static_payload)
    assert tree.get("51.02") == market.get("51.02")
    assert tree.get("26.01") == market.get("26.01")
    with pytest.raises(NotFound):
        qris.qris.stall_code(BUDI, KIOS_STALL)
    with pytest.raises(NotFound):
        qris.qris.stall_code(MANAGER_GEDE, "PSR-LEGI-L01-001")


REAL = MerchantIn(
    market="PSR-GEDE",
    acquirer_code="BANKJATENG",
    guid="ID.CO.BANKJATENG.WWW",
    pan="9360011300000000017",
    merchant_id="000000000000017",
    nmid="ID1026000000017",
    mcc="9399",
    criteria="URE",
    name="RETRIBUSI PASAR GEDE",
    city="SURAKARTA",
    postal_code="57111",
)


def test_finance_registers_real_merchant_data(qris: Container) -> None:
    out = qris.qris_merchants.register(FINANCE, REAL)
    assert out["fictitious"] is False
    assert out["id"] == "market:PSR-GEDE"
    assert parse(out["static_payload"]).get("51.02") == REAL.nmid
    view = qris.qris.bill_code(SRI, [KIOS_BILL])
    assert parse(view.payload).get("59") == "RETRIBUSI PASAR GEDE"
    # the acquirer's own static payload is accepted when it names the same merchant
    again = qris.qris_merchants.register(
        FINANCE, dataclasses.replace(REAL, static_payload=out["static_payload"])
    )
    assert again["static_payload"] == out["static_payload"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nmid": "ID10260000000X7"}, "qris.build_invalid"),
        ({"mcc": "93"}, "qris.build_invalid"),
        ({"criteria": "XXX"}, "qris.criteria"),
        ({"market": None}, "qris.owner"),
        ({"market": "PSR-NOPE"}, "market_unknown"),
        ({"static_payload": "00020101021163040000"}, "qris.invalid"),
    ],
)
def test_invalid_merchant_data_is_refused(
    qris: Container, change: dict[str, object], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        qris.qris_merchants.register(FINANCE, dataclasses.replace(REAL, **change))  # type: ignore[arg-type]
    assert caught.value.code == code


def test_a_static_payload_of_another_merchant_is_refused(qris: Container) -> None:
    other = qris.qris_merchants.merchants(FINANCE)[1]["static_payload"]
    with pytest.raises(DomainError) as caught:
        qris.qris_merchants.register(FINANCE, dataclasses.replace(REAL, static_payload=other))
    assert caught.value.code == "qris.payload_mismatch"


def test_a_vendor_merchant_for_online_orders(qris: Container) -> None:
    data = dataclasses.replace(REAL, market=None, vendor="V000001", name="WARUNG BU SRI")
    assert qris.qris_merchants.register(FINANCE, data)["id"] == "vendor:V000001"


def test_demo_merchants_are_refused_in_production(qris: Container) -> None:
    from pasar_pay.services.qris_merchants import QrisMerchantService

    service = QrisMerchantService(qris.uow, qris.clock, allow_demo=False)
    with pytest.raises(DomainError) as caught:
        service.demo_merchants()
    assert caught.value.code == "qris.demo_refused"
