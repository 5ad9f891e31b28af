"""What the health handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import Awaitable, Callable

from sellerops.contracts.envelope import Event
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import KeyedStore as Store

History = Callable[[str], Awaitable[list[Event]]]  # a seller's events from the streams, for time travel
Touch = Callable[[str, str], None]  # (seller, marketplace) changed: check it for red flags soon

__all__ = ["Clock", "History", "Publisher", "Store", "Touch"]
