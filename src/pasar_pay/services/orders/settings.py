"""Order settings: what a market offers (cash on delivery, refund routing), the published
commission rules (finance; most specific wins) and a vendor's opt-in to arrears netting."""

from __future__ import annotations

from typing import Any

from pasar_pay.domain.access import Principal
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.domain.orders.commission import CommissionRule, CommissionSchedule, rates_table
from pasar_pay.domain.orders.quantities import require_non_negative
from pasar_pay.domain.orders.settlement import MarketPaymentOptions
from pasar_pay.services.ports import Clock, UnitOfWorkFactory


class OrderSettings:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def market_options(self, market: str) -> dict[str, Any]:
        with self._uow() as uow:
            if uow.markets.get(market) is None:
                raise NotFound("market not found", code="market_not_found")
            return _options_view(uow.orders.market_options(market))

    def set_market_options(
        self,
        caller: Principal,
        market: str,
        *,
        cash_on_delivery: bool,
        cod_max_amount: int | None,
        min_channel_refund: int,
    ) -> dict[str, Any]:
        caller.require_market(market)
        require_non_negative(min_channel_refund, field="min_channel_refund")
        if cod_max_amount is not None:
            require_non_negative(cod_max_amount, field="cod_max_amount")
        options = MarketPaymentOptions(market, cash_on_delivery, cod_max_amount, min_channel_refund)
        with self._uow() as uow:
            if uow.markets.get(market) is None:
                raise NotFound("market not found", code="market_not_found")
            uow.orders.save_market_options(options, self._clock())
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "orders.market_options",
                market,
                _options_view(options),
            )
            uow.commit()
        return _options_view(options)

    def commission_rules(self) -> list[dict[str, object]]:
        with self._uow() as uow:
            return rates_table(uow.orders.commission_rules())

    def add_commission_rule(
        self, caller: Principal, rule: CommissionRule
    ) -> list[dict[str, object]]:
        with self._uow() as uow:
            rules = uow.orders.commission_rules()
            default = [r for r in rules if r.market_code is None and r.category is None]
            others = tuple(r for r in [*rules, rule] if r.market_code or r.category)
            # Validates uniqueness: two rules for one key would make the rate ambiguous.
            CommissionSchedule((default or [CommissionRule(0)])[0], others)
            if rule.market_code is None and rule.category is None and default:
                raise ValidationFailed(
                    "the default rule is already published",
                    code="order.commission_duplicate_rule",
                )
            uow.orders.add_commission_rule(rule, self._clock())
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "orders.commission_rule",
                None,
                {
                    "market": rule.market_code,
                    "category": rule.category,
                    "rate_bps": rule.rate_bps,
                    "legal_basis": rule.legal_basis,
                },
            )
            uow.commit()
            return rates_table(uow.orders.commission_rules())

    def set_net_arrears(self, caller: Principal, opted_in: bool) -> dict[str, Any]:
        vendor = caller.vendor_code
        assert vendor is not None
        with self._uow() as uow:
            uow.orders.save_net_arrears(vendor, opted_in, self._clock())
            uow.audit.append(
                self._clock(), caller.key_id, "orders.net_arrears", vendor, {"opted_in": opted_in}
            )
            uow.commit()
        return {"vendor": vendor, "net_arrears": opted_in}


def _options_view(o: MarketPaymentOptions) -> dict[str, Any]:
    return {
        "market": o.market_code,
        "cash_on_delivery": o.cash_on_delivery,
        "cod_max_amount": o.cod_max_amount,
        "min_channel_refund": o.min_channel_refund,
    }
