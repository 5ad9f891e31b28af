"""Runs one service: connects, declares what it needs, wires its handlers, consumes, serves requests.

The service gives its name, its durable consumers and a `wire(resources)` function (its composition
root); the host does the rest, the same way for every service.
"""

import asyncio
import gc
import inspect
from functools import partial
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nats.micro.service import Service
import structlog
from faststream import AckPolicy, FastStream
from faststream.nats import JStream, NatsBroker
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from sellerops.auth.connect import connect_options
from sellerops.contracts.envelope import Event
from sellerops.contracts.streams import DEAD_LETTER, SOURCES, stream_name
from sellerops.contracts.subjects import event_filter
from sellerops.runtime.broker import consumer_config, create_broker, declare_consumer, declare_streams, open_bucket
from sellerops.runtime.clock import Clock, StreamClock, WallClock
from sellerops.runtime.compat import EagerPullSub, batches_as_they_arrive, typed_fetch_timeouts
from sellerops.runtime.delivery import DeadLetters, EventDispatcher, Handler
from sellerops.runtime.observability import HttpRoute, Metrics, serve_http
from sellerops.runtime.partitions import Partitions, open_leases
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import Endpoint, serve
from sellerops.runtime.routes import Dependencies, EventHandler, bind_table
from sellerops.runtime.settings import RuntimeSettings

