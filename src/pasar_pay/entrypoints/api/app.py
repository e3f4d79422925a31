"""The FastAPI application: routers, problem+json errors, body limits."""

from __future__ import annotations

from fastapi import FastAPI

from pasar_pay.config import Settings, load_settings
from pasar_pay.entrypoints.api import problems
from pasar_pay.entrypoints.api.limits import BodySizeLimit
from pasar_pay.entrypoints.api.routers import billing, keys, ledger, markets, pages, registry
from pasar_pay.entrypoints.api.routers import catalog as catalog_routes
from pasar_pay.entrypoints.api.routers import days_off as days_off_routes
from pasar_pay.entrypoints.api.routers import orders as order_routes
from pasar_pay.entrypoints.api.routers import placements as placement_routes
from pasar_pay.entrypoints.api.routers import qris as qris_routes
from pasar_pay.entrypoints.api.routers import recon as recon_routes
from pasar_pay.entrypoints.api.routers import reports as report_routes
from pasar_pay.entrypoints.api.snap import router as snap_routes
from pasar_pay.entrypoints.api.snap import vendor_va
from pasar_pay.entrypoints.api.snap.limits import SNAP_MAX_BODY, SnapBodyLimit
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
    app.add_middleware(  # outermost: SNAP paths answer oversize in the SNAP envelope
        SnapBodyLimit,
        prefix=container.settings.snap_prefix,
        max_bytes=min(SNAP_MAX_BODY, container.settings.max_body_bytes),
        clock=container.clock,
    )
    for router in (
        pages.router,
        keys.router,
        markets.router,
        registry.router,
        billing.router,
        days_off_routes.router,
        placement_routes.router,
        report_routes.router,
        ledger.router,
        qris_routes.router,
        recon_routes.router,
        catalog_routes.router,
        order_routes.router,
    ):
        app.include_router(router)
    app.include_router(vendor_va.router)
    app.include_router(snap_routes.router, prefix=container.settings.snap_prefix.rstrip("/"))
    return app
