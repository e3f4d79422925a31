"""QRIS: merchant data, dynamic codes for bills, static codes for stalls, images, cards, decode.

Images are rendered once per payload (cache) with error correction M for screens and Q for
print. Every image link needs the same API key as the code itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from pasar_pay.adapters.rendering.cache import MEDIA_TYPES, ImageFormat
from pasar_pay.adapters.rendering.card import CardData, card_html
from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.access import Finance, Staff, allow, container_of
from pasar_pay.entrypoints.api.schemas import Strict
from pasar_pay.services.qris_codes import CodeView
from pasar_pay.services.qris_merchants import MerchantIn

router = APIRouter(tags=["qris"])

CodeReaders = Annotated[Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.VENDOR))]
StallReaders = Annotated[
    Principal, Depends(allow(Role.FINANCE, Role.MANAGER, Role.COLLECTOR, Role.VENDOR))
]
Anyone = Annotated[Principal, Depends(allow(*Role))]
PurposeQ = Literal["screen", "print"]
Text = Annotated[str, Field(min_length=1, max_length=40)]


class MerchantBody(Strict):
    market: Text | None = None
    vendor: Text | None = None
    acquirer_code: Annotated[str, Field(min_length=2, max_length=40)]
    guid: Annotated[str, Field(min_length=3, max_length=32)]
    pan: Annotated[str, Field(min_length=8, max_length=19, pattern=r"^[0-9]+$")]
    merchant_id: Annotated[str, Field(min_length=1, max_length=15)]
    nmid: Annotated[str, Field(min_length=15, max_length=15)]
    mcc: Annotated[str, Field(min_length=4, max_length=4)]
    criteria: Literal["UMI", "UKE", "UME", "UBE", "URE"]
    name: Annotated[str, Field(min_length=1, max_length=25)]
    city: Annotated[str, Field(min_length=1, max_length=15)]
    postal_code: Annotated[str | None, Field(max_length=10)] = None
    static_payload: Annotated[str | None, Field(max_length=512)] = None


class BillsBody(Strict):
    bill_ids: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60)]], Field(min_length=1, max_length=50)
    ]


def _links(base: str) -> dict[str, str]:
    return {
        "png": f"{base}/qr.png",
        "svg": f"{base}/qr.svg",
        "png_print": f"{base}/qr.png?purpose=print",
        "svg_print": f"{base}/qr.svg?purpose=print",
        "card": f"{base}/card",
    }


def _intent_out(view: CodeView) -> dict[str, Any]:
    out = view.as_dict()
    assert view.intent is not None
    out["images"] = _links(f"/qris/intents/{view.intent.id}")
    return out


def _image(request: Request, view: CodeView, fmt: ImageFormat, purpose: PurposeQ) -> Response:
    data = container_of(request).qr_images.image(view.payload, fmt, purpose)
    return Response(
        data, media_type=MEDIA_TYPES[fmt], headers={"Cache-Control": "private, max-age=300"}
    )


def _card(request: Request, view: CodeView) -> HTMLResponse:
    images = container_of(request).qr_images
    intent = view.intent
    card = CardData(
        merchant_name=view.merchant.name,
        nmid=view.merchant.nmid,
        terminal_label=view.terminal_label,
        svg=images.inline_svg(view.payload, "print" if intent is None else "screen"),
        acquirer=view.merchant.acquirer_code,
        fictitious=view.merchant.fictitious,
        amount=None if intent is None else intent.amount,
        expires_at=None if intent is None else intent.expires_at,
        title=f"QRIS {view.stall.code if view.stall else view.merchant.name}",
    )
    return HTMLResponse(card_html(card))


# merchants ------------------------------------------------------------------------------
@router.post("/qris/merchants", status_code=201)
def register_merchant(request: Request, body: MerchantBody, caller: Finance) -> dict[str, Any]:
    data = MerchantIn(**body.model_dump())
    return container_of(request).qris_merchants.register(caller, data)


@router.get("/qris/merchants")
def list_merchants(request: Request, caller: Staff) -> list[dict[str, Any]]:
    return container_of(request).qris_merchants.merchants(caller)


# dynamic codes for bills ----------------------------------------------------------------
@router.get("/bills/{bill_id}/qris")
def bill_code(request: Request, bill_id: str, caller: CodeReaders) -> dict[str, Any]:
    return _intent_out(container_of(request).qris.bill_code(caller, [bill_id]))


@router.post("/bills/qris")
def bills_code(
    request: Request, response: Response, body: BillsBody, caller: CodeReaders
) -> dict[str, Any]:
    view = container_of(request).qris.bill_code(caller, body.bill_ids)
    response.status_code = 201 if view.created else 200
    return _intent_out(view)


@router.get("/qris/intents/{intent_id}")
def intent(request: Request, intent_id: str, caller: CodeReaders) -> dict[str, Any]:
    return _intent_out(container_of(request).qris.intent(caller, intent_id))


@router.get("/qris/intents/{intent_id}/qr.{fmt}")
def intent_image(
    request: Request,
    intent_id: str,
    fmt: ImageFormat,
    caller: CodeReaders,
    purpose: PurposeQ = "screen",
) -> Response:
    return _image(request, container_of(request).qris.intent(caller, intent_id), fmt, purpose)


@router.get("/qris/intents/{intent_id}/card", response_class=HTMLResponse)
def intent_card(request: Request, intent_id: str, caller: CodeReaders) -> HTMLResponse:
    return _card(request, container_of(request).qris.intent(caller, intent_id))


# static codes for stalls ----------------------------------------------------------------
@router.get("/stalls/{code}/qris")
def stall_code(request: Request, code: str, caller: StallReaders) -> dict[str, Any]:
    out = container_of(request).qris.stall_code(caller, code).as_dict()
    out["images"] = _links(f"/stalls/{code}/qris")
    return out


@router.get("/stalls/{code}/qris/qr.{fmt}")
def stall_image(
    request: Request, code: str, fmt: ImageFormat, caller: StallReaders, purpose: PurposeQ = "print"
) -> Response:
    return _image(request, container_of(request).qris.stall_code(caller, code), fmt, purpose)


@router.get("/stalls/{code}/qris/card", response_class=HTMLResponse)
def stall_card(request: Request, code: str, caller: StallReaders) -> HTMLResponse:
    return _card(request, container_of(request).qris.stall_code(caller, code))


# decoding -------------------------------------------------------------------------------
@router.post(
    "/qris/decode",
    openapi_extra={
        "requestBody": {
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {
                    "schema": {"type": "object", "properties": {"payload": {"type": "string"}}}
                },
            }
        }
    },
)
async def decode(request: Request, caller: Anyone) -> dict[str, Any]:
    """Validate a pasted payload: the raw text as `text/plain`, or `{"payload": "..."}`.

    Shows the merchant name and NMID (converted QRs are used in scams); any error finding
    answers 422 with every finding.
    """
    raw: bytes | str = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = _json_payload(await request.body())
    return await run_in_threadpool(container_of(request).qris.decode, raw)


def _json_payload(raw: bytes) -> bytes | str:
    import json

    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return raw  # not JSON: decode it as text (findings say why it is not QRIS)
    if isinstance(value, dict) and isinstance(value.get("payload"), str):
        return str(value["payload"])
    return raw
