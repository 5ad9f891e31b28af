"""Event delivery: per-aggregate ordering, paced retries, and the dead-letter stream.

A batch fetched from a durable consumer is split by aggregate (seller + aggregate id). Aggregates
run concurrently; the messages of one aggregate run one after another, in stream order. A handler
that raises is redelivered after a delay (a plain NAK would come back at once, backoff or not),
and the later messages of its aggregate in the batch are held back with it so they cannot overtake
it. After `max_deliver` failed deliveries the message goes to the dead-letter stream with its
original subject, payload and headers, the error, the service and the delivery count, and is
acknowledged: nothing is dropped and the aggregate moves on.

A message that cannot be handled at all is dead-lettered at once, alone, with its reason, and the
rest of the batch goes on: one over `max_event_bytes`, one that does not decode (any exception,
RecursionError and MemoryError included), and one whose subject is not the subject of the fact it
carries, above all one whose subject names another seller than its body's `seller` (the subject is
what NATS permissions protect; the body never overrides it).

A revision conflict (ConcurrentUpdate, after the store retried it for its time budget) is not a
failure of the message: it is redelivered after a delay and never dead-lettered for it.

A message delivered `3 x max_deliver` times without completing (it keeps killing the process, or
times out) is dead-lettered before its handler runs; the server-side consumer stops a few deliveries
later (`server_max_deliver`), only should the dead-letter stream itself be unreachable that long.
A failing message logs one line per delivery (its traceback with its last).
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.envelope import Event
from sellerops.contracts.streams import DEAD_LETTER
from sellerops.contracts.subjects import dead_letter_subject
from sellerops.runtime.acks import Callback, collecting
from sellerops.runtime.clock import StreamClock
from sellerops.runtime.logging import message_context
from sellerops.runtime.observability import Metrics, Timer
from sellerops.runtime.publisher import MSG_ID
from sellerops.runtime.settings import DeliverySettings
from sellerops.runtime.writer import ConcurrentUpdate

Handler = Callable[[Event], Awaitable[None]]

REASON = "Sellerops-Dead-Reason"
SERVICE = "Sellerops-Dead-Service"
DELIVERIES = "Sellerops-Dead-Deliveries"
ORIGINAL_SUBJECT = "Sellerops-Dead-Subject"
ORIGINAL_STREAM = "Sellerops-Dead-Stream"
ORIGINAL_SEQUENCE = "Sellerops-Dead-Sequence"
ORIGINAL_MSG_ID = "Sellerops-Dead-Msg-Id"

log = structlog.get_logger("sellerops.delivery")
# How long an ack waits for the server's confirmation when something waits for it (runtime.acks). Generous: a
# confirmation given up on while the server did take the ack leaves the message's ids held for good (nothing
# brings the message back to release them), a few bytes each, so a busy server's slow answer should not.
ACK_CONFIRM_TIMEOUT_S = 10.0


def without_control_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """A message's headers minus JetStream's publish expectations, which must not travel with a copy."""
    return {k: v for k, v in (headers or {}).items() if not k.startswith("Nats-Expected-")}


async def _acked_then(msg: Msg, callbacks: list[Callback]) -> None:
    """Ack with the server's confirmation, then run what waited for it (runtime.acks). Unconfirmed, the message
    may come again: what held its id keeps holding it (a few bytes), which is what lets it recognise it."""
    try:
        await msg.ack_sync(timeout=ACK_CONFIRM_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001  (the server may redeliver it: nothing is released)
        log.warning("ack_unconfirmed", error=f"{type(exc).__name__}: {exc}")
        return
    for callback in callbacks:
        callback()


def _header_safe(text: str, limit: int = 1000) -> str:
    return " ".join(text.split())[:limit]


@dataclass
class DeliveryStats:
    handled: int = 0
    retried: int = 0
    dead_lettered: int = 0
    ignored: int = 0


class DeadLetters:
    def __init__(self, js: JetStreamContext, service: str, *, timeout: float = 5.0) -> None:
        self._js = js
        self._service = service
        self._timeout = timeout

    async def send(self, msg: Msg, reason: str, deliveries: int) -> None:
        headers = without_control_headers(msg.headers)
        original_id = headers.pop(MSG_ID, None)
        meta = _metadata(msg)
        stream, seq = (meta.stream, meta.sequence.stream) if meta else ("", 0)
        headers |= {
            REASON: _header_safe(reason),
            SERVICE: self._service,
            DELIVERIES: str(deliveries),
            ORIGINAL_SUBJECT: msg.subject,
            ORIGINAL_STREAM: stream,
            ORIGINAL_SEQUENCE: str(seq),
            # One dead letter per original message and service, however often this is retried.
            MSG_ID: f"dead:{self._service}:{stream}:{seq}:{original_id or ''}",
        }
        if original_id:
            headers[ORIGINAL_MSG_ID] = original_id
        await self._js.publish(
            dead_letter_subject(self._service, msg.subject), msg.data,
            stream=DEAD_LETTER.name, headers=headers, timeout=self._timeout,
        )


def _metadata(msg: Msg) -> Msg.Metadata | None:
    try:
        return msg.metadata
    except Exception:  # noqa: BLE001  (in-memory test brokers give messages without JetStream metadata)
        return None


def _deliveries(msg: Msg) -> int:
    meta = _metadata(msg)
    return meta.num_delivered if meta else 1


def _short(exc: BaseException, limit: int = 300) -> str:
    """An exception's text, cut short (a RecursionError's or a validation error's can be long)."""
    text = str(exc)
    return text if len(text) <= limit else f"{text[:limit]}..."


