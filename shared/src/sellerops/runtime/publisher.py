"""Publishing events to JetStream with Nats-Msg-Id set to the event id, so re-publishes are dropped."""

import asyncio
from collections.abc import Iterable, Sequence
from typing import Protocol

from nats.errors import NoRespondersError
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import NoStreamResponseError

from sellerops.contracts.catalog import encode
from sellerops.contracts.envelope import Event
from sellerops.contracts.streams import stream_name

MSG_ID = "Nats-Msg-Id"
CORRELATION = "correlation_id"  # the header FastStream reads as the message's correlation id
EVENT_TYPE = "Sellerops-Type"


def event_headers(event: Event) -> dict[str, str]:
    return {MSG_ID: str(event.event_id), CORRELATION: str(event.correlation), EVENT_TYPE: event.type_tag()}


class UnknownSubject(Exception):
    """No stream takes the subject: it is not the subject of a known fact."""


async def publish_to_stream(js: JetStreamContext, subject: str, data: bytes, *, stream: str,
                            headers: dict[str, str] | None = None, timeout: float = 5.0) -> PubAck:
    """js.publish, with JetStream's bare "no responders" turned into an error naming the subject."""
    try:
        return await js.publish(subject, data, timeout=timeout, stream=stream, headers=headers)
    except (NoRespondersError, NoStreamResponseError):
        raise UnknownSubject(f"stream {stream} refused subject {subject!r}: it takes only the subjects of known "
                             "facts, <source>.<seller>.<entity>.<fact> (see the AsyncAPI document)") from None


class Publisher(Protocol):
    """What handlers need to publish (JetStreamPublisher, or a test's recorder)."""

    async def __call__(self, events: Sequence[Event]) -> None: ...


class JetStreamPublisher:
    """Awaits the PubAck of every event; events of one call are pipelined, their order is kept
    per subject by publishing them in sequence when they share an aggregate."""

    def __init__(self, js: JetStreamContext, *, timeout: float = 5.0) -> None:
        self._js = js
        self._timeout = timeout

    async def publish_one(self, event: Event) -> bool:
        """Publish and return False when JetStream dropped it as a duplicate."""
        ack = await publish_to_stream(self._js, event.subject, encode(event), timeout=self._timeout,
                                      stream=stream_name(event.source), headers=event_headers(event))
        return not ack.duplicate

    async def __call__(self, events: Sequence[Event]) -> None:
        for event in events:  # in order: later events of an aggregate must not overtake earlier ones
            await self.publish_one(event)

    async def publish_many(self, events: Iterable[Event]) -> list[bool]:
        """Unordered, pipelined publishing (integrations loading independent facts)."""
        return list(await asyncio.gather(*(self.publish_one(e) for e in events)))
