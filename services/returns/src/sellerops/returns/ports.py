"""What the returns handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator, Sequence
from typing import Generic, Protocol, TypeVar

from sellerops.contracts.envelope import Event
from sellerops.runtime.clock import Clock
from sellerops.runtime.state import Applied, Decide

__all__ = ["Clock", "Publisher", "Store"]

S = TypeVar("S")


class Store(Protocol, Generic[S]):
    """Aggregates of one kind keyed by seller and id, each message applied at most once."""

    async def apply(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S]) -> Applied[S]: ...

    async def load(self, seller: str, aggregate_id: str) -> S | None: ...

    def scan(self, seller: str) -> AsyncIterator[S]: ...


class Publisher(Protocol):
    async def __call__(self, events: Sequence[Event]) -> None: ...
