"""What the fulfillment handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import PlacementOption
from sellerops.contracts.inventory import Allocation, Shortfall
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import KeyedStore as Store

__all__ = ["CheckCarrier", "Choose", "Clock", "LedgerReader", "Locate", "Place", "Publisher", "Store"]

LatLon = tuple[float, float]


class LedgerReader(Protocol):
    def __call__(self, seller: str) -> AsyncIterator[Event]:
        """Every InventoryMoved of a seller kept in the stream, in order (for the drift check)."""


class Place(Protocol):
    def __call__(self, plan: Any, now: datetime, seen: Iterable[Any] = ()) -> tuple[list[PlacementOption],
                                                                                    dict[str, str]]:
        """Placement options for a plan (a request, or a stored plan regenerated), priced against `seen` (where
        the seller's recent orders went); and why each strategy that offered none refused."""


class Choose(Protocol):
    def __call__(self, lines: list[tuple[str, str, int]], on_hand: dict[str, dict[str, int]],
                 destination: LatLon | None) -> tuple[list[Allocation], list[Shortfall], str]:
        """Sourcing: which centers ship which lines, what is short, and the strategy's name."""


class Locate(Protocol):
    def __call__(self, destination: Any) -> LatLon | None:
        """A destination (an Address or a Destination) on the map, or None when it cannot be placed."""


# Checks a carrier code and tracking number (and a ship date, unused here): (field, reason) when refused.
CheckCarrier = Callable[[str, str, Any], tuple[str, str] | None]
