"""SHP lifecycle through the service: history, fees in the ledger, scope, arrears on revocation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.placement import ShpFeeSchedule
from pasar_pay.domain.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, StallStatus
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.placements import PlacementService
from tests.billing.conftest import KIOS

FREE = StallSpec("PSR-GEDE-K02-001", "PSR-GEDE", "K02", "001", "kios", 60_000, StallStatus.VACANT)
SEALED = StallSpec("PSR-GEDE-K02-002", "PSR-GEDE", "K02", "002", "kios", 60_000, StallStatus.SEALED)
FREE2 = StallSpec("PSR-GEDE-K02-003", "PSR-GEDE", "K02", "003", "kios", 40_000)
FEES = ShpFeeSchedule(issue=50_000, extension=25_000, transfer=100_000, reregistration=10_000)

FINANCE = Principal("k-fin", Role.FINANCE)
MANAGER = Principal("k-gede", Role.MANAGER, markets=frozenset({"PSR-GEDE"}))
OTHER_MANAGER = Principal("k-legi", Role.MANAGER, markets=frozenset({"PSR-LEGI"}))
COLLECTOR = Principal("k-col", Role.COLLECTOR, markets=frozenset({"PSR-GEDE"}))
SRI = Principal("k-sri", Role.VENDOR, vendor_code="V000001")
BUDI = Principal("k-budi", Role.VENDOR, vendor_code="V000002")
SHP = "SHP-2026-0001"


@pytest.fixture
def shp(registry: Container) -> tuple[Container, PlacementService]:
    registry.registry.load_demo(DemoRegistry(stalls=[FREE, SEALED, FREE2], vendors=[], holdings=[]))
    service = PlacementService(registry.uow, registry.clock, registry.ledger, fees=FEES)
    return registry, service


def _issue(service: PlacementService, caller: Principal = MANAGER, **over: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "shp_number": SHP,
        "stall": FREE.code,
        "vendor": "V000002",
        "effective_on": date(2026, 11, 1),
        "valid_until": date(2031, 10, 31),
    }
    args.update(over)
    return service.issue(caller, **args)


def _receivable(container: Container, market: str, vendor: str) -> int:
    code = chart.market_receivable(market, vendor).code
    with container.uow() as uow:
        balance = uow.ledger.get_accounts([code])[code].balance
    return balance.posted_debits - balance.posted_credits


def test_full_lifecycle_keeps_history_and_charges_each_fee(
    shp: tuple[Container, PlacementService],
) -> None:
    container, service = shp
    issued = _issue(service)
    assert (issued["status"], issued["holder"], issued["market"]) == (
        "active",
        "V000002",
        "PSR-GEDE",
    )
    with container.uow() as uow:
        assert uow.registry.stall(FREE.code).status is StallStatus.ACTIVE  # type: ignore[union-attr]
    service.extend(MANAGER, SHP, on=date(2031, 10, 1), valid_until=date(2036, 11, 9))
    service.reregister(FINANCE, SHP, on=date(2032, 1, 5))
    service.transfer(MANAGER, SHP, on=date(2033, 3, 1), to_vendor="V000001", reason="warisan")
    revoked = service.revoke(FINANCE, SHP, on=date(2034, 6, 1), reason="SP3, kios disegel")
    history = revoked["history"]
    assert [h["kind"] for h in history] == [
        "issued",
        "extended",
        "reregistered",
        "transferred",
        "revoked",
    ]
    assert [h["fee"] for h in history] == [50_000, 25_000, 10_000, 100_000, 0]
    assert [h["holder"] for h in history] == ["V000002"] * 3 + ["V000001"] * 2
    assert all(h["entry_id"] for h in history[:4])
    assert history[4]["entry_id"] is None
    assert history[0]["fee_to_verify"] is True
    assert revoked["revoked_on"] == "2034-06-01"
    assert [p["shp_number"] for p in service.list(FINANCE, status="revoked")[0]] == [SHP]
    assert revoked["valid_until"] == "2036-11-09"
    # Dr the holder's receivable at the time of each event; Cr the market's retribution revenue.
    assert _receivable(container, "PSR-GEDE", "V000002") == 85_000
    with container.uow() as uow:
        accounts = uow.ledger.get_accounts([chart.retribution_revenue("PSR-GEDE").code])
        revenue = next(iter(accounts.values())).balance.posted_credits
        assert uow.registry.stall(FREE.code).status is StallStatus.VACANT  # type: ignore[union-attr]
        assert uow.registry.active_placement(FREE.code) is None
    assert revenue == 185_000


def test_zero_fees_post_nothing(registry: Container) -> None:
    registry.registry.load_demo(DemoRegistry(stalls=[FREE], vendors=[], holdings=[]))
    issued = _issue(registry.placements)  # the wired service: fees unknown, explicitly zero
    assert issued["history"][0]["fee"] == 0
    assert issued["history"][0]["entry_id"] is None


Act = Callable[[PlacementService], object]
ERRORS: list[tuple[str, Act, type[DomainError], str | None]] = [
    ("stall occupied", lambda s: _issue(s, stall=KIOS.code), Conflict, "billing.stall_occupied"),
    ("stall sealed", lambda s: _issue(s, stall=SEALED.code), Conflict, "billing.stall_unavailable"),
    (
        "unknown vendor",
        lambda s: _issue(s, stall=FREE2.code, vendor="V999999"),
        ValidationFailed,
        "vendor_unknown",
    ),
    (
        "duplicate number",
        lambda s: _issue(s, stall=FREE2.code, shp_number=f"SHP-{KIOS.code}"),
        Conflict,
        "billing.shp_exists",
    ),
    (
        "ends before it starts",
        lambda s: _issue(s, stall=FREE2.code, shp_number="SHP-2", valid_until=date(2026, 10, 31)),
        ValidationFailed,
        "billing.shp_validity_invalid",
    ),
    ("unknown stall", lambda s: _issue(s, stall="PSR-GEDE-X-1"), NotFound, "stall_not_found"),
    (
        "stall of another market",
        lambda s: _issue(s, OTHER_MANAGER, stall=FREE2.code),
        NotFound,
        "stall_not_found",
    ),
    ("vendor may not issue", lambda s: _issue(s, SRI, stall=FREE2.code), Forbidden, None),
    ("collector may not issue", lambda s: _issue(s, COLLECTOR, stall=FREE2.code), Forbidden, None),
    (
        "extension must end later",
        lambda s: s.extend(FINANCE, SHP, on=date(2027, 1, 1), valid_until=date(2030, 1, 1)),
        ValidationFailed,
        "billing.shp_validity_invalid",
    ),
    (
        "transfer to the holder",
        lambda s: s.transfer(FINANCE, SHP, on=date(2027, 1, 1), to_vendor="V000002", reason=""),
        ValidationFailed,
        "billing.shp_same_holder",
    ),
    (
        "transfer to nobody known",
        lambda s: s.transfer(FINANCE, SHP, on=date(2027, 1, 1), to_vendor="V0404", reason=""),
        ValidationFailed,
        "vendor_unknown",
    ),
    (
        "event before the last one",
        lambda s: s.reregister(FINANCE, SHP, on=date(2026, 1, 1)),
        ValidationFailed,
        "billing.shp_event_out_of_order",
    ),
    (
        "re-register once expired",
        lambda s: s.reregister(FINANCE, SHP, on=date(2032, 1, 1)),
        Conflict,
        "billing.shp_invalid_transition",
    ),
    (
        "revoke without reason",
        lambda s: s.revoke(FINANCE, SHP, on=date(2027, 1, 1), reason=" "),
        ValidationFailed,
        "billing.shp_reason_missing",
    ),
    (
        "another market's SHP",
        lambda s: s.extend(OTHER_MANAGER, SHP, on=date(2027, 1, 1), valid_until=date(2040, 1, 1)),
        NotFound,
        "placement_not_found",
    ),
    (
        "unknown SHP",
        lambda s: s.reregister(FINANCE, "SHP-NOPE", on=date(2027, 1, 1)),
        NotFound,
        "placement_not_found",
    ),
]


@pytest.mark.parametrize(("case", "act", "error", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_refusals(
    shp: tuple[Container, PlacementService],
    case: str,
    act: Act,
    error: type[DomainError],
    code: str | None,
) -> None:
    _container, service = shp
    _issue(service)
    before = len(service.get(FINANCE, SHP)["history"])
    with pytest.raises(error) as raised:
        act(service)
    if code is not None:
        assert raised.value.code == code
    assert len(service.get(FINANCE, SHP)["history"]) == before  # nothing half-written


def test_revoked_is_terminal(shp: tuple[Container, PlacementService]) -> None:
    _, service = shp
    _issue(service)
    service.revoke(MANAGER, SHP, on=date(2027, 1, 1), reason="pindah usaha")
    for act in (
        lambda: service.extend(MANAGER, SHP, on=date(2027, 2, 1), valid_until=date(2040, 1, 1)),
        lambda: service.revoke(MANAGER, SHP, on=date(2027, 2, 1), reason="again"),
    ):
        with pytest.raises(Conflict) as raised:
            act()
        assert raised.value.code == "billing.shp_invalid_transition"


def test_revocation_records_arrears_and_leaves_bills_due(billed: Container) -> None:
    demo_shp = f"SHP-{KIOS.code}"  # loaded without history: its issue is implied
    assert billed.placements.get(SRI, demo_shp)["history"][0]["at"] is None
    revoked = billed.placements.revoke(
        MANAGER, demo_shp, on=date(2026, 12, 20), reason="SP3, kios disegel"
    )
    assert [h["kind"] for h in revoked["history"]] == ["issued", "revoked"]
    assert revoked["history"][0]["reason"] == "registered before SHP history was kept"
    assert revoked["history"][1]["arrears_outstanding"] == 215_670
    assert revoked["arrears_at_revocation"] == 215_670
    bills, _ = billed.bills.bills(
        SRI, vendor=None, market=None, open_only=True, cursor=None, limit=10
    )
    assert {b["stall"]: b["owed"] for b in bills}[KIOS.code] == 215_670  # still due
    nxt = billed.billing.run(None, date(2026, 12, 1), date(2026, 12, 31))
    assert (nxt.considered, nxt.created) == (2, 2)  # the revoked kios is no longer billed


READS: list[tuple[Principal, bool]] = [
    (FINANCE, True),
    (MANAGER, True),
    (COLLECTOR, True),
    (OTHER_MANAGER, False),
    (BUDI, True),  # the holder
    (SRI, False),
]


@pytest.mark.parametrize(("caller", "sees"), READS, ids=[f"{p.key_id}" for p, _ in READS])
def test_who_reads_an_shp(
    shp: tuple[Container, PlacementService], caller: Principal, sees: bool
) -> None:
    _, service = shp
    _issue(service)
    if sees:
        assert service.get(caller, SHP)["shp_number"] == SHP
    else:
        with pytest.raises(NotFound):
            service.get(caller, SHP)
    listed = {p["shp_number"] for p in service.list(caller)[0]}
    assert (SHP in listed) is sees


def test_vendor_lists_only_own_and_pages(shp: tuple[Container, PlacementService]) -> None:
    _, service = shp
    _issue(service)
    mine = {p["shp_number"] for p in service.list(SRI)[0]}
    assert mine == {f"SHP-{KIOS.code}", "SHP-PSR-GEDE-L01-001"}
    first, cursor = service.list(FINANCE, limit=2)
    second, end = service.list(FINANCE, cursor=cursor, limit=2)
    assert len(first) == 2
    assert cursor is not None
    assert end is None
    assert {p["shp_number"] for p in first + second} == {
        SHP,
        f"SHP-{KIOS.code}",
        "SHP-PSR-GEDE-L01-001",
        "SHP-PSR-LEGI-L01-001",
    }


def test_a_vendor_with_every_shp_revoked_may_pay_arrears_but_nothing_more(
    billed: Container,
) -> None:
    from pasar_pay.services.cash import ReceiptIn
    from tests.billing.conftest import OTHER

    legi_collector = Principal("k-col-legi", Role.COLLECTOR, markets=frozenset({"PSR-LEGI"}))
    billed.placements.revoke(FINANCE, f"SHP-{OTHER.code}", on=date(2026, 12, 20), reason="SP3")
    owed = _owed(billed, "V000002")
    assert owed > 0

    def cash(receipt_id: str, amount: int) -> ReceiptIn:
        return ReceiptIn(receipt_id, f"R-{receipt_id}", "V000002", amount, billed.clock())

    with pytest.raises(ValidationFailed) as refused:
        billed.cash.record_receipt(legi_collector, cash("rcpt-0001", owed + 1))
    assert (refused.value.code, refused.value.details["owed"]) == (
        "billing.vendor_without_stall",
        owed,
    )
    billed.cash.record_receipt(legi_collector, cash("rcpt-0002", owed))
    assert _owed(billed, "V000002") == 0
    with pytest.raises(ValidationFailed):
        billed.cash.record_receipt(legi_collector, cash("rcpt-0003", 1_000))


def _owed(container: Container, vendor: str) -> int:
    bills, _ = container.bills.bills(
        FINANCE, vendor=vendor, market=None, open_only=True, cursor=None, limit=100
    )
    return sum(int(b["owed"]) for b in bills)
