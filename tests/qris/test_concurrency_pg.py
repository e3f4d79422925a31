"""On PostgreSQL, concurrent requests for the same bill code create one intent."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.qris_acquirer import LocalAcquirer
from pasar_pay.services.qris_codes import QrisCodeService
from pasar_pay.services.qris_ports import GeneratedCode, QrisMerchant
from tests.qris.conftest import KIOS_BILL, SRI


class SlowAcquirer(LocalAcquirer):
    """Widens the race window: every request asks the acquirer at the same time."""

    def generate(
        self, amount: int, reference: str, expires_at: datetime, merchant: QrisMerchant
    ) -> GeneratedCode:
        time.sleep(0.2)
        return super().generate(amount, reference, expires_at, merchant)


@pytest.mark.pg_only
def test_concurrent_requests_create_one_intent(qris: Container) -> None:
    service = QrisCodeService(qris.uow, qris.clock, SlowAcquirer())
    barrier = threading.Barrier(6)
    ids: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            view = service.bill_code(SRI, [KIOS_BILL])
            assert view.intent is not None
            ids.append(view.intent.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(ids) == 6
    assert len(set(ids)) == 1
    from sqlalchemy import func, select

    from pasar_pay.adapters.db.tables import payment_intents

    with qris.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(payment_intents)).scalar()
    assert count == 1
