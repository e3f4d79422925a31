"""Who is calling and what they may see: roles bound to a market, a vendor or a bank."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pasar_pay.domain.errors import Forbidden, NotFound, ValidationFailed


class Role(StrEnum):
    FINANCE = "finance"  # the city's finance office: everything
    MANAGER = "manager"  # one or more markets
    COLLECTOR = "collector"  # one market
    VENDOR = "vendor"  # own stalls, bills and orders
    SHOPPER = "shopper"
    BANK = "bank"  # only its own callback endpoints


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    role: Role
    markets: frozenset[str] = field(default_factory=frozenset)
    vendor_code: str | None = None
    bank_code: str | None = None
    label: str = ""

    @property
    def city_wide(self) -> bool:
        return self.role is Role.FINANCE

    def sees_market(self, market: str | None) -> bool:
        if self.city_wide:
            return True
        return market is not None and market in self.markets

    def require_market(self, market: str | None) -> None:
        """Objects outside the caller's markets are reported as missing, never as forbidden."""
        if not self.sees_market(market):
            raise NotFound("not found")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"the {self.role} role may not do this")

    @property
    def idempotency_scope(self) -> str:
        return f"key:{self.key_id}"


def validate_binding(
    role: Role, markets: frozenset[str], vendor_code: str | None, bank_code: str | None
) -> None:
    """A key's binding must fit its role: a manager has markets, a vendor a vendor code..."""
    problems: list[str] = []
    if role is Role.MANAGER and not markets:
        problems.append("a manager key needs at least one market")
    if role is Role.COLLECTOR and len(markets) != 1:
        problems.append("a collector key needs exactly one market")
    if role is Role.VENDOR and not vendor_code:
        problems.append("a vendor key needs a vendor")
    if role is Role.BANK and not bank_code:
        problems.append("a bank key needs a bank")
    if role in (Role.FINANCE, Role.SHOPPER, Role.BANK, Role.VENDOR) and markets:
        problems.append(f"a {role} key is not bound to markets")
    if role is not Role.VENDOR and vendor_code:
        problems.append("only vendor keys are bound to a vendor")
    if role is not Role.BANK and bank_code:
        problems.append("only bank keys are bound to a bank")
    if problems:
        raise ValidationFailed("; ".join(problems), code="key_binding_invalid")
