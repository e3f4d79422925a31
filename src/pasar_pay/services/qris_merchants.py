"""QRIS merchant data: FICTITIOUS demo merchants per market, real ones registered by finance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import Forbidden, ValidationFailed
from pasar_pay.domain.qris import (
    Criteria,
    MerchantAccount,
    MerchantData,
    QrisInvalid,
    build,
    demo_merchant,
    errors_only,
    parse,
    validate,
)
from pasar_pay.services.ports import Clock, UnitOfWorkFactory
from pasar_pay.services.qris_ports import QrisMerchant, market_merchant_id, vendor_merchant_id

DEMO_ACQUIRER = "BANKJATENG"


@dataclass(frozen=True, slots=True, kw_only=True)
class MerchantIn:
    """Real merchant data as the acquirer issued it (from the merchant's QRIS certificate)."""

    market: str | None = None
    vendor: str | None = None
    acquirer_code: str
    guid: str
    pan: str
    merchant_id: str
    nmid: str
    mcc: str
    criteria: str
    name: str
    city: str
    postal_code: str | None = None
    static_payload: str | None = None  # the acquirer's printed static QRIS, if available


def merchant_view(m: QrisMerchant) -> dict[str, Any]:
    return {
        "id": m.id,
        "market": m.market_code,
        "vendor": m.vendor_code,
        "acquirer_code": m.acquirer_code,
        "guid": m.guid,
        "pan": m.pan,
        "merchant_id": m.merchant_id,
        "nmid": m.nmid,
        "mcc": m.mcc,
        "criteria": m.criteria,
        "name": m.name,
        "city": m.city,
        "postal_code": m.postal_code,
        "static_payload": m.static_payload,
        "fictitious": m.fictitious,
        "created_at": m.created_at.isoformat(),
    }


class QrisMerchantService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, *, allow_demo: bool) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._allow_demo = allow_demo

    def demo_merchants(self) -> tuple[int, int]:
        """A FICTITIOUS merchant for every market that has none; (created, markets)."""
        if not self._allow_demo:
            raise Forbidden("demo merchants are refused in production", code="qris.demo_refused")
        now = self._clock()
        created = 0
        with self._uow() as uow:
            markets = uow.markets.list(None)
            for market in markets:
                demo = demo_merchant(market.code, name=f"RETRIBUSI {market.name}")
                m = demo.merchant
                account = m.accounts[0]
                record = QrisMerchant(
                    id=market_merchant_id(market.code),
                    market_code=market.code,
                    vendor_code=None,
                    acquirer_code=DEMO_ACQUIRER,
                    guid=account.guid,
                    pan=account.pan or "",
                    merchant_id=account.merchant_id or "",
                    nmid=m.nmid,
                    mcc=m.mcc,
                    criteria=str(m.criteria),
                    name=m.name,
                    city=m.city,
                    postal_code=m.postal_code,
                    static_payload=build(m),
                    fictitious=demo.fictitious,
                    created_at=now,
                )
                created += uow.qris.add_merchant_if_absent(record)
            uow.audit.append(now, None, "qris.demo_merchants", None, {"created": created})
            uow.commit()
        return created, len(markets)

    def register(self, caller: Principal, data: MerchantIn) -> dict[str, Any]:
        """Store real merchant data (replacing a fictitious or older record for the owner)."""
        caller.require_role(Role.FINANCE)
        if (data.market is None) == (data.vendor is None):
            raise ValidationFailed("give exactly one of market or vendor", code="qris.owner")
        static = _static_payload(data)
        now = self._clock()
        with self._uow() as uow:
            if data.market is not None:
                if uow.markets.get(data.market) is None:
                    raise ValidationFailed("unknown market", code="market_unknown")
                key = market_merchant_id(data.market)
            else:
                assert data.vendor is not None
                if uow.registry.vendor(data.vendor) is None:
                    raise ValidationFailed("unknown vendor", code="qris.vendor_unknown")
                key = vendor_merchant_id(data.vendor)
            record = QrisMerchant(
                id=key,
                market_code=data.market,
                vendor_code=data.vendor,
                acquirer_code=data.acquirer_code,
                guid=data.guid,
                pan=data.pan,
                merchant_id=data.merchant_id,
                nmid=data.nmid,
                mcc=data.mcc,
                criteria=data.criteria,
                name=data.name,
                city=data.city,
                postal_code=data.postal_code,
                static_payload=static,
                fictitious=False,
                created_at=now,
            )
            uow.qris.save_merchant(record)
            details = {"nmid": data.nmid}
            uow.audit.append(now, caller.key_id, "qris.merchant_registered", key, details)
            uow.commit()
        return merchant_view(record)

    def merchants(self, caller: Principal) -> list[dict[str, Any]]:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        with self._uow() as uow:
            found = uow.qris.merchants(None if caller.city_wide else caller.markets)
        return [merchant_view(m) for m in found]


def _static_payload(data: MerchantIn) -> str:
    """Build the static payload from the fields (this validates them); if the acquirer's own
    static payload is given, it must validate, be static, and name the same merchant."""
    if data.criteria not in set(Criteria):
        raise ValidationFailed("criteria must be UMI, UKE, UME, UBE or URE", code="qris.criteria")
    criteria = Criteria(data.criteria)
    built = build(
        MerchantData(
            accounts=(
                MerchantAccount(
                    tag="26",
                    guid=data.guid,
                    pan=data.pan,
                    merchant_id=data.merchant_id,
                    criteria=criteria,
                ),
            ),
            nmid=data.nmid,
            criteria=criteria,
            mcc=data.mcc,
            name=data.name,
            city=data.city,
            postal_code=data.postal_code,
        )
    )
    if data.static_payload is None:
        return built
    text = data.static_payload.strip()
    findings = validate(text, retribution=True)
    errors = errors_only(findings)
    if errors:
        raise QrisInvalid("the static payload breaks QRIS rules", tuple(errors))
    tree = parse(text)
    pans = {tree.get(f"{e.tag}.01") for e in tree if "26" <= e.tag <= "45"}
    mismatches = [
        label
        for label, ok in (
            ("01", tree.get("01") == "11" and tree.get("54") is None),
            ("51.02", tree.get("51.02") == data.nmid),
            ("26.01", data.pan in pans),
            ("59", tree.get("59") == data.name),
            ("52", tree.get("52") == data.mcc),
        )
        if not ok
    ]
    if mismatches:
        raise ValidationFailed(
            "the static payload does not match the merchant data (or is not static)",
            code="qris.payload_mismatch",
            paths=mismatches,
        )
    return text