def _subject_of(event: Event) -> str | None:
    try:
        return event.subject
    except ValueError:  # a body whose seller cannot be a subject token
        return None


def _misplaced(subject: str, event: Event, expected: str | None) -> str:
    """Why a decoded fact is refused on this subject: another seller's, or another fact's subject."""
    tokens = subject.split(".")
    if len(tokens) != 4:
        return f"subject {subject!r} does not parse as <source>.<seller>.<entity>.<fact>"
    if tokens[1] != event.seller:
        return f"seller mismatch: the subject names seller {tokens[1]!r}, the body {event.seller!r}"
    return f"a {event.type_tag()} fact belongs on {expected!r}, not on {subject!r}"


class EventDispatcher:
    """Runs one fetched batch; called by the FastStream batch subscriber of a durable consumer."""

    def __init__(
        self, *, service: str, handlers: Mapping[type[Event], Handler],
        dead_letters: DeadLetters, delivery: DeliverySettings, metrics: Metrics | None = None, consumer: str = "",
        stream_clock: StreamClock | None = None,
    ) -> None:
        self._stream_clock = stream_clock
        self._high_water: datetime | None = None
        self._service = service
        self._metrics = metrics
        self._consumer = consumer
        self._handlers = dict(handlers)
        self._dead = dead_letters
        self._delivery = delivery
        self.stats = DeliveryStats()

    async def __call__(self, messages: list[Msg]) -> None:
        groups: dict[tuple[str, str], list[tuple[Msg, Event, Handler]]] = {}
        for msg in messages:
            routed = await self._route(msg)
            if routed is not None:
                event, handler = routed
                groups.setdefault((event.seller, event.aggregate_id), []).append((msg, event, handler))
        await asyncio.gather(*(self._run_in_order(items) for items in groups.values()))
        self._report_progress(messages, groups)

    def _report_progress(self, messages: list[Msg],
                         groups: dict[tuple[str, str], list[tuple[Msg, Event, Handler]]]) -> None:
        """Tell the stream clock how far event time has got, and whether a backlog remains."""
        if self._stream_clock is None or not messages:
            return
        for items in groups.values():
            latest = items[-1][1].occurred_at
            if self._high_water is None or latest > self._high_water:
                self._high_water = latest
        meta = _metadata(messages[-1])
        if meta is None or not meta.num_pending:
            self._stream_clock.caught_up(self._consumer)
        else:
            self._stream_clock.behind(self._consumer, self._high_water)

    async def _route(self, msg: Msg) -> tuple[Event, Handler] | None:
        size = len(msg.data or b"")
        if size > self._delivery.max_event_bytes:
            reason = f"event of {size} bytes is over the {self._delivery.max_event_bytes} byte limit"
            await self._reject(msg, reason)
            return None
        try:
            event = decode_event(msg.data)
        except Exception as exc:  # noqa: BLE001  (RecursionError, MemoryError, ...: this message alone is bad)
            await self._reject(msg, f"undecodable event: {type(exc).__name__}: {_short(exc)}")
            return None
        if msg.subject != (expected := _subject_of(event)):
            await self._reject(msg, _misplaced(msg.subject, event, expected))
            return None
        handler = self._handlers.get(type(event))
        if handler is None:  # a fact this service does not act on
            self.stats.ignored += 1
            self._count("ignored")
            if self._metrics is not None:
                self._metrics.ignored_fact(self._consumer, event.type_tag())
            await msg.ack()
            return None
        return event, handler

    async def _reject(self, msg: Msg, reason: str) -> None:
        await self._give_up(msg, reason, _deliveries(msg))

    async def _run_in_order(self, items: list[tuple[Msg, Event, Handler]]) -> None:
        for index, (msg, event, handler) in enumerate(items):
            delay = await self._handle(msg, event, handler)
            if delay is not None:
                for later, _, _ in items[index + 1 :]:
                    await later.nak(delay=delay)
                return

    async def _handle(self, msg: Msg, event: Event, handler: Handler) -> float | None:
        """Handle one message; return the retry delay when it must come back later."""
        delivered = _deliveries(msg)

        def fields() -> dict[str, object]:
            return {"service": self._service, "subject": msg.subject, "seller": event.seller,
                    "event_id": str(event.event_id), "event_type": event.type_tag(),
                    "aggregate_id": event.aggregate_id, "correlation_id": str(event.correlation),
                    "delivery": delivered}

        with message_context(fields):
            if delivered > 3 * self._delivery.max_deliver:
                return await self._give_up(msg, f"delivered {delivered} times without completing", delivered)
            timer = Timer()
            with collecting() as after_acked:
                try:
                    await handler(event)
                except Exception as exc:  # noqa: BLE001  (every failure is retried or dead-lettered, never dropped)
                    return await self._failed(msg, exc, delivered)
            if after_acked:
                await _acked_then(msg, after_acked)
            else:
                await msg.ack()
            self.stats.handled += 1
            self._count("handled", timer.elapsed())
            return None

    def _count(self, outcome: str, seconds: float | None = None) -> None:
        if self._metrics is not None:
            self._metrics.event(self._consumer, outcome, seconds)

    async def _failed(self, msg: Msg, exc: Exception, delivered: int) -> float | None:
        reason = f"{type(exc).__name__}: {_short(exc)}"
        if isinstance(exc, ConcurrentUpdate):  # contention, not a bad message: never counted towards max_deliver
            delay = self._delivery.retry_delay(1)
            log.warning("event_conflicted_will_retry", reason=reason, retry_in_s=delay)
        elif delivered >= self._delivery.max_deliver:
            log.error("event_failed_for_the_last_time", reason=reason, exc_info=exc)
            return await self._give_up(msg, reason, delivered)
        else:
            delay = self._delivery.retry_delay(delivered)
            log.warning("event_failed_will_retry", reason=reason, retry_in_s=delay)
        self.stats.retried += 1
        self._count("retried")
        await msg.nak(delay=delay)
        return delay

    async def _give_up(self, msg: Msg, reason: str, delivered: int) -> float | None:
        """Dead-letter and acknowledge; if the dead-letter stream is unreachable, keep the message
        (return its retry delay so the later messages of its aggregate wait for it)."""
        try:
            await self._dead.send(msg, reason, delivered)
        except Exception as exc:  # noqa: BLE001
            delay = self._delivery.retry_delay(delivered)
            log.error("dead_letter_failed", reason=reason, error=str(exc), retry_in_s=delay)
            await msg.nak(delay=delay)
            return delay
        log.error("message_dead_lettered", subject=msg.subject, reason=reason, deliveries=delivered)
        self.stats.dead_lettered += 1
        self._count("dead_lettered")
        await msg.ack()
        return None
