"""Dynamic codes from the market's acquirer (the simulator's SNAP server, in process): the
code and its reference come from qr-mpm-generate; a failing acquirer degrades to a local
code that says so, or refuses with 503 when degradation is switched off; the acquirer's
notification for a code it generated books the bill."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from pasar_pay.adapters.banks.acquirer_directory import OutboundSettings, SnapAcquirerDirectory
from pasar_pay.adapters.banks.resilience import RetryPolicy
from pasar_pay.adapters.banks.snap_rsa import private_key_from_file, public_key_pem
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.qris import parse
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.bank_sim.acquirer import AcquirerState, create_acquirer_app
from pasar_pay.entrypoints.bank_sim.client import SnapBankClient, notify_body
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.banking.counterparties import Registration
from pasar_pay.services.banking.ports import Counterparty
from pasar_pay.services.qris_acquirer import RoutedAcquirer
from pasar_pay.services.qris_codes import QrisCodeService
from pasar_pay.services.qris_merchants import DEMO_ACQUIRER
from tests.banking.conftest import identity
from tests.qris.conftest import KIOS_BILL, SRI


@dataclass
class Setup:
    container: Container
    state: AcquirerState
    directory: SnapAcquirerDirectory

    def service(self, *, allow_fallback: bool = True) -> QrisCodeService:
        routed = RoutedAcquirer(self.directory, allow_fallback=allow_fallback)
        return QrisCodeService(self.container.uow, self.container.clock, routed)


@pytest.fixture
def acquired(qris: Container) -> Iterator[Setup]:
    """The demo merchants' acquirer registered with an outbound URL to the simulator."""
    ident = identity(DEMO_ACQUIRER)
    qris.counterparties.register(
        Registration(
            Counterparty(
                code=DEMO_ACQUIRER,
                name="Simulated acquirer",
                partner_id=ident.partner_id,
                client_key=ident.client_key,
                partner_service_id=None,
                channel_id="95221",
                signature_mode="hmac",
                va_bank=False,
                qris_acquirer=True,
                base_url="http://acquirer.test/snap",
            ),
            client_secret=ident.client_secret,
            public_key_pem=public_key_pem(ident.private_key),
        )
    )
    our_key_path = qris.settings.effective_snap_key_path
    state = AcquirerState(
        client_key=ident.client_key,
        partner_id=ident.partner_id,
        client_secret=ident.client_secret,
        pasar_pay_key=private_key_from_file(our_key_path, create=True).public_key(),
        window=timedelta(days=3650),  # the fake clock of the tests is not the simulator's
    )
    with TestClient(create_acquirer_app(state), base_url="http://acquirer.test") as http:
        directory = SnapAcquirerDirectory(
            qris.uow,
            qris.secret_box,
            lambda: private_key_from_file(our_key_path, create=False),
            qris.clock,
            OutboundSettings(retry=RetryPolicy(attempts=2, base_delay=0.0, jitter=0.0)),
            http_factory=lambda timeout: http,
        )
        yield Setup(qris, state, directory)


def _intent_row(container: Container) -> dict[str, object]:
    from sqlalchemy import select

    from pasar_pay.adapters.db.tables import payment_intents

    with container.engine.connect() as c:
        return dict(c.execute(select(payment_intents)).mappings().one())


def test_the_code_comes_from_the_acquirer_with_its_reference(acquired: Setup) -> None:
    view = acquired.service().bill_code(SRI, [KIOS_BILL])
    assert acquired.state.calls == ["token", "generate"]
    (code,) = acquired.state.codes.values()
    assert view.payload == code.content
    assert parse(view.payload).get("54") == "215670"
    out = view.as_dict()
    assert (out["source"], out["degraded"]) == ("acquirer", False)
    row = _intent_row(acquired.container)
    assert (row["source"], row["acquirer_reference"]) == ("acquirer", code.reference_no)
    assert row["reference"] == code.partner_reference


def test_a_failing_acquirer_degrades_to_a_local_code_and_says_so(acquired: Setup) -> None:
    acquired.state.faults.down = True
    view = acquired.service().bill_code(SRI, [KIOS_BILL])
    out = view.as_dict()
    assert (out["source"], out["degraded"]) == ("fallback", True)
    assert "unavailable" in out["notice"]
    assert acquired.state.calls.count("token") == 2  # tried, retried, gave up
    row = _intent_row(acquired.container)
    assert (row["source"], row["acquirer_reference"]) == ("fallback", None)
    assert parse(view.payload).get("62.05") == row["reference"]


