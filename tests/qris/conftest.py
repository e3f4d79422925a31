"""QRIS over the billed registry: demo merchants for both markets, keys per role, and helpers
that decode served images with zxing-cpp."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from pasar_pay.domain.access import Principal, Role
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.bill_payments import bank_source
from tests.billing.conftest import billed, registry

__all__ = ["billed", "registry"]  # re-exported fixtures

KIOS_BILL = "RET-20261101-PSR-GEDE-K01-001"  # Bu Sri, Rp 215.670
LOS_BILL = "RET-20261101-PSR-GEDE-L01-001"  # Bu Sri
LEGI_BILL = "RET-20261101-PSR-LEGI-L01-001"  # Pak Budi
KIOS_STALL = "PSR-GEDE-K01-001"

FINANCE = Principal("k-fin", Role.FINANCE)
SRI = Principal("k-sri", Role.VENDOR, vendor_code="V000001")
BUDI = Principal("k-budi", Role.VENDOR, vendor_code="V000002")
MANAGER_GEDE = Principal("k-man", Role.MANAGER, markets=frozenset({"PSR-GEDE"}))


@pytest.fixture
def qris(billed: Container) -> Container:
    created, markets = billed.qris_merchants.demo_merchants()
    assert (created, markets) == (2, 2)
    return billed


@pytest.fixture
def api(qris: Container) -> Iterator[tuple[TestClient, dict[str, str]]]:
    issue = qris.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "collector": issue(Role.COLLECTOR, label="c", markets=frozenset({"PSR-GEDE"})).token,
        "sri": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
        "budi": issue(Role.VENDOR, label="v2", vendor_code="V000002").token,
        "shopper": issue(Role.SHOPPER, label="s").token,
    }
    with TestClient(create_app(qris), raise_server_exceptions=False) as client:
        yield client, tokens


def pay(container: Container, vendor: str, bill: str, amount: int, ref: str = "T-1") -> None:
    """Money in through BNI for `bill` (changes what is owed)."""
    with container.uow() as uow:
        container.bill_payments.apply(
            uow,
            vendor=vendor,
            amount=amount,
            source=bank_source("BNI"),
            fallback_market="PSR-GEDE",
            effective_at=container.clock(),
            reference=ref,
            channel="qris:BNI",
            description="test payment",
            only_bills=frozenset({bill}),
        )
        uow.commit()


def decode_png(data: bytes) -> bytes:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return bytes(found[0].bytes)


_RECT = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")
_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')


def decode_svg(svg: str, scale: int = 8) -> bytes:
    """Rasterise qrcode's SvgPathImage (one path of unit squares) and decode it."""
    width, height = (int(v) for v in _VIEWBOX.search(svg).groups())  # type: ignore[union-attr]
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    rects = _RECT.findall(svg)
    assert rects
    for x0, y0, x1, y1, _ in rects:
        box = (int(x0) * scale, int(y0) * scale, int(x1) * scale - 1, int(y1) * scale - 1)
        draw.rectangle(box, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return decode_png(buffer.getvalue())


def inline_svg(html: str) -> str:
    start = html.index("<svg")
    return html[start : html.index("</svg>", start) + len("</svg>")]
