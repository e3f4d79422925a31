"""The reconciliation API: scoped uploads, runs, the exception workflow with adjusting
entries and four-eyes write-offs, closes, and reports as JSON, CSV and Excel."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Role
from pasar_pay.domain.reconciliation import WIB
from pasar_pay.entrypoints.bank_sim.client import payment_body
from pasar_pay.entrypoints.bank_sim.statements import mt940, va_credit
from tests.banking.conftest import PSID, World
from tests.conftest import FakeClock
from tests.recon.conftest import ACCOUNT, DAY

Tokens = dict[str, str]


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def day(recon: World, clock: FakeClock) -> tuple[World, Tokens]:
    """One credited payment, one credit without callback, one callback without credit."""
    clock.now = datetime.combine(DAY, time(10), WIB)
    for pid, amount in (("PAY000000000001", 50_000), ("PAY000000000004", 30_000)):
        body = payment_body(PSID, recon.va1.customer_no, pid, amount)
        assert recon.bni.payment(body).status_code == 200
    va = f"{PSID}{recon.va1.customer_no}"
    lines = [
        va_credit(DAY, 1, 50_000, "000000000001", va),
        va_credit(DAY, 3, 15_000, "000000000003", va),
    ]
    clock.now = datetime.combine(DAY + timedelta(days=1), time(9), WIB)
    issue = recon.container.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "finance2": issue(Role.FINANCE, label="f2").token,
        "gede": issue(Role.MANAGER, label="g", markets=frozenset({"PSR-GEDE"})).token,
        "legi": issue(Role.MANAGER, label="l", markets=frozenset({"PSR-LEGI"})).token,
        "vendor": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
    }
    statement = mt940(ACCOUNT, DAY, 0, lines).encode()
    http = recon.http
    refused = http.post(
        "/recon/statements?bank=BNI&kind=mt940", content=statement, headers=_h(tokens["legi"])
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        http.post(
            "/recon/statements?bank=BNI&kind=mt940", content=statement, headers=_h(tokens["vendor"])
        ).status_code
        == 403
    )
    ok = http.post(
        "/recon/statements?bank=BNI&kind=mt940&name=d1.sta",
        content=statement,
        headers=_h(tokens["gede"]),
    )
    assert ok.status_code == 200
    assert ok.json()["statements"][0]["new_lines"] == 2
    run = http.post(
        "/recon/runs",
        json={"market": "PSR-GEDE", "date_from": str(DAY), "date_to": str(DAY)},
        headers=_h(tokens["gede"]),
    )
    assert (run.status_code, run.json()["matches"], run.json()["new_exceptions"]) == (200, 1, 2)
    return recon, tokens


def _exceptions(world: World, token: str) -> dict[str, dict]:  # type: ignore[type-arg]
    items = world.http.get("/recon/exceptions?status=open", headers=_h(token)).json()["items"]
    return {e["type"]: e for e in items}


def test_exceptions_are_scoped_to_the_callers_markets(day: tuple[World, Tokens]) -> None:
    world, t = day
    mine = _exceptions(world, t["gede"])
    assert {k: (v["amount"], v["market"], v["age_days"]) for k, v in mine.items()} == {
        "credit_without_callback": (15_000, "PSR-GEDE", 1),
        "callback_without_credit": (30_000, "PSR-GEDE", 1),
    }
    assert _exceptions(world, t["legi"]) == {}
    some = mine["credit_without_callback"]["id"]
    assert world.http.get(f"/recon/exceptions/{some}", headers=_h(t["legi"])).status_code == 404
    assert (
        world.http.post(
            "/recon/runs", json={"date_from": str(DAY), "date_to": str(DAY)}, headers=_h(t["gede"])
        ).status_code
        == 403
    )  # all markets: finance
    bad = world.http.get("/recon/exceptions?state=open", headers=_h(t["gede"]))
    assert bad.status_code == 422  # a misspelt filter is refused, not ignored


def test_resolve_posts_one_adjusting_entry_and_is_audited(day: tuple[World, Tokens]) -> None:
    world, t = day
    exc = _exceptions(world, t["gede"])["credit_without_callback"]
    url = f"/recon/exceptions/{exc['id']}"
    assert (
        world.http.post(f"{url}/assign", json={"assignee": "ani"}, headers=_h(t["gede"])).json()[
            "assignee"
        ]
        == "ani"
    )
    world.http.post(
        f"{url}/comments", json={"text": "asked BNI for the sender"}, headers=_h(t["gede"])
    )
    before = world.entries()
    done = world.http.post(
        f"{url}/resolve", json={"note": "parked in suspense for V000001"}, headers=_h(t["gede"])
    )
    assert (done.status_code, done.json()["status"]) == (200, "resolved")
    again = world.http.post(
        f"{url}/resolve", json={"note": "parked in suspense again"}, headers=_h(t["gede"])
    )
    assert again.status_code == 409
    assert world.entries() == before + 1
    with world.uow() as uow:
        suspense = uow.ledger.get_accounts([chart.SUSPENSE.code])[chart.SUSPENSE.code]
    assert suspense.balance.posted_credits == 15_000  # the bank's money, never dropped
    trail = world.http.get(url, headers=_h(t["finance"])).json()["audit"]
    assert [a["action"] for a in trail] == [
        "exception_raised",
        "assigned",
        "commented",
        "matched_manually",
        "resolved",
    ]
    # The resolved items are claimed: a new run does not raise them again.
    run = world.http.post(
        "/recon/runs",
        json={"market": "PSR-GEDE", "date_from": str(DAY), "date_to": str(DAY)},
        headers=_h(t["gede"]),
    )
    assert (run.json()["new_exceptions"], run.json()["known_exceptions"]) == (0, 1)


def test_write_off_needs_a_second_finance_person(day: tuple[World, Tokens]) -> None:
    world, t = day
    exc = _exceptions(world, t["gede"])["callback_without_credit"]
    url = f"/recon/exceptions/{exc['id']}/write-off"
    asked = world.http.post(
        url, json={"reason": "bank confirms no such transfer"}, headers=_h(t["finance"])
    )
    assert asked.json()["status"] == "write_off_requested"
    assert world.http.post(f"{url}/approve", headers=_h(t["gede"])).status_code == 403
    assert world.http.post(f"{url}/approve", headers=_h(t["finance"])).status_code == 403
    approved = world.http.post(f"{url}/approve", headers=_h(t["finance2"]))
    assert (approved.status_code, approved.json()["status"]) == (200, "written_off")
    with world.uow() as uow:
        code = chart.WRITE_OFFS.code
        assert uow.ledger.get_accounts([code])[code].balance.posted_debits == 30_000


def test_close_and_reports_in_three_formats(day: tuple[World, Tokens]) -> None:
    world, t = day
    close = world.http.post(f"/markets/PSR-GEDE/closes/{DAY}", headers=_h(t["gede"]))
    assert close.status_code == 200
    assert close.json()["collections"]["va"] == 80_000
    assert (
        world.http.get(f"/markets/PSR-GEDE/closes/{DAY}", headers=_h(t["legi"])).status_code == 404
    )
    world.container.recon.imports.set_target(
        world.container.keys.authenticate(t["finance"]),
        "PSR-GEDE",
        DAY,
        1_000_000,
        "synthetic target for the test",
    )
    q = f"from={DAY}&to={DAY}"
    daily = world.http.get(f"/recon/reports/daily-collection?{q}", headers=_h(t["gede"])).json()
    assert daily["rows"] == [
        {"market": "PSR-GEDE", "day": str(DAY), "channel": "va", "payments": 2, "amount": 80_000}
    ]
    real = world.http.get(f"/recon/reports/realisation?{q}", headers=_h(t["finance"])).json()
    assert real["rows"][0]["realisation_bp"] == 800  # 80,000 of 1,000,000 = 8 %
    csv_text = world.http.get(
        f"/recon/reports/cashless-share?{q}&format=csv", headers=_h(t["gede"])
    ).text
    assert csv_text.splitlines() == [
        "market,total,cashless,cash,cashless_share_bp",
        "PSR-GEDE,80000,80000,0,10000",
    ]
    xlsx = world.http.get(
        f"/recon/reports/exceptions-by-age?{q}&format=xlsx", headers=_h(t["gede"])
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("market", "type", "age_days", "count", "amount")
    assert sorted(r[1] for r in rows[1:]) == ["callback_without_credit", "credit_without_callback"]


def test_a_retried_resolution_with_its_key_replays_the_first_answer(
    day: tuple[World, Tokens],
) -> None:
    world, t = day
    exc = _exceptions(world, t["gede"])["credit_without_callback"]
    url = f"/recon/exceptions/{exc['id']}/resolve"
    headers = {**_h(t["gede"]), "Idempotency-Key": "resolve-0001"}
    before = world.entries()
    first = world.http.post(url, json={"note": "parked in suspense"}, headers=headers)
    retry = world.http.post(url, json={"note": "parked in suspense"}, headers=headers)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    assert world.entries() == before + 1
    other = world.http.post(url, json={"note": "something else"}, headers=headers)
    assert other.status_code == 409
