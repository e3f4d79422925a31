"""QRIS payload -> QR image bytes via `qrcode`.

Error correction M for screens, Q for printed stall cards (dirt, creases); quiet zone 4 modules;
black on white; no logo in the symbol. The payload is encoded as UTF-8 bytes, which is what the
CRC covers.
"""

from __future__ import annotations

import io
from typing import Literal

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

Purpose = Literal["screen", "print"]

_ERROR_CORRECTION = {
    "screen": qrcode.constants.ERROR_CORRECT_M,
    "print": qrcode.constants.ERROR_CORRECT_Q,
}
QUIET_ZONE = 4


def _make(payload: str, purpose: Purpose, box_size: int, border: int) -> qrcode.QRCode:
    if purpose not in _ERROR_CORRECTION:
        raise ValueError(f"purpose must be 'screen' or 'print', not {purpose!r}")
    if box_size < 1:
        raise ValueError("box_size must be at least 1 pixel per module")
    if border < QUIET_ZONE:
        raise ValueError(f"the quiet zone must be at least {QUIET_ZONE} modules")
    qr = qrcode.QRCode(
        error_correction=_ERROR_CORRECTION[purpose], box_size=box_size, border=border
    )
    # Bytes, not str: qrcode would pick its own text encoding for non-ASCII (template 64).
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return qr


def qr_matrix(payload: str, *, purpose: Purpose = "screen") -> list[list[bool]]:
    """The module matrix (True = dark) without the quiet zone; the same symbol PNG/SVG draw."""
    matrix: list[list[bool]] = _make(payload, purpose, 1, QUIET_ZONE).get_matrix()
    return [row[QUIET_ZONE:-QUIET_ZONE] for row in matrix[QUIET_ZONE:-QUIET_ZONE]]


def render_png(
    payload: str, *, purpose: Purpose = "screen", box_size: int = 8, border: int = QUIET_ZONE
) -> bytes:
    """PNG bytes. At box_size 8 a typical version 8-12 symbol is 49-65 modules -> >= 392 px."""
    image = _make(payload, purpose, box_size, border).make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def render_svg(
    payload: str, *, purpose: Purpose = "screen", box_size: int = 10, border: int = QUIET_ZONE
) -> bytes:
    """SVG bytes: one path, viewBox in module units (scales without blur)."""
    image = _make(payload, purpose, box_size, border).make_image(image_factory=SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
