"""QR images: every PNG is decoded with zxing-cpp and compared byte for byte with the payload.

SVG: no SVG rasteriser is installed, so the SVG is checked by reading its geometry back: the
XML is parsed, each `M x,y H.. V.. H.. z` square becomes a dark module, that grid must equal
the symbol's module matrix, and the grid, drawn as pixels, must decode to the payload. This
checks what the SVG says, not how a browser draws it.
"""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from pasar_pay.adapters.rendering import qr_matrix, render_png, render_svg
from pasar_pay.domain.qris import LanguageTemplate, build, demo_merchant, to_dynamic

_STATIC = build(demo_merchant("PSR-GEDE").merchant)
PAYLOADS = {
    "static": _STATIC,
    "dynamic": to_dynamic(_STATIC, amount=215670, reference="RET-2026-11-0042"),
    "javanese-64": build(
        dataclasses.replace(
            demo_merchant("PSR-LEGI").merchant,
            language=LanguageTemplate(language="JV", name="ꦥꦱꦂ ꦊꦒꦶ", city="ꦱꦸꦫꦏꦂꦠ"),
        )
    ),
}
EC = {"screen": "M", "print": "Q"}


def decode(image: Image.Image) -> zxingcpp.Barcode:
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode


@pytest.mark.parametrize("purpose", ["screen", "print"])
@pytest.mark.parametrize("name", list(PAYLOADS))
def test_png_decodes_to_the_exact_payload(name: str, purpose: str) -> None:
    payload = PAYLOADS[name]
    image = Image.open(io.BytesIO(render_png(payload, purpose=purpose)))  # type: ignore[arg-type]
    assert image.format == "PNG"
    barcode = decode(image)
    assert barcode.bytes == payload.encode("utf-8")
    assert barcode.ec_level == EC[purpose]


@pytest.mark.parametrize("box_size", [3, 8])
def test_png_size_and_quiet_zone(box_size: int) -> None:
    payload = PAYLOADS["dynamic"]
    modules = len(qr_matrix(payload))
    image = Image.open(io.BytesIO(render_png(payload, box_size=box_size))).convert("L")
    assert image.size == ((modules + 8) * box_size,) * 2
    quiet = 4 * box_size
    width = image.size[0]
    edges = [(0, 0, width, quiet), (0, 0, quiet, width)]
    edges += [(width - quiet, 0, width, width), (0, width - quiet, width, width)]
    for box in edges:
        assert image.crop(box).getextrema() == (255, 255)
    assert image.getextrema() == (0, 255)
    assert width >= 115  # qris.md: at least 115 px on screen, even at box size 3


def test_refuses_a_thin_quiet_zone_and_unknown_purpose() -> None:
    with pytest.raises(ValueError, match="quiet zone"):
        render_png(PAYLOADS["static"], border=2)
    with pytest.raises(ValueError, match="purpose"):
        render_svg(PAYLOADS["static"], purpose="poster")  # type: ignore[arg-type]


_SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\1z")


def svg_modules(svg: bytes) -> tuple[int, list[list[bool]]]:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = (int(v) for v in root.attrib["viewBox"].split())
    assert width == height
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    grid = [[False] * width for _ in range(height)]
    for path in paths:
        data = path.attrib["d"]
        squares = _SQUARE.findall(data)
        assert "".join(f"M{x},{y}H{x2}V{y2}H{x}z" for x, y, x2, y2 in squares) == data
        for x, y, x2, y2 in squares:
            assert (int(x2) - int(x), int(y2) - int(y)) == (1, 1)
            grid[int(y)][int(x)] = True
    return width, grid


@pytest.mark.parametrize("purpose", ["screen", "print"])
@pytest.mark.parametrize("name", list(PAYLOADS))
def test_svg_geometry_is_the_symbol_and_decodes(name: str, purpose: str) -> None:
    payload = PAYLOADS[name]
    width, grid = svg_modules(render_svg(payload, purpose=purpose))  # type: ignore[arg-type]
    matrix = qr_matrix(payload, purpose=purpose)  # type: ignore[arg-type]
    assert width == len(matrix) + 8
    assert not any(grid[y][x] for y in range(width) for x in (0, 1, 2, 3, width - 1))
    assert [row[4:-4] for row in grid[4:-4]] == matrix
    scale = 4
    image = Image.new("L", (width * scale, width * scale), 255)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    barcode = decode(image)
    assert barcode.bytes == payload.encode("utf-8")
    assert barcode.ec_level == EC[purpose]
