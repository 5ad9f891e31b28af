"""What the fulfillment handlers need from the world, as Protocols (fakes need not inherit)."""

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import PlacementOption
from sellerops.contracts.inventory import Allocation, InventoryMoved, Shortfall
from sellerops.fulfillment.domain.shipments import CarrierCheck
from sellerops.runtime.clock import Clock
from sellerops.runtime.publisher import Publisher
from sellerops.runtime.state import Applied, HoldingStore, KeyedStore as Store

__all__ = ["CheckCarrier", "Choose", "Clock", "EffectStore", "HoldingStore", "LedgerReader", "Locate", "Place",
           "Publisher", "Store"]

LatLon = tuple[float, float]


class EffectStore(Protocol):
    """A Store whose decisions may leave effects to carry out: (state, events, effects) (runtime.effects)."""

    async def apply(self, seller: str, aggregate_id: str, message_id: str,
                    decide: Callable[[Any], tuple[Any, Sequence[Event], Sequence[Any]]]) -> Applied[Any]: ...

    async def load(self, seller: str, aggregate_id: str) -> Any: ...

    def scan(self, seller: str) -> AsyncIterator[Any]: ...


class LedgerReader(Protocol):
    def __call__(self, seller: str) -> AsyncIterator[InventoryMoved]:
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


CheckCarrier = CarrierCheck  # a carrier and tracking number check: (the field refused, why), or None
