"""Rendered QR images cached by (payload, format, purpose): rendering costs 30-50 ms, and the
same live code is asked for again and again while a vendor waits at the counter."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pasar_pay.adapters.rendering.qr_image import Purpose, render_png, render_svg

ImageFormat = Literal["png", "svg"]
MEDIA_TYPES: dict[ImageFormat, str] = {"png": "image/png", "svg": "image/svg+xml"}


class QrImageCache:
    """Thread-safe LRU (functools) of image bytes; at most `maxsize` images in memory."""

    def __init__(self, maxsize: int = 512) -> None:
        self._render = lru_cache(maxsize=maxsize)(self._render_uncached)

    @staticmethod
    def _render_uncached(payload: str, fmt: ImageFormat, purpose: Purpose) -> bytes:
        if fmt == "png":
            return render_png(payload, purpose=purpose)
        return render_svg(payload, purpose=purpose)

    def image(self, payload: str, fmt: ImageFormat, purpose: Purpose) -> bytes:
        return self._render(payload, fmt, purpose)

    def inline_svg(self, payload: str, purpose: Purpose) -> str:
        """The SVG element alone (no XML declaration), for embedding in an HTML page."""
        text = self.image(payload, "svg", purpose).decode("utf-8")
        return text[text.index("<svg") :]

    def info(self) -> tuple[int, int, int]:
        """(hits, misses, size)."""
        stats = self._render.cache_info()
        return stats.hits, stats.misses, stats.currsize
