"""What the orders handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from sellerops.contracts.envelope import Event
from sellerops.orders.domain import Order
from sellerops.orders.domain.mcf import McfOrder
from sellerops.runtime.clock import Clock
from sellerops.runtime.state import Applied, Decide, Record

__all__ = ["Clock", "McfStore", "OrderStore", "Publisher"]


class OrderStore(Protocol):
    async def apply(self, seller: str, order_id: str, message_id: str, decide: Decide[Order]) -> Applied[Order]:
        """Decide on the current order and save the result with the message id, at most once per id."""

    async def load(self, seller: str, order_id: str) -> Order | None: ...

    async def load_record(self, seller: str, order_id: str) -> Record[Order]:
        """The order with the ids of the messages applied to it (what a dry run needs to answer as a real run)."""

    def scan(self, seller: str) -> AsyncIterator[Order]: ...


class McfStore(Protocol):
    async def apply(self, seller: str, mcf_order_id: str, message_id: str,
                    decide: Decide[McfOrder]) -> Applied[McfOrder]: ...

    async def load(self, seller: str, mcf_order_id: str) -> McfOrder | None: ...


class Publisher(Protocol):
    async def __call__(self, events: Sequence[Event]) -> None: ...
