"""Token, VA inquiry and payment over HTTP: codes, signatures, exactly-once."""

from __future__ import annotations

import json

from pasar_pay.adapters.banks.snap_rsa import sign_token_request
from pasar_pay.domain.snap.timestamps import format_timestamp
from pasar_pay.entrypoints.bank_sim.client import inquiry_body, payment_body
from tests.banking.conftest import PSID, World, key
from tests.conftest import FakeClock


def _check_envelope(response, code: str) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert body["responseCode"] == code, body
    assert response.status_code == int(code[:3])
    assert response.headers["X-TIMESTAMP"]
    return body


def test_token_is_issued_for_a_valid_rsa_signature(world: World) -> None:
    token = world.bni.fetch_token()
    assert len(token) > 20
    ts = format_timestamp(world.container.clock())
    sig = sign_token_request(world.bni.bank.private_key, "bni-client", ts)
    ok = world.http.post(
        "/snap/v1.0/access-token/b2b",
        json={"grantType": "client_credentials"},
        headers={"X-TIMESTAMP": ts, "X-CLIENT-KEY": "bni-client", "X-SIGNATURE": sig},
    )
    body = _check_envelope(ok, "2007300")
    assert (body["tokenType"], body["expiresIn"]) == ("Bearer", "900")
    assert ok.headers["X-CLIENT-KEY"] == "bni-client"
    bad = world.http.post(
        "/snap/v1.0/access-token/b2b",
        json={"grantType": "client_credentials"},
        headers={
            "X-TIMESTAMP": ts,
            "X-CLIENT-KEY": "bni-client",
            "X-SIGNATURE": sign_token_request(key("other"), "bni-client", ts),
        },
    )
    _check_envelope(bad, "4017300")
    unknown = world.http.post(
        "/snap/v1.0/access-token/b2b",
        json={"grantType": "client_credentials"},
        headers={"X-TIMESTAMP": ts, "X-CLIENT-KEY": "nobody", "X-SIGNATURE": sig},
    )
    _check_envelope(unknown, "4017300")
    missing = world.http.post("/snap/v1.0/access-token/b2b", json={}, headers={"X-TIMESTAMP": ts})
    _check_envelope(missing, "4007302")
    stale_ts = "2026-11-02T09:00:00+07:00"  # 1 h before the fake clock
    stale = world.http.post(
        "/snap/v1.0/access-token/b2b",
        json={"grantType": "client_credentials"},
        headers={
            "X-TIMESTAMP": stale_ts,
            "X-CLIENT-KEY": "bni-client",
            "X-SIGNATURE": sign_token_request(world.bni.bank.private_key, "bni-client", stale_ts),
        },
    )
    _check_envelope(stale, "4017300")
    grant = world.http.post(
        "/snap/v1.0/access-token/b2b",
        json={"grantType": "password"},
        headers={"X-TIMESTAMP": ts, "X-CLIENT-KEY": "bni-client", "X-SIGNATURE": sig},
    )
    _check_envelope(grant, "4007301")


def test_tokens_are_stored_hashed_and_expire(world: World, clock: FakeClock) -> None:
    token = world.bni.fetch_token()
    with world.uow() as uow:
        from sqlalchemy import select

        from pasar_pay.adapters.db.bank_tables import bank_tokens

        stored = [r.token_hash for r in uow.connection.execute(select(bank_tokens))]
    assert token not in stored
    assert len(stored[0]) == 64
    clock.advance(seconds=901)
    world.bni.token_at = clock()  # keep using the old token
    response = world.bni.inquiry(inquiry_body(PSID, world.va1.customer_no, "INQ-1"))
    _check_envelope(response, "4012401")


def test_inquiry_lists_open_bills_oldest_first(world: World) -> None:
    response = world.bni.inquiry(inquiry_body(PSID, world.va1.customer_no, "INQ-1"))
    body = _check_envelope(response, "2002400")
    data = body["virtualAccountData"]
    assert data["virtualAccountNo"] == PSID.rjust(8) + world.va1.customer_no
    assert data["virtualAccountName"] == "Bu Sri"
    assert len(data["billDetails"]) == 2
    total = sum(int(b["billAmount"]["value"][:-3]) for b in data["billDetails"])
    assert data["totalAmount"]["value"] == f"{total}.00" == f"{world.owed('V000001')}.00"


