"""Prometheus metrics and the liveness / readiness / metrics HTTP endpoint of a service process.

Off unless SELLEROPS_HTTP_PORT is set (a Kubernetes pod sets it; `up` leaves it off).
`/healthz` answers while the process runs; `/readyz` when NATS is connected and JetStream
answers; `/metrics` in the Prometheus text format, each durable consumer's lag read from JetStream as it is
scraped (`before_scrape`). A service may add routes of its own (`Wiring.http`:
path prefix -> HttpRoute); `request_route` serves a request endpoint's handler as `GET <prefix><seller>`.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import msgspec
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

log = structlog.get_logger("sellerops.http")
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry or CollectorRegistry()
        self.events = Counter("sellerops_events", "Events taken by a consumer, by outcome "
                              "(handled, retried, dead_lettered, ignored)",
                              ["service", "consumer", "outcome"], registry=self.registry)
        self.event_seconds = Histogram("sellerops_event_handling_seconds", "Time to handle one event",
                                       ["service", "consumer"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.requests = Counter("sellerops_requests", "Requests answered, by verb and code",
                                ["service", "verb", "code"], registry=self.registry)
        self.request_seconds = Histogram("sellerops_request_seconds", "Time to answer a request",
                                         ["service", "verb"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.ignored = Counter("sellerops_facts_ignored", "Facts a consumer read that no handler of its service "
                               "acts on, by type", ["service", "consumer", "type"], registry=self.registry)
        self.deadlines = Counter("sellerops_deadlines_fired", "Deadlines fired", ["service", "kind"],
                                 registry=self.registry)
        lag = ["service", "stream", "consumer"]
        self.consumer_pending = Gauge("sellerops_consumer_pending", "Messages of the stream the durable consumer "
                                      "has not delivered yet (its lag)", lag, registry=self.registry)
        self.consumer_ack_pending = Gauge("sellerops_consumer_ack_pending", "Messages delivered and not acked yet",
                                          lag, registry=self.registry)
        self.consumer_redelivered = Gauge("sellerops_consumer_redelivered", "Messages delivered more than once and "
                                          "not acked yet", lag, registry=self.registry)
        self._children: dict[tuple[str, str], tuple[Any, ...]] = {}

    def event(self, consumer: str, outcome: str, seconds: float | None = None) -> None:
        key = (consumer, outcome)
        if (children := self._children.get(key)) is None:  # labels() costs ~3 us a call: once per key
            children = self._children[key] = (self.events.labels(self.service, consumer, outcome),
                                              self.event_seconds.labels(self.service, consumer))
        children[0].inc()
        if seconds is not None:
            children[1].observe(seconds)

    def ignored_fact(self, consumer: str, type_tag: str) -> None:
        self.ignored.labels(self.service, consumer, type_tag).inc()

    def request(self, verb: str, code: str, seconds: float) -> None:
        self.requests.labels(self.service, verb, code).inc()
        self.request_seconds.labels(self.service, verb).observe(seconds)

    def deadline(self, kind: str) -> None:
        self.deadlines.labels(self.service, kind).inc()

    async def consumer_lag(self, js: Any, consumers: Iterable[tuple[str, str]], timeout: float = 1.0) -> None:
        """Read each (stream, durable)'s pending, ack-pending and redelivered counts from JetStream; one that
        does not answer keeps its last values (a scrape must not fail because a node is being replaced)."""
        consumers = list(consumers)
        infos = await asyncio.gather(*(asyncio.wait_for(js.consumer_info(stream, durable), timeout)
                                       for stream, durable in consumers), return_exceptions=True)
        for (stream, durable), info in zip(consumers, infos, strict=True):
            if isinstance(info, BaseException):
                log.debug("consumer_lag_unknown", stream=stream, consumer=durable, error=repr(info))
                continue
            labels = (self.service, stream, durable)
            self.consumer_pending.labels(*labels).set(info.num_pending or 0)
            self.consumer_ack_pending.labels(*labels).set(info.num_ack_pending or 0)
            self.consumer_redelivered.labels(*labels).set(info.num_redelivered or 0)


Ready = Callable[[], Awaitable[bool]]
HttpRoute = Callable[[str, Mapping[str, str]], Awaitable[tuple[int, bytes, str]]]
"""(the path after the route's prefix, the query parameters) -> (status, body, content type)."""
AsgiReceive = Callable[[], Awaitable[dict[str, Any]]]
AsgiSend = Callable[[dict[str, Any]], Awaitable[None]]
AsgiApp = Callable[[dict[str, Any], AsgiReceive, AsgiSend], Awaitable[None]]
JSON = "application/json"


def asgi_app(metrics: Metrics, ready: Ready, routes: Mapping[str, HttpRoute] | None = None,
             before_scrape: Callable[[], Awaitable[None]] | None = None) -> AsgiApp:
    routes = dict(routes or {})

    async def app(scope: dict[str, Any], receive: AsgiReceive, send: AsgiSend) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/healthz":
            status, body, kind = 200, b"ok\n", "text/plain"
        elif path == "/readyz":
            ok = await ready()
            status, body, kind = (200, b"ready\n", "text/plain") if ok else (503, b"not ready\n", "text/plain")
        elif path == "/metrics":
            if before_scrape is not None:
                await before_scrape()
            status, body, kind = 200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST
        else:
            status, body, kind = await _route(routes, path, scope.get("query_string", b""))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind.encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


async def _route(routes: Mapping[str, HttpRoute], path: str, query_string: bytes) -> tuple[int, bytes, str]:
    """The route with the longest prefix of `path` answers; none: 404. A failing route answers 500."""
    prefix = max((p for p in routes if path.startswith(p)), key=len, default=None)
    if prefix is None:
        return 404, b"not found\n", "text/plain"
    query = dict(parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        return await routes[prefix](path[len(prefix):], query)
    except Exception as exc:  # the caller gets an answer, the log the reason
        log.error("http_route_failed", path=path, exc_info=exc)
        return 500, _error_body("internal", f"{type(exc).__name__}: {exc}"), JSON


def _error_body(code: str, message: str, field: str | None = None) -> bytes:
    from sellerops.contracts.catalog import encode
    from sellerops.contracts.requests import ErrorReply

    return encode(ErrorReply(code=code, message=message, field=field))


def request_route(handler: Callable[[str, Any], Awaitable[Any]], request_type: type,
                  params: Mapping[str, str]) -> HttpRoute:
    """`GET <prefix><seller>?param=value`: a request endpoint's handler over HTTP, answering the same JSON.

    `params` maps query parameters to the request's fields; an unknown or bad parameter is a 400 whose
    ErrorReply names the parameter, a handler's RequestError the status of its code (ERROR_STATUS).
    """
    from sellerops.contracts.catalog import encode
    from sellerops.contracts.requests import ERROR_STATUS, RequestError, validation_error
    from sellerops.contracts.subjects import InvalidToken, seller_token

    fields = {f"$.{f}": p for p, f in params.items()}

    def error(exc: RequestError) -> tuple[int, bytes, str]:
        e = exc.reply
        param = fields.get(e.field or "")
        message = f"parameter {param}: {e.message}" if param else e.message
        return ERROR_STATUS.get(e.code, 500), _error_body(e.code, message, param or e.field), JSON

    async def route(rest: str, query: Mapping[str, str]) -> tuple[int, bytes, str]:
        seller = rest.strip("/")
        if not seller or "/" in seller:
            return 404, b"not found\n", "text/plain"
        unknown = sorted(set(query) - set(params))
        if unknown:
            return error(RequestError("invalid", f"unknown parameter {unknown[0]!r} (known: {', '.join(params)})",
                                      unknown[0]))
        try:
            seller_token(seller)
            request: Any = msgspec.convert({params[k]: v for k, v in query.items()}, request_type, strict=False)
            return 200, encode(await handler(seller, request)), JSON
        except msgspec.ValidationError as exc:
            return error(validation_error(exc))
        except InvalidToken as exc:
            return error(RequestError("invalid", str(exc), exc.field))
        except RequestError as exc:
            return error(exc)

    return route


async def serve_http(metrics: Metrics, ready: Ready, host: str, port: int,
                     routes: Mapping[str, HttpRoute] | None = None,
                     before_scrape: Callable[[], Awaitable[None]] | None = None) -> None:
    import uvicorn

    config = uvicorn.Config(asgi_app(metrics, ready, routes, before_scrape), host=host, port=port, log_config=None,
                            access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    log.info("http_listening", host=host, port=port, paths=["/healthz", "/readyz", "/metrics", *(routes or {})])
    try:
        await server.serve()
    except asyncio.CancelledError:
        server.should_exit = True
        raise


class Timer:
    __slots__ = ("start",)

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start