log = structlog.get_logger("sellerops.host")


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable consumer of every fact about one entity from one source, e.g. market/order."""

    durable: str
    source: str
    entity: str

    @property
    def filter_subject(self) -> str:
        return event_filter(self.source, self.entity)

    def filters(self, routed: Iterable[type[Event]]) -> list[str]:
        """The subjects the server delivers: only the facts the service routes (a fact nobody here handles is
        not sent, decoded and acked for nothing: three of the four consumers of market order facts route
        none of the OrderPlaced facts, a third of the system's CPU per order went to those); every fact of
        the entity when nothing is routed or a routed type is another entity's."""
        facts = sorted({t.fact for t in routed if (t.source, t.entity) == (self.source, self.entity)})
        if not facts or len(facts) != len({t.fact for t in routed}):
            return [self.filter_subject]
        return [event_filter(self.source, self.entity, fact=fact) for fact in facts]


@dataclass(frozen=True)
class ServiceInfo:
    name: str
    version: str
    description: str
    consumers: tuple[ConsumerSpec, ...] = ()
    buckets: tuple[str, ...] = ()
    # reads what dashboards read (every service's queries and stats, every stream's consumers and dead
    # letters) besides its own; its credentials get the read-only role's grants too (sellerops.auth.roles)
    observes_fleet: bool = False

    @property
    def streams(self) -> tuple[str, ...]:
        """The streams it declares: those it consumes, its own (a service emits the events named after it), and
        the dead letters; with credentials it may declare no other (see sellerops.auth.roles)."""
        sources = {c.source for c in self.consumers} | ({self.name} & set(SOURCES))
        return (*sorted(stream_name(s) for s in sources), DEAD_LETTER.name)


@dataclass
class Resources:
    """Connected infrastructure handed to a service's composition root."""

    nc: Client
    js: JetStreamContext
    buckets: dict[str, KeyValue]
    publisher: JetStreamPublisher
    clock: Clock
    settings: RuntimeSettings
    metrics: Metrics | None = None
    stream_clock: StreamClock | None = None  # what deadlines go by (see runtime.clock.StreamClock)
    partitions: Partitions | None = None  # the share of the keys this replica keeps deadlines for


@dataclass
class Wiring:
    """What a composition root returns: handlers per durable consumer, endpoints, background tasks, and
    HTTP routes beside /healthz /readyz /metrics (path prefix -> route; served when SELLEROPS_HTTP_PORT is set)."""

    events: Mapping[str, Mapping[type[Event], Handler]]
    endpoints: list[Endpoint] = field(default_factory=list)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    http: Mapping[str, HttpRoute] = field(default_factory=dict)


Wire = Callable[[Resources], Wiring | Awaitable[Wiring]]


@dataclass(frozen=True)
class EndpointSpec:
    """A request-reply endpoint, served by the handler function `handler(seller, request, **deps)`."""

    verb: str
    request_type: type
    reply_type: type
    handler: Callable[..., Awaitable[Any]]
    description: str
    operator_only: bool = False  # it reveals a secret: seller credentials may never call it (sellerops.auth)


Routes = Mapping[ConsumerSpec, Mapping[type[Event], EventHandler]]


def wire(routes: Routes, endpoints: tuple[EndpointSpec, ...], deps: Dependencies, *,
         background: list[Callable[[], Awaitable[None]]] | None = None,
         http: Mapping[str, HttpRoute] | None = None) -> Wiring:
    """Bind a service's route tables (event type -> handler function) and endpoints to its dependencies."""
    return Wiring(
        events={consumer.durable: bind_table(table, deps) for consumer, table in routes.items()},
        endpoints=[Endpoint(e.verb, e.request_type, deps.bind_request(e.handler), e.reply_type, e.description)
                   for e in endpoints],
        background=list(background or []),
        http=dict(http or {}),
    )


async def _raw_batch(msg: Any) -> Any:
    """Hand the handler the raw nats-py messages: the dispatcher decodes each one itself. (A coroutine: FastStream
    runs a plain function decoder in a worker thread, a thread hop per batch that cost ~5 % of a busy service.)"""
    return msg.raw_message


async def _supervised(job: Callable[[], Awaitable[None]], restart_after_s: float = 1.0) -> None:
    """Run a background job forever: if it fails (say NATS went away), log why and start it again."""
    name = getattr(job, "__qualname__", None) or getattr(getattr(job, "func", None), "__qualname__", repr(job))
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001
            log.error("background_job_failed", job=name, error=f"{type(exc).__name__}: {exc}", restart_in_s=restart_after_s)
            await asyncio.sleep(restart_after_s)


STOP_TASKS_S = 5.0  # the longest a stop waits for its background tasks to end


class ServiceHost:
    def __init__(self, info: ServiceInfo, settings: RuntimeSettings, wire: Wire, *, clock: Clock | None = None) -> None:
        typed_fetch_timeouts()  # before the broker's pull loops start (see runtime.compat)
        batches_as_they_arrive()
        self.info = info
        self.settings = settings
        self.clock = clock or WallClock()
        self.stream_clock = StreamClock(self.clock)
        self._wire = wire
        self.broker: NatsBroker = create_broker(settings, info.name)
        self.dispatchers: dict[str, EventDispatcher] = {}
        self.micro: Service | None = None
        self.partitions: Partitions | None = None
        self.metrics = Metrics(info.name)
        self._tasks: list[asyncio.Task[None]] = []
        for consumer in info.consumers:
            self._subscribe(consumer)

    def _subscribe(self, consumer: ConsumerSpec) -> None:
        delivery = self.settings.delivery
        # FastStream pulls into `_INBOX.<id>` unless told: with credentials, into the user's own inbox
        inbox = connect_options(self.settings.nats.user_credentials).get("inbox_prefix")
        subscriber = self.broker.subscriber(  # type: ignore[call-overload]  # none has pull_sub with a decoder
            consumer.filter_subject,
            stream=JStream(stream_name(consumer.source), declare=False),
            durable=consumer.durable,
            config=consumer_config(consumer.durable, consumer.filter_subject, delivery),
            pull_sub=EagerPullSub(batch_size=delivery.batch_size, idle_s=delivery.idle_wait_s,
                                  drain_s=delivery.batch_timeout_s),
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw_batch,
            include_in_schema=False,
            **({"inbox_prefix": f"{inbox}.".encode()} if inbox else {}),
        )

        async def on_batch(messages: list[Msg]) -> None:
            try:
                await self.dispatchers[consumer.durable](messages)
            except Exception as exc:
                # FastStream swallows what escapes a handler (its logger is off), and the batch would
                # wait out ack_wait unseen: say so, and ask for it again soon.
                log.error("batch_failed", consumer=consumer.durable, messages=len(messages), exc_info=exc)
                for msg in messages:
                    try:
                        await msg.nak(delay=self.settings.delivery.retry_delay(1))
                    except Exception:  # noqa: BLE001, S110  (already acked, or the connection is gone)
                        pass

        on_batch.__name__ = f"on_{consumer.durable.replace('-', '_')}"
        subscriber(on_batch)

    def app(self) -> FastStream:
        return FastStream(self.broker, logger=None, on_startup=[self.start], after_startup=[self.serve],
                          on_shutdown=[self.stop])

    async def start(self) -> None:
        """Connect, declare streams, buckets and consumers, and wire the service (before consuming)."""
        nc = await self.broker.connect()
        js = nc.jetstream(timeout=self.settings.nats.publish_timeout_s)
        await declare_streams(js, self.settings.nats, only=self.info.streams)
        buckets = {name: await open_bucket(js, name, self.settings.nats) for name in self.info.buckets}
        publisher = JetStreamPublisher(js, timeout=self.settings.nats.publish_timeout_s)
        delivery = self.settings.delivery
        leases = await open_leases(js, replicas=self.settings.nats.replicas, lease_s=delivery.deadline_lease_s)
        self.partitions = Partitions(leases, self.info.name, count=delivery.deadline_partitions,
                                     lease_s=delivery.deadline_lease_s)
        resources = Resources(nc, js, buckets, publisher, self.clock, self.settings, self.metrics, self.stream_clock,
                              self.partitions)
        wired = self._wire(resources)
        wiring = await wired if inspect.isawaitable(wired) else wired
        for consumer in self.info.consumers:  # after wiring: a consumer is narrowed to the facts routed
            filters = consumer.filters(wiring.events.get(consumer.durable, {}))
            await declare_consumer(js, stream_name(consumer.source),
                                   consumer_config(consumer.durable, filters, self.settings.delivery))
            backlog = (await js.consumer_info(stream_name(consumer.source), consumer.durable)).num_pending
            if backlog:  # deadlines wait until the backlog says how far event time has really got
                self.stream_clock.behind(consumer.durable, None)
        self.install(wiring, js)
        # What is alive now (modules, settings, clients) lives as long as the process: keep it out of
        # the collector's full passes, which otherwise walk ~57k objects every few thousand events.
        gc.collect()
        gc.freeze()

    def install(self, wiring: Wiring, js: JetStreamContext) -> None:
        dead = DeadLetters(js, self.info.name, timeout=self.settings.nats.publish_timeout_s)
        self.dispatchers = {
            durable: EventDispatcher(service=self.info.name, handlers=handlers, dead_letters=dead,
                                     delivery=self.settings.delivery, metrics=self.metrics, consumer=durable,
                                     stream_clock=self.stream_clock)
            for durable, handlers in wiring.events.items()
        }
        self.wiring = wiring

    async def serve(self) -> None:
        """Open the request endpoints and background tasks once consumers run."""
        self.micro = await serve(
            self.broker.connection, service=self.info.name, version=self.info.version,
            description=self.info.description, endpoints=self.wiring.endpoints, metrics=self.metrics,
            answers_at_once=self.settings.answers_at_once,
        )
        jobs = list(self.wiring.background)
        if self.partitions is not None and self.partitions.used:
            jobs.append(self.partitions.run)
        if self.settings.http_port is not None:
            jobs.append(partial(serve_http, self.metrics, self.ready, self.settings.http_host, self.settings.http_port,
                                routes=self.wiring.http, before_scrape=self.consumer_lag))
        self._tasks = [asyncio.create_task(_supervised(job)) for job in jobs]
        log.info("service_ready", service=self.info.name, consumers=[c.durable for c in self.info.consumers],
                 endpoints=[e.verb for e in self.wiring.endpoints])

    async def consumer_lag(self) -> None:
        """Each durable consumer's lag onto the metrics (called as /metrics is scraped)."""
        nc = self.broker.connection
        if nc is not None and nc.is_connected:
            await self.metrics.consumer_lag(nc.jetstream(), [(stream_name(c.source), c.durable)
                                                             for c in self.info.consumers])

    async def ready(self) -> bool:
        """Ready = connected to NATS and JetStream answers within a second."""
        try:
            nc = self.broker.connection
            if not nc or not nc.is_connected:
                return False
            await asyncio.wait_for(nc.jetstream().account_info(), timeout=1.0)
            return True
        except Exception:  # noqa: BLE001
            return False

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:  # let them finish their way out while NATS is still there: the deadline partitions give
            # their leases back then (unawaited, the release ran into the closed connection, and the next instance
            # waited out the leases before firing anything: a flaky deadline test)
            await asyncio.wait(self._tasks, timeout=STOP_TASKS_S)
        if self.micro is not None:
            await self.micro.stop()
        log.info("service_stopped", service=self.info.name)