def test_unknown_va_and_reused_external_id(world: World) -> None:
    unknown = world.bni.inquiry(inquiry_body(PSID, "019999999999", "INQ-2"))
    body = _check_envelope(unknown, "4042412")
    assert body["virtualAccountData"]["inquiryStatus"] == "01"
    first = world.bni.inquiry(
        inquiry_body(PSID, world.va1.customer_no, "INQ-3"), external_id="EXT-1"
    )
    _check_envelope(first, "2002400")
    again = world.bni.inquiry(
        inquiry_body(PSID, world.va1.customer_no, "INQ-4"), external_id="EXT-1"
    )
    _check_envelope(again, "4092400")


def test_next_jakarta_day_accepts_the_same_external_id(world: World, clock: FakeClock) -> None:
    body = inquiry_body(PSID, world.va1.customer_no, "INQ-5")
    _check_envelope(world.bni.inquiry(body, external_id="EXT-D"), "2002400")
    clock.advance(hours=24)
    world.bni.token = None
    _check_envelope(world.bni.inquiry(body, external_id="EXT-D"), "2002400")


def test_bad_signature_wrong_path_and_tampered_body(world: World) -> None:
    body = json.dumps(inquiry_body(PSID, world.va1.customer_no, "INQ-6")).encode()
    path = "/snap/v1.0/transfer-va/inquiry"
    headers = world.bni.headers("/v1.0/transfer-va/inquiry", body)  # prefix left out: wrong
    _check_envelope(world.http.post(path, content=body, headers=headers), "4012400")
    headers = world.bni.headers(path, body)
    tampered = body.replace(b"INQ-6", b"INQ-7")
    _check_envelope(world.http.post(path, content=tampered, headers=headers), "4012400")
    # whitespace outside strings is not signed: a pretty-printed body still verifies
    pretty = json.dumps(json.loads(body), indent=2).encode()
    headers = world.bni.headers(path, body)
    _check_envelope(world.http.post(path, content=pretty, headers=headers), "2002400")


def test_payment_is_applied_exactly_once_and_replayed(world: World) -> None:
    owed = world.owed("V000001")
    before = world.entries()
    body = payment_body(PSID, world.va1.customer_no, "PAY-1", owed)
    first = world.bni.payment(body, external_id="EXT-P1")
    data = _check_envelope(first, "2002500")
    assert data["virtualAccountData"]["paymentFlagStatus"] == "00"
    assert data["virtualAccountData"]["paidAmount"] == {"value": f"{owed}.00", "currency": "IDR"}
    assert world.entries() == before + 1
    assert world.owed("V000001") == 0
    advice = world.bni.payment({**body, "flagAdvise": "Y"}, external_id="EXT-P2")
    assert advice.status_code == 200
    assert advice.json() == first.json()
    same_ext = world.bni.payment({**body, "flagAdvise": "Y"}, external_id="EXT-P1")
    assert same_ext.json() == first.json()
    assert world.entries() == before + 1
    changed = world.bni.payment({**body, "paidAmount": {"value": "1000.00", "currency": "IDR"}})
    _check_envelope(changed, "4042518")
    assert world.entries() == before + 1
    with world.uow() as uow:
        assert uow.banks.count_inbox("va_payment") == 1


def test_overpayment_goes_to_vendor_credit(world: World) -> None:
    owed = world.owed("V000002")
    before = world.entries()
    body = payment_body(PSID, world.va2.customer_no, "PAY-2", owed + 5000)
    _check_envelope(world.bni.payment(body), "2002500")
    assert world.owed("V000002") == 0
    assert world.entries() == before + 1
    again = world.bni.inquiry(inquiry_body(PSID, world.va2.customer_no, "INQ-8"))
    _check_envelope(again, "4042414")


