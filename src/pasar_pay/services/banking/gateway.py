"""The inbound SNAP protocol: verify -> parse -> apply -> answer, one entry per endpoint.

Every outcome is a `SnapReply` whose HTTP status is the first three digits of its
responseCode. Refusals are written to the audit log only (never to the inbox); unexpected
errors answer 500xx01 after the transaction rolled back, so the bank retries.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from pasar_pay.domain.snap.codes import EMITTED, ServiceCode, SnapCase, snap_status
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.messages import parse_qr_notify, parse_va_inquiry, parse_va_payment
from pasar_pay.services.banking.qris_notify import QrisNotifications
from pasar_pay.services.banking.snap_auth import (
    Authenticated,
    SnapAuthenticator,
    SnapReply,
    SnapRequest,
    unauthorized,
)
from pasar_pay.services.banking.va_biller import VaBiller
from pasar_pay.services.ports import Clock, UnitOfWorkFactory

log = logging.getLogger("pasar_pay.snap")


class SnapGateway:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        auth: SnapAuthenticator,
        biller: VaBiller,
        qris: QrisNotifications,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._auth = auth
        self._biller = biller
        self._qris = qris

    def token(self, req: SnapRequest) -> SnapReply:
        return self._guard(ServiceCode.ACCESS_TOKEN_B2B, req, lambda: self._auth.issue_token(req))

    def va_inquiry(self, req: SnapRequest) -> SnapReply:
        def run() -> SnapReply:
            auth = self._authenticate(req, va=True)
            return self._biller.inquiry(auth, parse_va_inquiry(auth.data))

        return self._guard(ServiceCode.VA_INQUIRY, req, run)

    def va_payment(self, req: SnapRequest) -> SnapReply:
        def run() -> SnapReply:
            auth = self._authenticate(req, va=True)
            reply, outcome = self._biller.payment(auth, req, parse_va_payment(auth.data))
            log.info("va payment %s %s", auth.bank.code, outcome)
            return reply

        return self._guard(ServiceCode.VA_PAYMENT, req, run)

    def qr_notify(self, req: SnapRequest) -> SnapReply:
        def run() -> SnapReply:
            auth = self._authenticate(req, va=False)
            reply, outcome = self._qris.notify(auth, req, parse_qr_notify(auth.data))
            if outcome in ("stale", "inconsistent"):
                log.warning("qr notify %s %s ignored (%s)", auth.bank.code, outcome, req.path)
            return reply

        return self._guard(ServiceCode.QR_MPM_NOTIFY, req, run)

    def _authenticate(self, req: SnapRequest, *, va: bool) -> Authenticated:
        auth = self._auth.authenticate(req)
        if (va and not auth.bank.va_bank) or (not va and not auth.bank.qris_acquirer):
            raise unauthorized("Partner", "snap_partner_role")
        return auth

    def _guard(
        self, service: ServiceCode, req: SnapRequest, run: Callable[[], SnapReply]
    ) -> SnapReply:
        try:
            reply = run()
        except SnapError as error:
            case = error.case
            if case not in EMITTED[service]:
                # e.g. Bad Request at the token endpoint: the closest certified code.
                case = (
                    SnapCase.INVALID_FIELD_FORMAT
                    if case.spec.http_status == 400
                    else (SnapCase.UNAUTHORIZED)
                )
            status = snap_status(case, service, error.detail)
            reply = SnapReply(status, status.envelope())
            self._audit(req, service, reply, error.code)
        except Exception:
            log.exception("SNAP %s failed; answering 500 (rolled back)", service.name)
            status = snap_status(SnapCase.INTERNAL_SERVER_ERROR, service)
            reply = SnapReply(status, status.envelope())
            self._audit(req, service, reply, "internal_error")
        else:
            if reply.status.http_status >= 400:
                self._audit(req, service, reply, "refused")
        return reply

    def _audit(self, req: SnapRequest, service: ServiceCode, reply: SnapReply, code: str) -> None:
        details: dict[str, Any] = {
            "responseCode": reply.status.code,
            "responseMessage": reply.status.message,
            "code": code,
            "path": req.path[:300],
            "partner": (req.header("X-PARTNER-ID") or req.header("X-CLIENT-KEY") or "")[:64],
            "external_id": (req.header("X-EXTERNAL-ID") or "")[:64],
            "body_bytes": len(req.body),
            "body_sha256": hashlib.sha256(req.body).hexdigest(),
        }
        try:
            with self._uow() as uow:
                uow.audit.append(
                    self._clock(),
                    None,
                    f"snap.{service.name.lower()}.refused",
                    details["partner"] or None,
                    details,
                )
                uow.commit()
        except Exception:  # the answer matters more than its audit line
            log.exception("could not audit a SNAP refusal")
