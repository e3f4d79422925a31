"""QR symbol rendering (PNG, SVG) for QRIS payloads."""

from pasar_pay.adapters.rendering.qr_image import Purpose, qr_matrix, render_png, render_svg

__all__ = ["Purpose", "qr_matrix", "render_png", "render_svg"]
