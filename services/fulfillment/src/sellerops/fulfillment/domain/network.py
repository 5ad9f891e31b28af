"""The fulfillment-center network as configuration data: centers, their regions and what they can still receive.

The packaged default (`data/us_network.json`) holds real Amazon US FC codes, cities and ZIP codes with
ZIP-centroid coordinates; its capacities are illustrative defaults. A seller or an operator replaces it with
their own file (same JSON shape; adapters.config reads and checks it). Regions are the four US Census
regions and each region's demand share is its share of the 2020 census population; both are data, not
code. Buyer regions (ZIP3, `BuyerRegions`) are data from a file too. Pure: postal codes are placed on the
map by the adapters (adapters.geo), and arrive here as (lat, lon).
"""

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from sellerops.contracts.inbound import SizeTier

EARTH_RADIUS_KM = 6371.0088
LatLon = tuple[float, float]


class Center(msgspec.Struct, frozen=True, kw_only=True):
    """One fulfillment center; `capacity` is the units it can still receive per size tier (absent tier = 0)."""

    id: str
    region: str
    lat: float
    lon: float
    capacity: dict[SizeTier, int]
    name: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""

    def can_receive(self, tier: SizeTier) -> int:
        return self.capacity.get(tier, 0)

    @property
    def location(self) -> LatLon:
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Network:
    """Centers in id order; `demand_share` maps region → share of customer demand (empty: equal shares)."""

    centers: tuple[Center, ...]
    demand_share: Mapping[str, float] = field(default_factory=dict)
    by_id: Mapping[str, Center] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        centers = tuple(sorted(self.centers, key=lambda c: c.id))
        if not centers:
            raise ValueError("a network needs at least one center")
        by_id = {c.id: c for c in centers}
        if len(by_id) != len(centers):
            twice = sorted(i for i, n in Counter(c.id for c in centers).items() if n > 1)
            raise ValueError(f"duplicate center ids: {', '.join(twice)}")
        object.__setattr__(self, "centers", centers)
        object.__setattr__(self, "by_id", by_id)

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({c.region for c in self.centers}))

    def shares(self) -> dict[str, float]:
        """Demand share of each region that has a center, normalised to sum to 1."""
        raw = {r: self.demand_share.get(r, 0.0) if self.demand_share else 1.0 for r in self.regions}
        total = sum(raw.values())
        if total <= 0:
            return {r: 1 / len(raw) for r in raw}
        return {r: s / total for r, s in raw.items()}


def distance_km(a: LatLon, b: LatLon) -> float:
    """Great-circle (haversine) distance; road distance is roughly 1.2 times this, which the rates absorb."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class BuyerRegions:
    """Destination regions (3-digit ZIP prefixes) with their centroid and default demand weight (population).
    The packaged table is `data/us_zip3_population.json` (source in its `about`), read by the adapters."""

    codes: tuple[str, ...]
    weight: tuple[float, ...]
    lat: tuple[float, ...]
    lon: tuple[float, ...]
    about: str = ""
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.codes or not len(self.codes) == len(self.weight) == len(self.lat) == len(self.lon):
            raise ValueError("buyer regions need codes, weights and centroids of the same, non-zero length")
        object.__setattr__(self, "index", {code: k for k, code in enumerate(self.codes)})
