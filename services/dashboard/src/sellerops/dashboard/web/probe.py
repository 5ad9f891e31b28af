"""The services page's facts: every running instance (the NATS service API), each durable consumer's lag, the
dead letters; and their gauges on /metrics for Prometheus. Read every `every_s`, shown from the last read."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from nats.aio.client import Client
from prometheus_client import CollectorRegistry, Gauge

from sellerops.cli.status import discover
from sellerops.contracts.streams import all_streams
from sellerops.runtime.dead_letters import DeadLetter, list_dead_letters

log = structlog.get_logger("sellerops.dashboard")


@dataclass(frozen=True)
class Endpoint:
    service: str
    instance: str
    version: str
    verb: str
    requests: int
    errors: int
    average_ms: float
    per_minute: float | None  # requests per minute since the previous read
    errors_per_minute: float | None


@dataclass(frozen=True)
class Consumer:
    stream: str
    name: str
    pending: int
    ack_pending: int
    redelivered: int
    growing: bool  # more pending than at the previous read


@dataclass
class ServicesView:
    at: float = 0.0
    instances: list[tuple[str, str, str]] = field(default_factory=list)  # service, instance id, version
    endpoints: list[Endpoint] = field(default_factory=list)
    consumers: list[Consumer] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    dead_letter_count: int = 0
    error: str | None = None


class ServicesProbe:
    """Reads when someone looks (the services page, at most every `every_s`), and every `every_s` in the
    background only where Prometheus scrapes the gauges (`run`): an idle `sellerops up` pays nothing for it."""

    def __init__(self, nc: Client, *, every_s: float, registry: CollectorRegistry | None = None) -> None:
        self._nc = nc
        self._every_s = every_s
        self._lock = asyncio.Lock()
        self.latest = ServicesView()
        self._gauges = _gauges(registry) if registry is not None else None

    async def fresh(self) -> ServicesView:
        """The last read, read again first when it is older than `every_s`."""
        if time.monotonic() - self.latest.at >= self._every_s:
            async with self._lock:
                if time.monotonic() - self.latest.at >= self._every_s:
                    await self._read_once()
        return self.latest

    async def run(self) -> None:
        while True:
            await self._read_once()
            await asyncio.sleep(self._every_s)

    async def _read_once(self) -> None:
        try:
            self.latest = await self.read(self.latest)
        except Exception as exc:  # noqa: BLE001  (shown on the page; read again next time)
            log.warning("dashboard_probe_failed", error=f"{type(exc).__name__}: {exc}")
            self.latest.error = f"{type(exc).__name__}: {exc}"

    async def read(self, before: ServicesView) -> ServicesView:
        js = self._nc.jetstream()
        stats = await discover(self._nc, "STATS", wait=0.3)
        now = time.monotonic()
        minutes = (now - before.at) / 60 if before.at else None
        old = {(e.instance, e.verb): e for e in before.endpoints}
        endpoints = []
        for s in sorted(stats, key=lambda s: (s.get("name", ""), s.get("id", ""))):
            for e in s.get("endpoints") or []:
                prev = old.get((s["id"], e.get("name", "")))
                n, errors = e.get("num_requests", 0), e.get("num_errors", 0)
                endpoints.append(Endpoint(
                    service=s["name"].removeprefix("sellerops-"), instance=s["id"], version=s.get("version", ""),
                    verb=e.get("name", ""), requests=n, errors=errors,
                    average_ms=(e.get("average_processing_time") or 0) / 1e6,
                    per_minute=(n - prev.requests) / minutes if prev and minutes else None,
                    errors_per_minute=(errors - prev.errors) / minutes if prev and minutes else None))
        pending = {(c.stream, c.name): c.pending for c in before.consumers}
        consumers = []
        for spec in all_streams():
            try:
                infos = await js.consumers_info(spec.name)
            except Exception:  # noqa: BLE001, S112  (stream not declared yet)
                continue
            for info in infos:
                if not info.config.durable_name:  # an ephemeral reader (time travel, a tail): not a service's lag
                    continue
                waiting = info.num_pending or 0  # nats-py's fields are optional; the server always sends them
                consumers.append(Consumer(spec.name, info.name, waiting, info.num_ack_pending or 0,
                                          info.num_redelivered or 0,
                                          waiting > pending.get((spec.name, info.name), waiting)))
        letters = await list_dead_letters(js, limit=200)
        count = (await js.stream_info("DEADLETTER")).state.messages
        view = ServicesView(at=now, instances=sorted({(s["name"].removeprefix("sellerops-"), s["id"],
                                                      s.get("version", "")) for s in stats}),
                            endpoints=endpoints, consumers=consumers, dead_letters=letters, dead_letter_count=count)
        if self._gauges is not None:
            self._gauges(view)
        return view


def _gauges(registry: CollectorRegistry) -> Callable[[ServicesView], None]:
    # consumer lag is not here: every service exports its own consumers' (sellerops_consumer_pending ...)
    dead = Gauge("sellerops_dead_letters_stored", "Messages in the dead-letter stream", registry=registry)
    instances = Gauge("sellerops_service_instances", "Running instances answering the NATS service API",
                      ["service"], registry=registry)
    seen: set[str] = set()

    def update(view: ServicesView) -> None:
        dead.set(view.dead_letter_count)
        counts = dict.fromkeys(seen, 0)  # a service that stopped answering shows 0, not its last count
        for service, _, _ in view.instances:
            counts[service] = counts.get(service, 0) + 1
        for service, n in counts.items():
            instances.labels(service).set(n)
        seen.update(counts)

    return update
