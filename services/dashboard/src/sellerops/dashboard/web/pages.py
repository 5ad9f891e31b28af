"""The web pages (Starlette, Jinja2 templates): `/` the fleet, `/sellers/<seller>` a seller's Account Health
page, `/services` the services; `/live` tells open pages that the index moved (server-sent events).

Bad input is a 400 page naming the parameter, an unknown seller or path a 404 page; a failure is a 500 page
whose reason goes to the log, never a traceback on the page.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from sellerops.contracts.health import AccountHealth, GetAccountHealth, OrderHealthRef, OrderHealthView
from sellerops.dashboard.adapters import FleetIndex, latest_health
from sellerops.dashboard.domain.fleet import STATUSES, fleet_page
from sellerops.dashboard.domain.parts import CLAIM, MESSAGE, ORDER, RETURN
from sellerops.dashboard.web import views
from sellerops.dashboard.web.probe import ServicesProbe
from sellerops.runtime.requests import RequestFailed

log = structlog.get_logger("sellerops.dashboard")
T = TypeVar("T")
HERE = Path(__file__).resolve().parent.parent
WORK_TITLES = {ORDER: "Orders to ship", CLAIM: "Claims", RETURN: "Returns", MESSAGE: "Buyer messages"}


@dataclass
class Deps:
    index: FleetIndex
    probe: ServicesProbe
    ask_health: Callable  # (seller, GetAccountHealth) -> AccountHealth
    ask_order: Callable  # (seller, OrderHealthRef) -> OrderHealthView
    replay: Callable[[int], Awaitable[int]]
    now: Callable[[], datetime]
    operator: bool
    page_size: int
    trend_days: int
    trend_step_days: int
    live_heartbeat_s: float = 15.0
    ask_history: Callable | None = None  # as ask_health, with a longer wait (time travel); None: ask_health
    history_concurrency: int = 2  # time-travel questions in flight at once (health replays history for each)


def create_web(deps: Deps) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(percent=views.percent, target_text=views.target_text, when=views.when,
                                 work_titles=WORK_TITLES, statuses=STATUSES)
    trend_cache: dict[tuple, tuple[datetime, object]] = {}
    history_limit = asyncio.Semaphore(deps.history_concurrency)  # each answer replays the seller's history

    async def ask_past(name: str, marketplace: str | None, as_of: datetime) -> AccountHealth:
        async with history_limit:
            return await _ask_past(deps, name, marketplace, as_of)

    def page(request: Request, name: str, status: int = 200, **context: object) -> Response:
        fragment = request.query_params.get("fragment") == "1"
        return templates.TemplateResponse(request, name, {"fragment": fragment, "now": deps.now(),
                                                          "operator": deps.operator, **context}, status_code=status)

    async def fleet(request: Request) -> Response:
        query = views.fleet_query(dict(request.query_params), size=deps.page_size)
        found = fleet_page(deps.index.ranked(), query, ranked=True)
        return page(request, "fleet.html", fleet=found, query=query, version=deps.index.version,
                    loaded=deps.index.loaded.is_set())

    async def seller(request: Request) -> Response:
        name = views.seller_of(request.path_params["seller"])
        marketplace = views.marketplace_of(request.query_params.get("marketplace"))
        as_of = views.as_of_of(request.query_params.get("as_of"), deps.now())
        parts = deps.index.parts.get(name)
        if parts is None:
            raise HTTPException(404, f"no facts about seller {name!r} have reached the dashboard")
        latest = latest_health(parts)
        marketplace = marketplace or (latest.marketplace_id if latest else None)
        query = GetAccountHealth(as_of=as_of, **({"marketplace_id": marketplace} if marketplace else {}))
        health = await deps.ask_health(name, query)
        flags = sorted(parts.flags.values(), key=lambda f: (f.breached_at is None, f.key))
        work = {kind: parts.open_work(kind) for kind in WORK_TITLES}
        return page(request, "seller.html", seller=name, health=health, flags=flags,
                    account=sorted(parts.account.values(), key=lambda a: a.at, reverse=True), work=work,
                    version=deps.index.version, as_of=request.query_params.get("as_of") or "")

    async def trend(request: Request) -> Response:
        name = views.seller_of(request.path_params["seller"])
        marketplace = views.marketplace_of(request.query_params.get("marketplace"))
        if name not in deps.index.parts:
            raise HTTPException(404, f"no facts about seller {name!r} have reached the dashboard")
        now = deps.now()
        points = views.trend_points(now.replace(second=0, microsecond=0), days=deps.trend_days,
                                    step=deps.trend_step_days, recent=timedelta(minutes=10))
        answers = await asyncio.gather(*(_cached(trend_cache, (name, marketplace, p.as_of), now,
                                                 partial(ask_past, name, marketplace, p.as_of))
                                         for p in points))
        return JSONResponse(_trend_json(points, answers))

    async def order(request: Request) -> Response:
        name = views.seller_of(request.path_params["seller"])
        order_id = views.order_of(request.path_params["order_id"])
        try:
            view: OrderHealthView = await deps.ask_order(name, OrderHealthRef(order_id=order_id))
        except RequestFailed as exc:
            if exc.error.code == "not_found":
                raise HTTPException(404, exc.error.message) from None
            raise
        return page(request, "order.html", seller=name, view=view)

    async def services(request: Request) -> Response:
        return page(request, "services.html", view=await deps.probe.fresh())

    async def replay(request: Request) -> Response:
        if not deps.operator:
            raise HTTPException(403, "replaying dead letters is for operators (SELLEROPS_DASHBOARD_OPERATOR)")
        origin = request.headers.get("origin")
        if origin and urlparse(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, "a replay must come from the dashboard's own page")
        try:
            sequence = int(request.path_params["sequence"])
        except ValueError:
            raise views.BadInput("sequence", "is not a whole number") from None
        try:
            await deps.replay(sequence)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None
        log.info("dead_letter_replayed", sequence=sequence)
        return RedirectResponse("/services", status_code=303)

    async def live(request: Request) -> Response:
        async def changes() -> AsyncIterator[str]:
            version = -1
            while not await request.is_disconnected():
                new = await deps.index.wait_change(version, deps.live_heartbeat_s) if version >= 0 else \
                    deps.index.version
                yield f"data: {new}\n\n" if new != version else ": still here\n\n"
                version = new

        return StreamingResponse(changes(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def bad_input(request: Request, exc: views.BadInput) -> Response:
        return page(request, "error.html", 400, code=400, title="Bad request",
                    message=f"parameter {exc.field}: {exc.message}")

    async def http_error(request: Request, exc: HTTPException) -> Response:
        titles = {404: "Not found", 403: "Forbidden", 405: "Method not allowed"}
        return page(request, "error.html", exc.status_code, code=exc.status_code,
                    title=titles.get(exc.status_code, "Error"),
                    message=exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else
                    f"nothing at {request.url.path}")

    async def failed(request: Request, exc: Exception) -> Response:
        log.error("dashboard_page_failed", path=request.url.path, error=f"{type(exc).__name__}: {exc}")
        unavailable = isinstance(exc, TimeoutError | RequestFailed) or "NoResponders" in type(exc).__name__
        return page(request, "error.html", 503 if unavailable else 500, code=503 if unavailable else 500,
                    title="Unavailable" if unavailable else "Error",
                    message="the health service did not answer; try again in a moment" if unavailable
                    else "the page could not be made; the reason is in the dashboard's log")

    # Each handler takes the exception type it is registered for, which Starlette's type (any Exception) cannot say.
    errors: dict[type[Exception], Callable[..., Awaitable[Response]]] = {
        views.BadInput: bad_input, HTTPException: http_error, Exception: failed}
    return Starlette(routes=[
        Route("/", fleet), Route("/sellers/{seller}", seller), Route("/sellers/{seller}/trend.json", trend),
        Route("/sellers/{seller}/orders/{order_id}", order), Route("/services", services),
        Route("/services/deadletters/{sequence}/replay", replay, methods=["POST"]), Route("/live", live),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ], exception_handlers=errors)


async def _ask_past(deps: Deps, seller: str, marketplace: str | None, as_of: datetime) -> AccountHealth:
    query = GetAccountHealth(as_of=as_of, **({"marketplace_id": marketplace} if marketplace else {}))
    return await (deps.ask_history or deps.ask_health)(seller, query)


async def _cached(cache: dict, key: tuple, now: datetime, ask: Callable[[], Awaitable[T]], ttl_s: float = 600.0) -> T:
    """Past answers change only when a late fact arrives: kept `ttl_s`, so opening the page again costs nothing."""
    found = cache.get(key)
    if found is not None and (now - found[0]).total_seconds() < ttl_s:
        return found[1]
    if len(cache) > 20_000:
        cache.clear()
    answer = await ask()
    cache[key] = (now, answer)
    return answer


def _trend_json(points: list, answers: list) -> dict:
    series: dict[str, dict] = {}
    for index, health in enumerate(answers):
        for m in health.measures:
            s = series.setdefault(m.key, {"title": m.title, "target": m.target.value, "rates": [None] * len(points)})
            s["rates"][index] = m.rate
    last = answers[-1] if answers else None
    return {"days": [p.label for p in points], "as_of": [p.as_of.astimezone(UTC).isoformat() for p in points],
            "series": series, "why": last.why if last else {}, "why_as_of": points[-1].as_of.isoformat()}
