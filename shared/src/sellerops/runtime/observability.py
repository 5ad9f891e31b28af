"""Prometheus metrics and the liveness / readiness / metrics HTTP endpoint of a service process.

Off unless SELLEROPS_HTTP_PORT is set (a Kubernetes pod sets it; `up` leaves it off).
`/healthz` answers while the process runs; `/readyz` when NATS is connected and JetStream
answers; `/metrics` in the Prometheus text format.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

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
        self.deadlines = Counter("sellerops_deadlines_fired", "Deadlines fired", ["service", "kind"],
                                 registry=self.registry)
        self._children: dict[tuple[str, str], tuple] = {}

    def event(self, consumer: str, outcome: str, seconds: float | None = None) -> None:
        key = (consumer, outcome)
        if (children := self._children.get(key)) is None:  # labels() costs ~3 us a call: once per key
            children = self._children[key] = (self.events.labels(self.service, consumer, outcome),
                                              self.event_seconds.labels(self.service, consumer))
        children[0].inc()
        if seconds is not None:
            children[1].observe(seconds)

    def request(self, verb: str, code: str, seconds: float) -> None:
        self.requests.labels(self.service, verb, code).inc()
        self.request_seconds.labels(self.service, verb).observe(seconds)

    def deadline(self, kind: str) -> None:
        self.deadlines.labels(self.service, kind).inc()


Ready = Callable[[], Awaitable[bool]]


def asgi_app(metrics: Metrics, ready: Ready):  # noqa: ANN201  (an ASGI callable)
    async def app(scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/healthz":
            status, body, kind = 200, b"ok\n", b"text/plain"
        elif path == "/readyz":
            ok = await ready()
            status, body, kind = (200, b"ready\n", b"text/plain") if ok else (503, b"not ready\n", b"text/plain")
        elif path == "/metrics":
            status, body, kind = 200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST.encode()
        else:
            status, body, kind = 404, b"not found\n", b"text/plain"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", kind)]})
        await send({"type": "http.response.body", "body": body})

    return app


async def serve_http(metrics: Metrics, ready: Ready, host: str, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(asgi_app(metrics, ready), host=host, port=port, log_config=None,
                            access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    log.info("http_listening", host=host, port=port, paths=["/healthz", "/readyz", "/metrics"])
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
