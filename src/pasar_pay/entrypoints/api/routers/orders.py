"""Online ordering, the order side: checkouts (one payment per market, one order per stall),
order moves, picking, approvals, dispute refunds, payouts, the sweep job and webhooks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import Field, StrictBool, StrictInt

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.orders.checkout import CartLine, SubstitutionPreference
from pasar_pay.domain.orders.state import PaymentMode
from pasar_pay.entrypoints.api.access import Finance, allow, container_of, only_query
from pasar_pay.entrypoints.api.schemas import Amount, Strict
from pasar_pay.services.idempotency import Outcome
from pasar_pay.services.orders.checkout import CartIn

router = APIRouter(tags=["orders"])

Shopper = Annotated[Principal, Depends(allow(Role.SHOPPER))]
Vendor = Annotated[Principal, Depends(allow(Role.VENDOR))]
Parties = Annotated[
    Principal, Depends(allow(Role.SHOPPER, Role.VENDOR, Role.MANAGER, Role.FINANCE))
]
Handlers = Annotated[Principal, Depends(allow(Role.VENDOR, Role.MANAGER, Role.FINANCE))]
Payees = Annotated[Principal, Depends(allow(Role.VENDOR, Role.FINANCE))]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=120)]
Ident = Annotated[str, Field(min_length=1, max_length=40)]
Positive = Annotated[StrictInt, Field(description="must be greater than zero")]


class LineIn(Strict):
    line_id: Ident
    product_id: Annotated[str, Field(min_length=1, max_length=36)]
    seen_unit_price: StrictInt
    quantity: Positive | None = None
    estimated_grams: Positive | None = None
    substitution: Literal["specific", "best_match", "remove"] = "remove"
    substitute_product_id: str | None = None


class CheckoutIn(Strict):
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=100)]
    payment: Literal["qris", "cash_on_delivery"] = "qris"
    accept_price_changes: StrictBool = False


class TransitionIn(Strict):
    target: Annotated[str, Field(min_length=3, max_length=20)]
    reason: Annotated[str | None, Field(max_length=500)] = None


class WeighingIn(Strict):
    line_id: Ident
    actual_grams: StrictInt


class SubstitutionIn(Strict):
    line_id: Ident
    product_id: str | None = Field(None, description="the substitute; null removes the line")


class AnswerIn(Strict):
    answer: Literal["approve", "refuse"]


class RefundIn(Strict):
    line_id: Ident
    amount: Amount
    reason: Annotated[str, Field(min_length=5, max_length=200)]


class PayoutRunIn(Strict):
    day: date


class EndpointIn(Strict):
    url: Annotated[str, Field(min_length=8, max_length=2048)]


def _written(outcome: Outcome, response: Response) -> dict[str, Any]:
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    response.status_code = 200 if outcome.replayed else 201
    return outcome.response


@router.post("/checkouts", status_code=201)
def place_checkout(
    request: Request, response: Response, body: CheckoutIn, caller: Shopper, key: IdemKey = None
) -> dict[str, Any]:
    cart = CartIn(
        lines=tuple(
            CartLine(
                line_id=li.line_id,
                product_id=li.product_id,
                seen_unit_price=li.seen_unit_price,
                quantity=li.quantity,
                estimated_grams=li.estimated_grams,
                substitution=SubstitutionPreference(li.substitution),
                substitute_product_id=li.substitute_product_id,
            )
            for li in body.lines
        ),
        payment=PaymentMode.PREPAID if body.payment == "qris" else PaymentMode.CASH_ON_DELIVERY,
        accept_price_changes=body.accept_price_changes,
    )
    return _written(container_of(request).checkouts.place(caller, cart, key), response)


@router.get("/checkouts/{checkout_id}")
def get_checkout(request: Request, checkout_id: str, caller: Shopper) -> dict[str, Any]:
    return container_of(request).checkouts.get(caller, checkout_id)


@router.post("/checkouts/{checkout_id}/cancellation")
def cancel_checkout(request: Request, checkout_id: str, caller: Shopper) -> dict[str, Any]:
    return container_of(request).checkouts.cancel(caller, checkout_id)


@router.get("/orders", dependencies=[only_query("state", "cursor", "limit")])
def list_orders(
    request: Request,
    caller: Parties,
    state: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    items, following = container_of(request).orders.list(caller, state, cursor, limit)
    return {"items": items, "next_cursor": following}


@router.get("/orders/{order_id}")
def get_order(request: Request, order_id: str, caller: Parties) -> dict[str, Any]:
    return container_of(request).orders.get(caller, order_id)


@router.post("/orders/{order_id}/transitions")
def move_order(
    request: Request, order_id: str, body: TransitionIn, caller: Parties
) -> dict[str, Any]:
    return container_of(request).orders.transition(caller, order_id, body.target, body.reason)


@router.post("/orders/{order_id}/weighings")
def weigh_line(request: Request, order_id: str, body: WeighingIn, caller: Vendor) -> dict[str, Any]:
    return container_of(request).orders.weigh(caller, order_id, body.line_id, body.actual_grams)


@router.post("/orders/{order_id}/substitutions")
def substitute_line(
    request: Request, order_id: str, body: SubstitutionIn, caller: Vendor
) -> dict[str, Any]:
    return container_of(request).orders.substitute(caller, order_id, body.line_id, body.product_id)


@router.post("/orders/{order_id}/lines/{line_id}/answer")
def answer_line(
    request: Request, order_id: str, line_id: str, body: AnswerIn, caller: Shopper
) -> dict[str, Any]:
    return container_of(request).orders.answer(caller, order_id, line_id, body.answer)


@router.post("/orders/{order_id}/refunds", status_code=201)
def refund_line(
    request: Request,
    response: Response,
    order_id: str,
    body: RefundIn,
    caller: Handlers,
    key: IdemKey = None,
) -> dict[str, Any]:
    outcome = container_of(request).orders.dispute_refund(
        caller, order_id, body.line_id, body.amount, body.reason, key
    )
    return _written(outcome, response)


@router.post("/orders/jobs/sweep")
def sweep(request: Request, caller: Finance) -> dict[str, int]:
    return container_of(request).order_jobs.sweep()


@router.post("/order-payouts", status_code=201)
def run_payouts(request: Request, body: PayoutRunIn, caller: Finance) -> list[dict[str, Any]]:
    return container_of(request).payouts.run(caller, body.day)


@router.get("/order-payouts", dependencies=[only_query("limit")])
def list_payouts(
    request: Request, caller: Payees, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    return container_of(request).payouts.list(caller, limit)


@router.post("/webhooks/endpoints", status_code=201)
def register_endpoint(request: Request, body: EndpointIn, caller: Vendor) -> dict[str, Any]:
    return container_of(request).webhooks.register(caller, body.url)


@router.get("/webhooks/endpoints")
def list_endpoints(request: Request, caller: Vendor) -> list[dict[str, Any]]:
    return container_of(request).webhooks.endpoints(caller)


@router.post("/webhooks/endpoints/{endpoint_id}/test")
def test_endpoint(request: Request, endpoint_id: str, caller: Vendor) -> dict[str, Any]:
    return container_of(request).webhooks.test_send(caller, endpoint_id)


@router.get("/webhooks/deliveries", dependencies=[only_query("limit")])
def deliveries(
    request: Request, caller: Vendor, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    return container_of(request).webhooks.deliveries(caller, limit)


@router.post("/webhooks/jobs/dispatch")
def dispatch(request: Request, caller: Finance) -> dict[str, int]:
    return container_of(request).webhooks.dispatch()
