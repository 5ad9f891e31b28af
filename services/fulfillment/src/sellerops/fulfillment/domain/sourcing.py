"""Which centers ship an outbound order: the `sellerops.sourcing` plugin group and its built-in `nearest`.

A strategy answers `choose(lines, stock, centers, destination)`: `lines` are (item id, SKU, quantity),
`stock` the fulfillable units per SKU and center, `centers` each center's (lat, lon), `destination`
the buyer's (lat, lon) or None when it could not be placed on the map.
"""

from math import asin, cos, inf, radians, sin, sqrt
from typing import TYPE_CHECKING, Any, Protocol

from sellerops.contracts.inventory import Allocation, Shortfall

if TYPE_CHECKING:
    from sellerops.plugins.spec import Registry

LatLon = tuple[float, float]
Line = tuple[str, str, int]
EARTH_RADIUS_KM = 6371.0088


class SourcingStrategy(Protocol):
    def choose(self, lines: list[Line], stock: dict[str, dict[str, int]], centers: dict[str, LatLon],
               destination: LatLon | None) -> tuple[list[Allocation], list[Shortfall]]: ...


def haversine_km(a: LatLon, b: LatLon) -> float:
    lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h))


class Nearest:
    """The nearest center that can ship the whole order alone; when none can, the fewest centers: each step takes
    the center covering most of what is left (the nearer one on a tie), and what no center holds is a shortfall.

    Without a destination, "nearest" gives way to the center holding most of the order. Ties go by center id, and
    a center with stock but no known location ranks after every located one.
    """

    def choose(self, lines: list[Line], stock: dict[str, dict[str, int]], centers: dict[str, LatLon],
               destination: LatLon | None) -> tuple[list[Allocation], list[Shortfall]]:
        left = {c: {sku: n for sku, by in stock.items() if (n := by.get(c, 0)) > 0}
                for c in sorted({c for by in stock.values() for c, n in by.items() if n > 0})}
        need: list[list[Any]] = [[item, sku, quantity] for item, sku, quantity in lines if quantity > 0]
        distance = {c: _distance(centers.get(c), destination) for c in left}
        whole = [c for c in left if _covers(left[c], need) == sum(q for _, _, q in need)]
        if whole:
            key = (lambda c: (distance[c], c)) if destination is not None else (lambda c: (-_held(left[c], need), c))
            return _take(min(whole, key=key), left, need), []
        allocations: list[Allocation] = []
        while candidates := [c for c in left if _covers(left[c], need) > 0]:
            best = min(candidates, key=lambda c: (-_covers(left[c], need), distance[c], c))
            allocations += _take(best, left, need)
        return allocations, [Shortfall(item_id=i, sku=s, quantity=q) for i, s, q in need if q > 0]


def _distance(where: LatLon | None, destination: LatLon | None) -> float:
    if destination is None:
        return 0.0
    return haversine_km(where, destination) if where is not None else inf


def _covers(on_hand: dict[str, int], need: list[list[Any]]) -> int:
    """Units of what is still needed this center can ship."""
    wanted: dict[str, int] = {}
    for _, sku, quantity in need:
        wanted[sku] = wanted.get(sku, 0) + quantity
    return sum(min(n, on_hand.get(sku, 0)) for sku, n in wanted.items())


def _held(on_hand: dict[str, int], need: list[list[Any]]) -> int:
    return sum(on_hand.get(sku, 0) for sku in {sku for _, sku, _ in need})


def _take(center: str, left: dict[str, dict[str, int]], need: list[list[Any]]) -> list[Allocation]:
    """Allocate from `center` line by line, updating what is left there and what is still needed."""
    taken = []
    for line in need:
        item, sku, quantity = line
        units = min(quantity, left[center].get(sku, 0))
        if units > 0:
            taken.append(Allocation(item_id=item, sku=sku, center_id=center, quantity=units))
            left[center][sku] -= units
            line[2] -= units
    return taken


def register(registry: "Registry[SourcingStrategy]") -> None:
    registry.add("nearest", Nearest())
