"""Health, the landing page and the vendor's page: public, and they hold no data (the vendor
page calls the API from the browser with the key the vendor types in)."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import text

from pasar_pay.entrypoints.api.access import Public, container_of

router = APIRouter(tags=["public"])

_INDEX = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>pasar_pay</title><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:.1rem .3rem}</style></head><body>
<h1>pasar_pay</h1>
<p>Cashless retribution and online ordering for Surakarta's traditional markets.</p>
<ul>
<li><a href="/vendor">Tagihan kios saya</a>: a vendor's open bills, QRIS codes and virtual
accounts (use the demo vendor key)</li>
<li><a href="/docs">API documentation (Swagger UI)</a> and <a href="/redoc">ReDoc</a></li>
<li><a href="/openapi.json">OpenAPI schema</a></li>
<li><a href="/health">Health</a></li>
</ul>
<p>Call the API with <code>Authorization: Bearer &lt;API key&gt;</code>;
<code>scripts/serve</code> printed demo keys for each role when it started.</p>
</body></html>"""


@router.get("/", response_class=HTMLResponse, dependencies=[Public], include_in_schema=False)
def index() -> str:
    return _INDEX


VENDOR_PAGE = files("pasar_pay.entrypoints.api") / "static" / "vendor.html"


@router.get("/vendor", response_class=HTMLResponse, dependencies=[Public], include_in_schema=False)
def vendor_page() -> str:
    return VENDOR_PAGE.read_text(encoding="utf-8")


@router.get("/health", dependencies=[Public])
def health(request: Request) -> dict[str, str]:
    with container_of(request).engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
