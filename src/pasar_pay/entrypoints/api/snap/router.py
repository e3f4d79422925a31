"""Bank-facing SNAP routes. Authentication is SNAP's own (RSA token request, then HMAC with
our token or RSA per bank), done by the gateway, hence `Public` for the API-key layer.

The handlers read the RAW body (the signature covers its bytes) and the path exactly as sent
(`raw_path` + query string), and answer in the SNAP envelope with X-TIMESTAMP. They are plain
`def` routes: FastAPI runs them in its thread pool, like every other route here.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from pasar_pay.domain.snap.timestamps import format_timestamp
from pasar_pay.entrypoints.api.access import Public, container_of
from pasar_pay.services.banking.gateway import SnapGateway
from pasar_pay.services.banking.snap_auth import SnapReply, SnapRequest

router = APIRouter(tags=["snap"], dependencies=[Public])


def snap_request(request: Request, body: bytes) -> SnapRequest:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        path = f"{path}?{query}"
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.scope["headers"]
    }
    return SnapRequest(request.method, path, headers, body)


def snap_response(reply: SnapReply, now_header: str) -> Response:
    return JSONResponse(
        reply.body,
        status_code=reply.status.http_status,
        headers={"X-TIMESTAMP": now_header, **reply.headers},
    )


async def _handle(
    request: Request, pick: Callable[[SnapGateway], Callable[[SnapRequest], SnapReply]]
) -> Response:
    from starlette.concurrency import run_in_threadpool

    body = await request.body()
    container = container_of(request)
    req = snap_request(request, body)
    reply = await run_in_threadpool(pick(container.snap_gateway), req)
    return snap_response(reply, format_timestamp(container.clock()))


@router.post("/v1.0/access-token/b2b", summary="SNAP B2B access token (73)")
async def access_token(request: Request) -> Response:
    return await _handle(request, lambda g: g.token)


@router.post("/v1.0/transfer-va/inquiry", summary="SNAP VA inquiry (24)")
async def va_inquiry(request: Request) -> Response:
    return await _handle(request, lambda g: g.va_inquiry)


@router.post("/v1.0/transfer-va/payment", summary="SNAP VA payment flag (25)")
async def va_payment(request: Request) -> Response:
    return await _handle(request, lambda g: g.va_payment)


@router.post("/v1.0/qr/qr-mpm-notify", summary="SNAP QRIS MPM notify (52)")
async def qr_notify(request: Request) -> Response:
    return await _handle(request, lambda g: g.qr_notify)
