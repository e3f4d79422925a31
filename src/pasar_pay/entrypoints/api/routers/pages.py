"""Health and the landing page: public, and they show no ledger data."""

from __future__ import annotations

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


@router.get("/health", dependencies=[Public])
def health(request: Request) -> dict[str, str]:
    with container_of(request).engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