def test_without_degradation_a_failing_acquirer_is_a_503(acquired: Setup) -> None:
    acquired.state.faults.down = True
    with pytest.raises(DomainError) as refused:
        acquired.service(allow_fallback=False).bill_code(SRI, [KIOS_BILL])
    assert refused.value.code == "qris.acquirer_unavailable"
    from pasar_pay.entrypoints.api.problems import status_for

    assert status_for(refused.value) == 503
    from sqlalchemy import func, select

    from pasar_pay.adapters.db.tables import payment_intents

    with acquired.container.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(payment_intents)).scalar() == 0


def test_the_acquirers_notification_books_the_code_it_generated(acquired: Setup) -> None:
    view = acquired.service().bill_code(SRI, [KIOS_BILL])
    (code,) = acquired.state.codes.values()
    container = acquired.container
    with TestClient(create_app(container)) as api:
        notifier = SnapBankClient(api, identity(DEMO_ACQUIRER), clock=container.clock)
        body = notify_body(code.reference_no, code.partner_reference, code.amount)
        answer = notifier.qr_notify(body)
        assert answer.json()["responseCode"] == "2005200"
        again = notifier.qr_notify(body)  # a duplicate is acknowledged, booked once
        assert again.json()["responseCode"] == "2005200"
    from pasar_pay.services.ports import BillsFilter

    with container.uow() as uow:
        (bill,) = uow.billing.bills(BillsFilter(ids=frozenset({KIOS_BILL})), None, 1)
        assert bill.owed == 0
    assert view.intent is not None
    assert _intent_row(container)["status"] == "paid"


def test_query_and_refund_go_to_the_acquirer(acquired: Setup) -> None:
    acquired.service().bill_code(SRI, [KIOS_BILL])
    (code,) = acquired.state.codes.values()
    connector = acquired.directory.connector(DEMO_ACQUIRER)
    assert connector is not None
    status = connector.query(code.reference_no, code.partner_reference, "m")
    assert (status.status, status.amount) == ("03", 215_670)
    code.status = "00"
    refund = connector.refund(code.reference_no, code.partner_reference, "RF-1", 670, "typo")
    assert refund.amount == 670
    assert refund.acquirer_refund_no
    assert connector.query(code.reference_no, code.partner_reference, "m").status == "00"


def test_an_unregistered_acquirer_means_a_local_code(qris: Container) -> None:
    view = qris.qris.bill_code(SRI, [KIOS_BILL])
    assert view.as_dict()["source"] == "local"


def test_the_api_shows_the_degraded_flag(acquired: Setup) -> None:
    acquired.state.faults.down = True
    container = acquired.container
    container.qris = acquired.service()  # type: ignore[misc]  # route through the simulator
    from pasar_pay.domain.access import Role

    token = container.keys.issue(Role.VENDOR, label="v", vendor_code="V000001").token
    with TestClient(create_app(container)) as api:
        response = api.get(f"/bills/{KIOS_BILL}/qris", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["source"], out["degraded"]) == ("fallback", True)
    assert out["notice"]


def test_unusable_outbound_credentials_degrade_too(acquired: Setup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "no-such-key.pem"
    directory = SnapAcquirerDirectory(
        acquired.container.uow,
        acquired.container.secret_box,
        lambda: private_key_from_file(missing, create=False),
        acquired.container.clock,
    )
    routed = RoutedAcquirer(directory, allow_fallback=True)
    service = QrisCodeService(acquired.container.uow, acquired.container.clock, routed)
    out = service.bill_code(SRI, [KIOS_BILL]).as_dict()
    assert (out["source"], out["degraded"]) == ("fallback", True)
    assert "credentials unusable" in out["notice"]
    assert acquired.state.calls == []


def test_a_demo_override_sends_every_merchant_to_one_acquirer(qris: Container) -> None:
    asked: list[str] = []

    class Directory:
        def connector(self, code: str) -> None:
            asked.append(code)
            return None

    routed = RoutedAcquirer(Directory(), allow_fallback=True, override="SIMBANK")
    service = QrisCodeService(qris.uow, qris.clock, routed)
    assert service.bill_code(SRI, [KIOS_BILL]).as_dict()["source"] == "local"
    assert asked == ["SIMBANK"]


def test_the_demo_override_is_refused_in_production() -> None:
    from pydantic import ValidationError

    from pasar_pay.config import Mode, Settings

    with pytest.raises(ValidationError, match="QRIS_DEMO_ACQUIRER"):
        Settings(
            mode=Mode.PRODUCTION,
            secret_key="x" * 40,
            digest_key_path="/tmp/k.pem",  # type: ignore[arg-type]
            qris_demo_acquirer="SIMBANK",
        )
