"""A small typed client for integrations written in Python: build market facts, publish them.

    from sellerops.client import MarketClient
    from sellerops.contracts.market import OrderPaymentAuthorized

    async with await MarketClient.connect("nats://127.0.0.1:4222") as market:
        paid = market.fact(OrderPaymentAuthorized, seller="acme", source_id="sp-api/notif-123",
                           order_id="113-4567890-1234567")
        result = await market.publish(paid)   # PublishResult(published=1, duplicates=0)

`fact` validates every field as the services will (a bad one raises `InvalidFact` naming its path, like
`$.items[0].quantity`) and derives the event id from `source_id`, the id of whatever the fact came from (a
notification id, a report line): publishing the same source again is dropped by JetStream, so a retried
or re-run integration never doubles a fact. Only market facts can be published: the services own the rest.
Other languages: `sellerops asyncapi` describes the same subjects and payloads.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
import nats

from sellerops.contracts.envelope import Event
from sellerops.runtime.broker import declare_streams
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.settings import NatsSettings

E = TypeVar("E", bound=Event)
NAMESPACE = uuid.UUID("0d5e1f7c-3a2b-4c69-8f14-6e9d2b7a5c31")  # sellerops client: stable fact ids

__all__ = ["InvalidFact", "MarketClient", "PublishResult"]


class InvalidFact(ValueError):
    def __init__(self, message: str, path: str | None) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class PublishResult:
    published: int
    duplicates: int  # already in the stream (the same event id): nothing was doubled


class MarketClient:
    def __init__(self, nc: Any, *, timeout: float = 5.0) -> None:
        self._nc = nc
        self._publisher = JetStreamPublisher(nc.jetstream(), timeout=timeout)

    @classmethod
    async def connect(cls, url: str = "nats://127.0.0.1:4222", *, declare: bool = True, **options: Any) -> "MarketClient":
        """Connect; with `declare`, make sure the streams exist (an integration may start before any service)."""
        nc = await nats.connect(url, **options)
        if declare:
            await declare_streams(nc.jetstream(), NatsSettings(url=[url]))
        return cls(nc)

    def fact(self, event_type: type[E], *, seller: str, source_id: str, occurred_at: datetime | None = None,
             **fields: Any) -> E:
        """A validated market fact whose id derives from `source_id` (the same source, the same id)."""
        if event_type.source != "market":
            raise InvalidFact(f"{event_type.__name__} is a {event_type.source} event: integrations publish "
                              "market facts only", None)
        body = {"event_id": uuid.uuid5(NAMESPACE, f"{event_type.type_tag()}/{seller}/{source_id}"), "seller": seller,
                "occurred_at": occurred_at or datetime.now(UTC), **fields}
        try:
            return msgspec.convert(msgspec.to_builtins(body), type=event_type)
        except msgspec.ValidationError as exc:
            text = str(exc)
            path = text.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in text else None
            raise InvalidFact(text, path) from None

    async def publish(self, *facts: Event) -> PublishResult:
        for f in facts:
            if f.source != "market":
                raise InvalidFact(f"{type(f).__name__} is not a market fact", None)
        outcomes = await self._publisher.publish_many(facts)
        return PublishResult(published=sum(outcomes), duplicates=len(outcomes) - sum(outcomes))

    async def close(self) -> None:
        await self._nc.drain()

    async def __aenter__(self) -> "MarketClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
