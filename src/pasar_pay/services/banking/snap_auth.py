"""SNAP authentication for inbound bank calls: the B2B token (73) and transaction signatures.

Order of checks (each refusal is a SNAP envelope, nothing is stored but the audit line):
mandatory headers (400xx02) -> formats (400xx01) -> partner (401xx00) -> timestamp window
(401xx00 [Timestamp]) -> body is JSON (400xx00) -> token (401xx01, HMAC mode) -> signature
(401xx00 [Signature]). The signed path is the one the sender used, prefix and query included.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pasar_pay.domain.snap.codes import TOKEN_OK, SnapCase, SnapStatus
from pasar_pay.domain.snap.errors import SnapError, format_error, mandatory_error
from pasar_pay.domain.snap.minify import MinifyError
from pasar_pay.domain.snap.signature import bearer_token, verify_symmetric
from pasar_pay.domain.snap.timestamps import check_window, parse_timestamp
from pasar_pay.services.banking.counterparties import CLIENT_SECRET, PUBLIC_KEY
from pasar_pay.services.banking.ports import Counterparty, RsaVerifier, SecretBox
from pasar_pay.services.ports import Clock, UnitOfWorkFactory

TOKEN_TTL = timedelta(seconds=900)
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9-]{1,36}")
_PARTNER = re.compile(r"[A-Za-z0-9._-]{1,36}")


@dataclass(frozen=True, slots=True)
class SnapRequest:
    method: str
    path: str  # relative URL exactly as sent: prefix and query string included
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def header(self, name: str) -> str | None:
        value = self.headers.get(name.lower())
        return value if value else None

    def kept_headers(self) -> dict[str, str]:
        """The headers stored with a raw event: everything but the bearer token."""
        return {k: v for k, v in self.headers.items() if k != "authorization"}


@dataclass(frozen=True, slots=True)
class SnapReply:
    status: SnapStatus
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Authenticated:
    bank: Counterparty
    external_id: str
    timestamp: datetime
    data: Any  # the parsed JSON body


def unauthorized(detail: str, code: str) -> SnapError:
    return SnapError(
        f"unauthorized: {detail}", code=code, case=SnapCase.UNAUTHORIZED, detail=detail
    )


def invalid_token() -> SnapError:
    return SnapError(
        "token invalid or expired",
        code="snap_token_invalid",
        case=SnapCase.INVALID_TOKEN,
        detail="",
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SnapAuthenticator:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        box: SecretBox,
        rsa: RsaVerifier,
        window: timedelta,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._box = box
        self._rsa = rsa
        self._window = window
        self._plain: dict[str, str] = {}  # ciphertext -> secret, so Fernet runs once per key

    def issue_token(self, req: SnapRequest) -> SnapReply:
        """POST /v1.0/access-token/b2b: RSA over `clientKey|X-TIMESTAMP` with the bank's key."""
        client_key = _required(req, "X-CLIENT-KEY")
        timestamp = _required(req, "X-TIMESTAMP")
        signature = _required(req, "X-SIGNATURE")
        parse_timestamp(timestamp)
        now = self._clock()
        with self._uow() as uow:
            bank = uow.banks.by_client_key(client_key)
            if bank is None or not bank.active:
                raise unauthorized("Unknown client", "snap_unknown_client")
            check_window(timestamp, now, self._window)
            keys = uow.banks.credentials(bank.code, PUBLIC_KEY, now)
            if not any(self._rsa.verify_token(k, client_key, timestamp, signature) for k in keys):
                raise unauthorized("Signature", "snap_bad_signature")
            body = _json(req.body)
            if not isinstance(body, Mapping):
                raise format_error("body", "body must be a JSON object")
            grant = body.get("grantType")
            if grant in (None, ""):
                raise mandatory_error("grantType")
            if grant != "client_credentials":
                raise format_error("grantType", "grantType must be client_credentials")
            token = secrets.token_urlsafe(48)
            uow.banks.add_token(token_hash(token), bank.code, now, now + TOKEN_TTL)
            uow.commit()
        body_out = {
            **TOKEN_OK.envelope(),
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": str(int(TOKEN_TTL.total_seconds())),
            "additionalInfo": {},
        }
        return SnapReply(TOKEN_OK, body_out, {"X-CLIENT-KEY": client_key})

    def authenticate(self, req: SnapRequest) -> Authenticated:
        """A transaction call (24/25/52): who sent it, and did they sign exactly this?"""
        timestamp = _required(req, "X-TIMESTAMP")
        signature = _required(req, "X-SIGNATURE")
        partner_id = _required(req, "X-PARTNER-ID")
        external_id = _required(req, "X-EXTERNAL-ID")
        _required(req, "CHANNEL-ID")
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise format_error("X-EXTERNAL-ID", "X-EXTERNAL-ID must be 1-36 of [A-Za-z0-9-]")
        if not _PARTNER.fullmatch(partner_id):
            raise format_error("X-PARTNER-ID", "X-PARTNER-ID is malformed")
        moment = parse_timestamp(timestamp)
        now = self._clock()
        with self._uow() as uow:
            bank = uow.banks.by_partner_id(partner_id)
            if bank is None or not bank.active:
                raise unauthorized("Unknown partner", "snap_unknown_partner")
            check_window(moment, now, self._window)
            data = _json(req.body)  # MinifyError (400xx00) inside the signature check too
            if bank.signature_mode == "hmac":
                token = bearer_token(req.header("Authorization"))
                if uow.banks.token_bank(token_hash(token), now) != bank.code:
                    raise invalid_token()
                secrets_ = [
                    self._secret(c) for c in uow.banks.credentials(bank.code, CLIENT_SECRET, now)
                ]
                ok = any(
                    verify_symmetric(
                        s,
                        signature,
                        method=req.method,
                        relative_url=req.path,
                        access_token=token,
                        raw_body=req.body,
                        timestamp=timestamp,
                    )
                    for s in secrets_
                )
            else:
                keys = uow.banks.credentials(bank.code, PUBLIC_KEY, now)
                ok = any(
                    self._rsa.verify_transaction(
                        k,
                        signature,
                        method=req.method,
                        relative_url=req.path,
                        raw_body=req.body,
                        timestamp=timestamp,
                    )
                    for k in keys
                )
            if not ok:
                raise unauthorized("Signature", "snap_bad_signature")
        return Authenticated(bank, external_id, moment, data)

    def _secret(self, ciphertext: str) -> str:
        plain = self._plain.get(ciphertext)
        if plain is None:
            plain = self._box.decrypt(ciphertext)
            self._plain[ciphertext] = plain
        return plain


def _required(req: SnapRequest, name: str) -> str:
    value = req.header(name)
    if value is None:
        raise mandatory_error(name)
    return value


def _json(raw: bytes) -> Any:
    if not raw.strip():
        raise SnapError(
            "a JSON body is required",
            code="snap_body_missing",
            case=SnapCase.BAD_REQUEST,
            detail="",
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MinifyError(
            "body is not well-formed JSON",
            code="snap_body_not_json",
            case=SnapCase.BAD_REQUEST,
            detail="",
        ) from None
