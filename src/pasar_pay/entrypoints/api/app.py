"""The FastAPI application: routers, problem+json errors, body limits."""

from __future__ import annotations

from fastapi import FastAPI

from pasar_pay.config import Settings, load_settings
from pasar_pay.entrypoints.api import problems
from pasar_pay.entrypoints.api.limits import BodySizeLimit
from pasar_pay.entrypoints.api.routers import billing, keys, ledger, markets, pages, registry
from pasar_pay.entrypoints.wiring import Container


def create_app(container: Container | None = None, settings: Settings | None = None) -> FastAPI:
    container = container or Container(settings or load_settings())
    app = FastAPI(
        title="pasar_pay",
        version="0.1.0",
        description="Retribution billing, payments, reconciliation and online ordering for "
        "Surakarta's traditional markets. Money is integer rupiah. Errors are problem+json.",
    )
    app.state.container = container
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=container.settings.max_body_bytes)
    for router in (
        pages.router,
        keys.router,
        markets.router,
        registry.router,
        billing.router,
        ledger.router,
    ):
        app.include_router(router)
    return app