def test_closed_va_refuses_a_wrong_amount_and_expires(world: World, clock: FakeClock) -> None:
    from datetime import timedelta

    from pasar_pay.services.ports import BillsFilter

    with world.uow() as uow:
        bill = uow.billing.bills(BillsFilter(vendor="V000001", open_only=True), None, 1)[0]
    va = world.container.virtual_accounts.open_closed("BNI", bill.id, clock() + timedelta(hours=1))
    inquiry = world.bni.inquiry(inquiry_body(PSID, va.customer_no, "INQ-C"))
    data = _check_envelope(inquiry, "2002400")["virtualAccountData"]
    assert data["totalAmount"]["value"] == f"{bill.owed}.00"
    before = world.entries()
    wrong = world.bni.payment(payment_body(PSID, va.customer_no, "PAY-C1", bill.owed - 1))
    _check_envelope(wrong, "4042513")
    assert world.entries() == before
    with world.uow() as uow:
        assert uow.banks.count_inbox() == 0
    right = world.bni.payment(payment_body(PSID, va.customer_no, "PAY-C2", bill.owed))
    _check_envelope(right, "2002500")
    paid = world.bni.payment(payment_body(PSID, va.customer_no, "PAY-C3", bill.owed))
    _check_envelope(paid, "4042514")
    # an expired closed VA refuses with 4042519
    with world.uow() as uow:
        other = uow.billing.bills(BillsFilter(vendor="V000002", open_only=True), None, 1)[0]
    late = world.container.virtual_accounts.open_closed(
        "BNI", other.id, clock() + timedelta(minutes=5)
    )
    clock.advance(minutes=6)
    world.bni.token = None
    _check_envelope(
        world.bni.payment(payment_body(PSID, late.customer_no, "PAY-C4", other.owed)), "4042519"
    )


def test_bad_input_gets_the_right_code_and_stores_nothing(world: World) -> None:
    cust = world.va1.customer_no
    good = payment_body(PSID, cust, "PAY-X", 1000)
    cases = [
        (b"{not json", "4002500"),
        (b"", "4002500"),
        (
            json.dumps({k: v for k, v in good.items() if k != "paymentRequestId"}).encode(),
            "4002502",
        ),
        (
            json.dumps({**good, "paidAmount": {"value": 1000.0, "currency": "IDR"}}).encode(),
            "4002501",
        ),
        (
            json.dumps({**good, "paidAmount": {"value": "1,000.00", "currency": "IDR"}}).encode(),
            "4002501",
        ),
        (
            json.dumps({**good, "paidAmount": {"value": "1000.00", "currency": "USD"}}).encode(),
            "4002501",
        ),
        (json.dumps({**good, "customerNo": 12345}).encode(), "4002501"),
        (json.dumps(payment_body(PSID, "019999999999", "PAY-Y", 1000)).encode(), "4042512"),
        (json.dumps([1, 2]).encode(), "4002501"),
    ]
    before = world.entries()
    for raw, code in cases:
        response = world.bni.send("/v1.0/transfer-va/payment", raw)
        _check_envelope(response, code)
    huge = b'{"x":"' + b"a" * 70_000 + b'"}'
    response = world.http.post(
        "/snap/v1.0/transfer-va/payment", content=huge, headers={"Content-Type": "application/json"}
    )
    _check_envelope(response, "4002500")
    assert world.entries() == before
    with world.uow() as uow:
        assert uow.banks.count_inbox() == 0
        from sqlalchemy import func, select

        from pasar_pay.adapters.db.bank_tables import bank_events, bank_external_ids
        from pasar_pay.adapters.db.tables import audit_log

        assert uow.connection.execute(select(func.count()).select_from(bank_events)).scalar() == 0
        assert (
            uow.connection.execute(select(func.count()).select_from(bank_external_ids)).scalar()
            == 0
        )
        assert uow.connection.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.action.like("snap.%"))
        ).scalar() >= len(cases)


def test_missing_token_and_wrong_role(world: World) -> None:
    body = json.dumps(inquiry_body(PSID, world.va1.customer_no, "INQ-9")).encode()
    path = "/snap/v1.0/transfer-va/inquiry"
    headers = world.bni.headers(path, body)
    del headers["Authorization"]
    _check_envelope(world.http.post(path, content=body, headers=headers), "4012401")
    # the acquirer is not a VA bank
    _check_envelope(world.acq.inquiry(json.loads(body)), "4012400")


def test_vendor_sees_own_virtual_accounts(world: World) -> None:
    from pasar_pay.domain.access import Role

    token = world.container.keys.issue(Role.VENDOR, label="v", vendor_code="V000001").token
    listed = world.http.get("/me/virtual-accounts", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [i["digits"] for i in items] == [world.va1.va_digits]
    assert world.va1.va_digits in items[0]["instructions"]["id"]
    assert world.http.get("/me/virtual-accounts").status_code == 401
