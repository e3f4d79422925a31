"""The issue's proof list at the HTTP boundary, items not covered elsewhere: bodies whose
signatures only verify with a structural minifier (whitespace inside values, non-ASCII, `\\/`),
a path with prefix and query string, wrong secret, stale and future timestamps, unknown token,
X-EXTERNAL-ID reused for payments; every refusal stores nothing but its audit line."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pasar_pay.adapters.db.bank_tables import bank_events, bank_external_ids, bank_inbox
from pasar_pay.domain.snap.signature import sign_symmetric
from pasar_pay.domain.snap.timestamps import format_timestamp
from pasar_pay.entrypoints.bank_sim.client import inquiry_body, payment_body
from tests.banking.conftest import PSID, World
from tests.conftest import FakeClock

INQUIRY = "/snap/v1.0/transfer-va/inquiry"


def _code(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert response.status_code == int(body["responseCode"][:3])
    return str(body["responseCode"])


def _stored(world: World) -> tuple[int, int, int]:
    with world.uow() as uow:
        c = uow.connection
        return (
            int(c.execute(select(func.count()).select_from(bank_inbox)).scalar_one()),
            int(c.execute(select(func.count()).select_from(bank_events)).scalar_one()),
            int(c.execute(select(func.count()).select_from(bank_external_ids)).scalar_one()),
        )


def _entries_for(world: World, reference: str) -> int:
    from pasar_pay.adapters.db.tables import ledger_entries

    with world.uow() as uow:
        stmt = select(func.count()).where(ledger_entries.c.reference == reference)
        return int(uow.connection.execute(stmt).scalar_one())


@pytest.mark.parametrize(
    "raw",
    [
        # spaces inside a value are signed (a naive strip-all minifier breaks this one)
        '{\n  "partnerServiceId": "   {psid}",\n  "customerNo": "{cust}",\n'
        '  "virtualAccountNo": "   {psid}{cust}",\n  "inquiryRequestId": "INQ-WS",\n'
        '  "additionalInfo": {"note": "Bu  Tuminah   kios A"}\n}',
        # raw non-ASCII, as PHP/Java senders with unescaped unicode send it
        '{"partnerServiceId":"   {psid}","customerNo":"{cust}",'
        '"virtualAccountNo":"   {psid}{cust}","inquiryRequestId":"INQ-NA",'
        '"additionalInfo":{"payer":"Bu Tuminah – Pasar Gede, Surakarta"}}',
        # escaped slash and \\u escapes, as PHP json_encode sends them by default
        '{"partnerServiceId":"   {psid}","customerNo":"{cust}",'
        '"virtualAccountNo":"   {psid}{cust}","inquiryRequestId":"INQ-ESC",'
        '"additionalInfo":{"url":"https:\\/\\/bank.example\\/cb","name":"Jos\\u00e9"}}',
    ],
    ids=["whitespace-in-values", "non-ascii", "escaped-slash"],
)
def test_bodies_as_sent_verify(world: World, raw: str) -> None:
    text = raw.replace("{psid}", PSID).replace("{cust}", world.va1.customer_no)
    body = text.encode("utf-8")
    headers = world.bni.headers(INQUIRY, body)
    assert _code(world.http.post(INQUIRY, content=body, headers=headers)) == "2002400"
    # the same body re-serialised by the receiver would hash differently: not what was signed
    redone = json.dumps(json.loads(body)).encode()
    if redone.replace(b" ", b"") != body.replace(b" ", b"").replace(b"\n", b""):
        headers = world.bni.headers(INQUIRY, redone)
        assert _code(world.http.post(INQUIRY, content=body, headers=headers)) == "4012400"


def test_path_with_prefix_and_query_string_is_what_is_signed(world: World) -> None:
    body = json.dumps(inquiry_body(PSID, world.va1.customer_no, "INQ-Q")).encode()
    path = INQUIRY + "?channel=atm&lang=id"
    good = world.bni.headers(path, body)
    assert _code(world.http.post(path, content=body, headers=good)) == "2002400"
    without_query = world.bni.headers(INQUIRY, body)
    assert _code(world.http.post(path, content=body, headers=without_query)) == "4012400"


def test_wrong_secret_is_refused(world: World) -> None:
    body = json.dumps(inquiry_body(PSID, world.va1.customer_no, "INQ-S")).encode()
    headers = world.bni.headers(INQUIRY, body)
    token = headers["Authorization"].removeprefix("Bearer ")
    headers["X-SIGNATURE"] = sign_symmetric(
        "not-the-bank-secret-0123",
        method="POST",
        relative_url=INQUIRY,
        access_token=token,
        raw_body=body,
        timestamp=headers["X-TIMESTAMP"],
    )
    assert _code(world.http.post(INQUIRY, content=body, headers=headers)) == "4012400"
    assert _stored(world) == (0, 0, 0)


@pytest.mark.parametrize(
    "offset", [-301, 301, -3600, 3600], ids=["stale", "future", "old", "ahead"]
)
def test_timestamps_outside_the_window_are_refused(
    world: World, clock: FakeClock, offset: int
) -> None:
    owed = world.owed("V000001")
    body = payment_body(PSID, world.va1.customer_no, "PAY-TS", owed)
    stamp = format_timestamp(clock() + timedelta(seconds=offset))
    response = world.bni.payment(body, timestamp=stamp)
    assert _code(response) == "4012500"
    assert "Timestamp" in response.json()["responseMessage"]
    assert _stored(world) == (0, 0, 0)
    inside = format_timestamp(clock() + timedelta(seconds=299 if offset > 0 else -299))
    assert _code(world.bni.payment(body, timestamp=inside)) == "2002500"


def test_unknown_token_is_invalid(world: World) -> None:
    world.bni.fetch_token()
    world.bni.token = "never-issued-by-pasar-pay-0123456789"
    response = world.bni.payment(payment_body(PSID, world.va1.customer_no, "PAY-TK", 1000))
    assert _code(response) == "4012501"
    assert _stored(world) == (0, 0, 0)


def test_reused_external_id_for_payments_today_and_tomorrow(world: World, clock: FakeClock) -> None:
    first = payment_body(PSID, world.va1.customer_no, "PAY-E1", 1000)
    assert _code(world.bni.payment(first, external_id="EXT-PAY")) == "2002500"
    second = payment_body(PSID, world.va1.customer_no, "PAY-E2", 1000)
    assert _code(world.bni.payment(second, external_id="EXT-PAY")) == "4092500"
    assert _entries_for(world, "VA:BNI:PAY-E2") == 0
    # the next Asia/Jakarta day (17:00 UTC is midnight WIB) the same id is fresh again
    clock.advance(hours=24)
    world.bni.token = None
    assert _code(world.bni.payment(second, external_id="EXT-PAY")) == "2002500"
    assert _entries_for(world, "VA:BNI:PAY-E2") == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": {"value": "5.000,00", "currency": "IDR"}}, "4005201"),
        ({"amount": {"value": "5,000.00", "currency": "IDR"}}, "4005201"),
        ({"amount": {"value": 5000, "currency": "IDR"}}, "4005201"),
        ({"amount": {"value": "5000.00", "currency": "USD"}}, "4005201"),
        ({"amount": None}, "4005202"),
        ({"originalReferenceNo": 12345}, "4005201"),
        ({"latestTransactionStatus": "success"}, "4005201"),
    ],
)
def test_notify_bad_input_stores_nothing_but_the_audit_line(
    world: World, change: dict[str, object], code: str
) -> None:
    from pasar_pay.adapters.db.tables import audit_log
    from pasar_pay.entrypoints.bank_sim.client import notify_body

    body = {**notify_body("ACQ-BAD", None, 5000), **change}
    body = {k: v for k, v in body.items() if v is not None}
    assert _code(world.acq.qr_notify(body)) == code
    # an oversized body is cut off by the SNAP body limit before it is read (not audited)
    huge = {**notify_body("ACQ-BIG", None, 5000), "additionalInfo": {"x": "a" * 70_000}}
    assert _code(world.acq.qr_notify(huge)) == "4005200"
    assert _stored(world) == (0, 0, 0)
    with world.uow() as uow:
        refusals = uow.connection.execute(
            select(func.count()).where(audit_log.c.action == "snap.qr_mpm_notify.refused")
        ).scalar_one()
    assert refusals == 1
