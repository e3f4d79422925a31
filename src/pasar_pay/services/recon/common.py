"""Small helpers shared by the reconciliation use cases: scope, fingerprints, the audit trail."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound
from pasar_pay.services.recon_ports import ReconUnitOfWork

STAFF = (Role.FINANCE, Role.MANAGER)


def visible_markets(caller: Principal) -> frozenset[str] | None:
    """None for finance (every market, and the city's own accounts); a manager's markets."""
    caller.require_role(*STAFF)
    return None if caller.city_wide else caller.markets


def require_market(caller: Principal, market: str | None) -> None:
    """Finance sees everything; a manager only their markets (anything else is "not found")."""
    caller.require_role(*STAFF)
    if caller.city_wide:
        return
    if market is None or market not in caller.markets:
        raise NotFound("not found")


def fingerprint(kind: str, items: Iterable[str]) -> str:
    return hashlib.sha256("|".join([kind, *sorted(items)]).encode()).hexdigest()


def record(
    uow: ReconUnitOfWork,
    now: datetime,
    actor: str | None,
    action: str,
    *,
    exception_id: str | None = None,
    match_id: str | None = None,
    **detail: Any,
) -> None:
    """Append one decision to the audit trail (actor None: the automatic matcher)."""
    uow.recon.audit(
        audit_row(now, actor, action, exception_id=exception_id, match_id=match_id, **detail)
    )


def audit_row(
    now: datetime,
    actor: str | None,
    action: str,
    *,
    exception_id: str | None = None,
    match_id: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    return {
        "at": now,
        "actor": actor,
        "action": action,
        "exception_id": exception_id,
        "match_id": match_id,
        "detail": detail,
    }
