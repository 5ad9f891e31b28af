"""The composition root: binds handlers to real adapters, or to the fakes a test passes in; serves the pages."""

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial

import structlog
import uvicorn
from starlette.applications import Starlette

from sellerops.contracts.health import OrderHealthRef, OrderHealthView
from sellerops.dashboard import handlers
from sellerops.dashboard.adapters import INDEX, FleetIndex, PartStore, health_asker, latest_health
from sellerops.dashboard.ports import AskHealth, Parts
from sellerops.dashboard.settings import DashboardSettings
from sellerops.dashboard.web.pages import Deps, create_web
from sellerops.dashboard.web.probe import ServicesProbe
from sellerops.runtime import dead_letters
from sellerops.runtime.host import Resources
from sellerops.runtime.requests import call
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built

log = structlog.get_logger("sellerops.dashboard")


def build(*, parts: Parts, ask: AskHealth, index: FleetIndex, settings: DashboardSettings) \
        -> tuple[Dependencies, handlers.Refresher]:
    """What the handlers take, by parameter name, and the refresher of the sellers' health they touch."""
    def marketplace_of(seller: str) -> str | None:
        found = latest_health(index.parts.get(seller))
        return found.marketplace_id if found else None

    refresher = handlers.Refresher(
        partial(handlers.refresh, ask=ask, parts=parts), every_s=settings.refresh_every_s,
        rounds=settings.refresh_rounds, all_every_s=settings.refresh_all_every_s,
        sellers=lambda: list(index.parts), marketplace_of=marketplace_of)
    return Dependencies(parts=parts, touch=refresher.touch), refresher


async def serve_web(app: Starlette, host: str, port: int, *, retry_s: float = 10.0) -> None:
    """Serve the pages; a port already taken is logged and tried again every `retry_s` (uvicorn exits the
    process on it, which would stop the consumers too)."""
    while True:
        config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1)
        server = uvicorn.Server(config)
        log.info("dashboard_listening", url=f"http://{host}:{port}/")
        try:
            await server.serve()
            return
        except asyncio.CancelledError:
            server.should_exit = True
            raise
        except SystemExit:
            log.error("dashboard_port_unavailable", host=host, port=port, retry_in_s=retry_s)
            await asyncio.sleep(retry_s)


def build_from(resources: Resources, settings: DashboardSettings) -> Built:
    """Real adapters; the dependencies and the background jobs (the index, the refresher, the probe, the pages)."""
    kv = resources.buckets[INDEX]
    index = FleetIndex()
    ask = health_asker(resources.nc, timeout=settings.ask_timeout_s)
    deps, refresher = build(parts=PartStore(kv, keep=settings.keep_processed), ask=ask, index=index,
                             settings=settings)
    # The metrics Prometheus scrapes (None when the service serves no HTTP port).
    scraped = resources.metrics if settings.runtime.http_port is not None else None
    probe = ServicesProbe(resources.nc, every_s=settings.probe_every_s,
                          registry=scraped.registry if scraped is not None else None)

    async def ask_order(seller: str, ref: OrderHealthRef) -> OrderHealthView:
        return await call(resources.nc, "health", seller, "get_order_health", ref, OrderHealthView,
                          timeout=settings.ask_timeout_s)

    web = create_web(Deps(
        index=index, probe=probe, ask_health=ask, ask_order=ask_order,
        replay=lambda seq: dead_letters.replay(resources.js, seq), now=resources.clock.now,
        operator=settings.operator, page_size=settings.page_size, trend_days=settings.trend_days,
        trend_step_days=settings.trend_step_days,
        ask_history=health_asker(resources.nc, timeout=settings.history_timeout_s)))
    jobs: list[Callable[[], Awaitable[None]]] = [partial(index.follow, kv), refresher.run,
                                                 partial(serve_web, web, settings.host, settings.port)]
    if scraped is not None:  # Prometheus reads the lag and dead-letter gauges: keep them current
        jobs.append(probe.run)
    return Built(deps, jobs)
