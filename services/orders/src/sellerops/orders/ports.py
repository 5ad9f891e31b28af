"""What the orders handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Protocol

from sellerops.contracts.envelope import Event
from sellerops.contracts.orders import AtRiskOrder, ListAtRisk, ListOrders, OrderView
from sellerops.orders.domain import Order
from sellerops.orders.domain.mcf import McfOrder
from sellerops.runtime.clock import Clock
from sellerops.runtime.state import Applied, Decide, Record

__all__ = ["Clock", "Listings", "McfStore", "OrderStore", "Publisher"]


class OrderStore(Protocol):
    async def apply(self, seller: str, order_id: str, message_id: str, decide: Decide[Order], *,
                    new: bool = False, publish: "Publisher | None" = None) -> Applied[Order]:
        """Decide on the current order and save the result with the message id, at most once per id; with
        `publish`, also publish the events decided (a duplicate's again), done by the time it returns."""

    async def load(self, seller: str, order_id: str) -> Order | None: ...

    async def load_record(self, seller: str, order_id: str) -> Record[Order]:
        """The order with the ids of the messages applied to it (what a dry run needs to answer as a real run)."""

    def scan(self, seller: str) -> AsyncIterator[Order]: ...


class Listings(Protocol):
    """Pages of a seller's orders: the items and the cursor of the next page (None on the last)."""

    async def list_orders(self, seller: str, query: ListOrders,
                          budget: int) -> tuple[list[OrderView], str | None]: ...

    async def at_risk(self, seller: str, query: ListAtRisk, now: datetime,
                      budget: int) -> tuple[list[AtRiskOrder], str | None]: ...


class McfStore(Protocol):
    async def apply(self, seller: str, mcf_order_id: str, message_id: str,
                    decide: Decide[McfOrder]) -> Applied[McfOrder]: ...

    async def load(self, seller: str, mcf_order_id: str) -> McfOrder | None: ...


class Publisher(Protocol):
    async def __call__(self, events: Sequence[Event]) -> None: ...
