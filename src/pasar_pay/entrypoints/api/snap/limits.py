"""Body limit for SNAP paths, answered in the SNAP envelope instead of problem+json.

SNAP's table has no 413 case and every SNAP status must be `responseCode[:3]`, so an oversized
body is `400xx00 Bad Request` for the service of the path (4002400, 4002500, 4005200,
4007300 -> token has no 00 case certified, so 4007301 Invalid Field Format body). Installed
outside the app-wide limit with a smaller cap (SNAP bodies are a few KB: 24 bills ~ 6 KB), so
it always answers first on SNAP paths and leaves every other path to the app-wide limit.
"""

from __future__ import annotations

import json
from typing import Any

from pasar_pay.domain.snap.codes import ServiceCode, SnapCase, snap_status
from pasar_pay.domain.snap.timestamps import format_timestamp
from pasar_pay.entrypoints.api.limits import BodySizeLimit, Scope, Send
from pasar_pay.services.ports import Clock

SNAP_MAX_BODY = 64 * 1024

_SERVICES = {
    "/v1.0/access-token/b2b": ServiceCode.ACCESS_TOKEN_B2B,
    "/v1.0/transfer-va/inquiry": ServiceCode.VA_INQUIRY,
    "/v1.0/transfer-va/payment": ServiceCode.VA_PAYMENT,
    "/v1.0/qr/qr-mpm-notify": ServiceCode.QR_MPM_NOTIFY,
}


class SnapBodyLimit(BodySizeLimit):
    def __init__(self, app: Any, prefix: str, max_bytes: int, clock: Clock) -> None:
        super().__init__(app, max_bytes)
        self.prefix = prefix.rstrip("/")
        self.clock = clock

    def _service(self, path: str) -> ServiceCode | None:
        if not path.startswith(self.prefix + "/"):
            return None
        return _SERVICES.get(path[len(self.prefix) :])

    def applies(self, scope: Scope) -> bool:
        return self._service(scope.get("path", "")) is not None

    async def refuse(self, scope: Scope, send: Send) -> None:
        service = self._service(scope.get("path", ""))
        assert service is not None  # applies() admitted only SNAP service paths
        case = SnapCase.BAD_REQUEST
        if service is ServiceCode.ACCESS_TOKEN_B2B:
            case = SnapCase.INVALID_FIELD_FORMAT
        status = snap_status(
            case, service, "body too large" if case.spec.case_code != "00" else None
        )
        body = json.dumps(status.envelope()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status.http_status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-timestamp", format_timestamp(self.clock()).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
