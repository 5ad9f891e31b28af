"""What the fulfillment handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator
from typing import Protocol

from sellerops.contracts.envelope import Event
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import KeyedStore as Store

__all__ = ["Clock", "LedgerReader", "Publisher", "Store"]


class LedgerReader(Protocol):
    def __call__(self, seller: str) -> AsyncIterator[Event]:
        """Every InventoryMoved of a seller kept in the stream, in order (for the drift check)."""
