"""The simulated QRIS acquirer's own SNAP server: token (73), qr-mpm-generate (47), query (51),
refund (78), verified exactly as an acquirer would verify pasar_pay's calls.

pasar_pay is the client here: its token request is checked with pasar_pay's RSA public key,
its transactions with the shared client secret and the token we issued (HMAC-SHA512 over the
minified body). Codes are FICTITIOUS: built from the demo merchant of the market named in
`storeId`. `faults` lets tests and the demo make the acquirer slow or failing on purpose.
Generated codes are remembered, so the payer side (`AcquirerPayer`) can pay them and notify.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pasar_pay.adapters.banks.snap_rsa import verify_token_request
from pasar_pay.domain.qris import build, demo_merchant, to_dynamic
from pasar_pay.domain.snap.amounts import format_amount, parse_amount
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.signature import verify_symmetric
from pasar_pay.domain.snap.timestamps import check_window, format_timestamp, parse_timestamp

TOKEN_TTL = 900


@dataclass
class Faults:
    """Make the acquirer misbehave: `fail_next` answers 500 that many times, `delay` sleeps
    before each answer (seconds; a client timeout shorter than it sees a timeout), `down`
    answers 503 to everything until cleared."""

    fail_next: int = 0
    delay: float = 0.0
    down: bool = False


@dataclass
class GeneratedQr:
    reference_no: str  # ours (the acquirer's)
    partner_reference: str
    amount: int
    market: str
    content: str
    expires_at: datetime
    status: str = "03"  # pending until paid
    refunded: int = 0
    created: float = field(default_factory=time.time)


@dataclass
class AcquirerState:
    client_key: str
    partner_id: str
    client_secret: str
    pasar_pay_key: rsa.RSAPublicKey
    window: timedelta = timedelta(seconds=300)
    faults: Faults = field(default_factory=Faults)
    tokens: dict[str, datetime] = field(default_factory=dict)
    codes: dict[str, GeneratedQr] = field(default_factory=dict)  # by referenceNo
    by_partner_ref: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unpaid(self) -> list[GeneratedQr]:
        with self.lock:
            return [c for c in self.codes.values() if c.status == "03"]


def _answer(http: int, service: str, case: str, message: str, **extra: Any) -> JSONResponse:
    body = {"responseCode": f"{http}{service}{case}", "responseMessage": message, **extra}
    headers = {"X-TIMESTAMP": format_timestamp(datetime.now(UTC))}
    return JSONResponse(body, status_code=http, headers=headers)


def create_acquirer_app(state: AcquirerState, prefix: str = "/snap") -> FastAPI:
    app = FastAPI(title="pasar_pay simulated QRIS acquirer (FICTITIOUS)", docs_url=None)

    async def _faulty(service: str) -> JSONResponse | None:
        f = state.faults
        if f.delay:
            time.sleep(f.delay)  # blocks this worker like a stuck backend would
        if f.down:
            return _answer(503, service, "00", "Service Unavailable")
        if f.fail_next > 0:
            f.fail_next -= 1
            return _answer(500, service, "01", "Internal Server Error")
        return None

    @app.post(prefix + "/v1.0/access-token/b2b")
    async def token(request: Request) -> JSONResponse:
        state.calls.append("token")
        if (fault := await _faulty("73")) is not None:
            return fault
        ts = request.headers.get("X-TIMESTAMP", "")
        key = request.headers.get("X-CLIENT-KEY", "")
        sig = request.headers.get("X-SIGNATURE", "")
        try:
            check_window(parse_timestamp(ts), datetime.now(UTC), state.window)
        except SnapError:
            return _answer(401, "73", "00", "Unauthorized. [Timestamp]")
        if key != state.client_key or not verify_token_request(state.pasar_pay_key, key, ts, sig):
            return _answer(401, "73", "00", "Unauthorized. [Signature]")
        issued = secrets.token_urlsafe(32)
        state.tokens[issued] = datetime.now(UTC) + timedelta(seconds=TOKEN_TTL)
        return _answer(
            200,
            "73",
            "00",
            "Successful",
            accessToken=issued,
            tokenType="Bearer",
            expiresIn=str(TOKEN_TTL),
        )

    async def _verified(request: Request, service: str) -> dict[str, Any] | JSONResponse:
        if (fault := await _faulty(service)) is not None:
            return fault
        raw = await request.body()
        auth = request.headers.get("Authorization", "")
        bearer = auth.removeprefix("Bearer ").strip()
        expiry = state.tokens.get(bearer)
        if expiry is None or expiry <= datetime.now(UTC):
            return _answer(401, service, "01", "Invalid Token (B2B)")
        if request.headers.get("X-PARTNER-ID") != state.partner_id:
            return _answer(401, service, "00", "Unauthorized. [Unknown partner]")
        ts = request.headers.get("X-TIMESTAMP", "")
        try:
            check_window(parse_timestamp(ts), datetime.now(UTC), state.window)
            ok = verify_symmetric(
                state.client_secret,
                request.headers.get("X-SIGNATURE", ""),
                method="POST",
                relative_url=request.url.path
                + (f"?{request.url.query}" if request.url.query else ""),
                access_token=bearer,
                raw_body=raw,
                timestamp=ts,
            )
        except SnapError:
            ok = False
        if not ok:
            return _answer(401, service, "00", "Unauthorized. [Signature]")
        data = json.loads(raw)
        return data if isinstance(data, dict) else _answer(400, service, "00", "Bad Request")

    @app.post(prefix + "/v1.0/qr/qr-mpm-generate")
    async def generate(request: Request) -> JSONResponse:
        state.calls.append("generate")
        data = await _verified(request, "47")
        if isinstance(data, JSONResponse):
            return data
        partner_ref = data.get("partnerReferenceNo")
        market = data.get("storeId")
        try:
            amount = parse_amount(data.get("amount"), field="amount")
        except SnapError:
            return _answer(400, "47", "01", "Invalid Field Format amount")
        if not isinstance(partner_ref, str) or not isinstance(market, str) or not market:
            return _answer(400, "47", "02", "Invalid Mandatory Field partnerReferenceNo/storeId")
        with state.lock:
            if partner_ref in state.by_partner_ref:
                return _answer(409, "47", "01", "Duplicate partnerReferenceNo")
            static = build(demo_merchant(market).merchant)
            content = to_dynamic(static, amount=amount, reference=partner_ref)
            ref = f"SIMQR{len(state.codes) + 1:08d}{secrets.token_hex(3).upper()}"
            state.codes[ref] = GeneratedQr(
                ref,
                partner_ref,
                amount,
                market,
                content,
                datetime.now(UTC) + timedelta(hours=1),
            )
            state.by_partner_ref[partner_ref] = ref
        return _answer(
            200,
            "47",
            "00",
            "Successful",
            referenceNo=ref,
            partnerReferenceNo=partner_ref,
            qrContent=content,
            storeId=market,
            additionalInfo={},
        )

    @app.post(prefix + "/v1.0/qr/qr-mpm-query")
    async def query(request: Request) -> JSONResponse:
        state.calls.append("query")
        data = await _verified(request, "51")
        if isinstance(data, JSONResponse):
            return data
        code = state.codes.get(str(data.get("originalReferenceNo", "")))
        if code is None:
            return _answer(404, "51", "01", "Transaction Not Found")
        return _answer(
            200,
            "51",
            "00",
            "Successful",
            originalReferenceNo=code.reference_no,
            originalPartnerReferenceNo=code.partner_reference,
            serviceCode="47",
            latestTransactionStatus=code.status,
            transactionStatusDesc={"00": "Success", "03": "Pending", "04": "Refunded"}.get(
                code.status, "Other"
            ),
            amount=format_amount(code.amount),
            additionalInfo={},
        )

    @app.post(prefix + "/v1.0/qr/qr-mpm-refund")
    async def refund(request: Request) -> JSONResponse:
        state.calls.append("refund")
        data = await _verified(request, "78")
        if isinstance(data, JSONResponse):
            return data
        code = state.codes.get(str(data.get("originalReferenceNo", "")))
        if code is None:
            return _answer(404, "78", "01", "Transaction Not Found")
        try:
            amount = parse_amount(data.get("refundAmount"), field="refundAmount")
        except SnapError:
            return _answer(400, "78", "01", "Invalid Field Format refundAmount")
        with state.lock:
            if code.status != "00" or code.refunded + amount > code.amount:
                return _answer(404, "78", "13", "Invalid Amount")
            code.refunded += amount
            if code.refunded == code.amount:
                code.status = "04"
        return _answer(
            200,
            "78",
            "00",
            "Successful",
            originalReferenceNo=code.reference_no,
            partnerRefundNo=data.get("partnerRefundNo"),
            refundNo=f"SIMRF{secrets.token_hex(4).upper()}",
            refundAmount=format_amount(amount),
            refundTime=format_timestamp(datetime.now(UTC)),
        )

    return app
