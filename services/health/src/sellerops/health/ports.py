"""What the health handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Protocol

from sellerops.contracts.envelope import Event
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import KeyedStore as Store

History = Callable[[str], Awaitable[list[Event]]]  # a seller's events from the streams, for time travel
Touch = Callable[[str, str], None]  # (seller, marketplace) changed: check it for red flags soon


class Days(Protocol):
    """Counters per seller, marketplace and day."""

    async def add(self, seller: str, marketplace_day: str, change_id: str, change: dict[str, int]) -> None:
        """Add `change` to the day's counters, at most once per `change_id` (held until released)."""

    def release(self, seller: str, marketplace_day: str, change_id: str) -> None:
        """The change's origin cleared it: the day may forget `change_id` in time."""

    async def load(self, seller: str, marketplace_id: str, days: list[date]) -> dict[date, dict[str, int]]: ...


__all__ = ["Clock", "Days", "History", "Publisher", "Store", "Touch"]
