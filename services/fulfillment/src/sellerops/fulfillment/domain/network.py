"""The fulfillment-center network as configuration data: centers, their regions and what they can still receive.

The packaged default (`data/us_network.json`) holds real Amazon US FC codes, cities and ZIP codes with
ZIP-centroid coordinates; its capacities are illustrative defaults. A seller or an operator replaces it with
their own file (same JSON shape); reading files is the adapters' (adapters.network_from_file), parsing
is here. Regions are the four US Census regions and each region's demand share is its share of the 2020
census population; both are data, not code. Buyer regions (ZIP3, `BuyerRegions`) are parsed here too.
"""

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any

import msgspec

from sellerops.contracts.inbound import SizeTier

EARTH_RADIUS_KM = 6371.0088
LatLon = tuple[float, float]


class ConfigError(ValueError):
    """A network or fee file that does not hold what it should; the message names the file and the field."""


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


# ---- loading ----

class _CenterFile(msgspec.Struct, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{2,10}$")]
    region: Annotated[str, msgspec.Meta(min_length=1)]
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    capacity: dict[str, Any]
    name: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


class _NetworkFile(msgspec.Struct, forbid_unknown_fields=True):
    centers: list[_CenterFile]
    regions: dict[str, float] = {}
    about: str = ""


_AT = re.compile(r"^(?P<msg>.*) - at `\$\.?(?P<path>.*)`$")
_FIELD = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]*)`$")


def decode_config(data: bytes, tp: type, source: str) -> Any:
    """msgspec-decode a JSON config file, turning its errors into `ConfigError("<source>: <field>: <what>")`."""
    try:
        return msgspec.json.decode(data, type=tp)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{source}: {_field_message(str(exc))}") from None
    except msgspec.DecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON ({exc})") from None


def _field_message(text: str) -> str:
    at = _AT.match(text)
    if at is None:
        return text
    msg, path = at["msg"], at["path"]
    if named := _FIELD.match(msg):
        path = f"{path}.{named['name']}" if path else named["name"]
        msg = "required field is missing" if "missing" in msg else "unknown field"
    return f"{path or '(top level)'}: {msg[:1].lower()}{msg[1:]}"


def _capacity(raw: dict[str, Any], where: str, source: str) -> dict[SizeTier, int]:
    known = {t.value: t for t in SizeTier}
    capacity = {}
    for key, units in raw.items():
        if key not in known:
            raise ConfigError(f"{source}: {where}.{key}: unknown size tier (known: {', '.join(known)})")
        if not isinstance(units, int) or isinstance(units, bool):
            raise ConfigError(f"{source}: {where}.{key}: must be a whole number of units, got {units!r}")
        if units < 0:
            raise ConfigError(f"{source}: {where}.{key}: must be >= 0, got {units}")
        capacity[known[key]] = units
    return capacity


def network_from_bytes(data: bytes, source: str = "network") -> Network:
    doc: _NetworkFile = decode_config(data, _NetworkFile, source)
    if not doc.centers:
        raise ConfigError(f"{source}: centers: must list at least one center")
    for region, share in doc.regions.items():
        if not share > 0:
            raise ConfigError(f"{source}: regions.{region}: must be > 0, got {share}")
    seen: dict[str, int] = {}
    centers = []
    for index, raw in enumerate(doc.centers):
        where = f"centers[{index}]"
        if raw.id in seen:
            raise ConfigError(f"{source}: {where}.id: duplicate center id {raw.id} (also centers[{seen[raw.id]}])")
        seen[raw.id] = index
        if doc.regions and raw.region not in doc.regions:
            raise ConfigError(f"{source}: {where}.region: {raw.region} is not one of regions "
                              f"({', '.join(sorted(doc.regions))})")
        fields = msgspec.structs.asdict(raw) | {"capacity": _capacity(raw.capacity, f"{where}.capacity", source)}
        centers.append(Center(**fields))
    return Network(tuple(centers), dict(doc.regions))


# ---- postal codes ----

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


@lru_cache(maxsize=4096)
def locate(postal_code: str, country_code: str = "US") -> LatLon:
    """(lat, lon) of a US ZIP code (ZIP+4 accepted); an unknown ZIP falls back to the numerically nearest known
    ZIP with the same 3-digit prefix (its sectional center). Raises ValueError naming the code when neither exists."""
    if country_code.upper() != "US":
        raise ValueError(f"cannot locate postal code {postal_code!r}: country {country_code!r} is not supported (US)")
    match = _ZIP.match(postal_code.strip())
    if match is None:
        raise ValueError(f"cannot locate postal code {postal_code!r}: not a US ZIP code (12345 or 12345-6789)")
    import zipcodes  # loads its data on first use; kept out of import time

    zip5 = match[1]
    found = zipcodes.matching(zip5)
    if not found:
        same_prefix = zipcodes.similar_to(zip5[:3])
        if not same_prefix:
            raise ValueError(f"cannot locate postal code {postal_code!r}: unknown ZIP code and ZIP prefix {zip5[:3]}")
        found = [min(same_prefix, key=lambda z: (abs(int(z["zip_code"]) - int(zip5)), z["zip_code"]))]
    return (float(found[0]["lat"]), float(found[0]["long"]))


# ---- buyers ----

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


class _Zip3File(msgspec.Struct):
    zip3: dict[str, tuple[float, float, float]]
    about: str = ""


def buyer_regions_from_bytes(data: bytes, source: str = "buyer regions") -> BuyerRegions:
    """The ZIP3 table: {"zip3": {"100": [population, lat, lon], ...}, "about": "..."}."""
    doc: _Zip3File = decode_config(data, _Zip3File, source)
    if not doc.zip3:
        raise ConfigError(f"{source}: zip3: must list at least one prefix")
    rows = sorted(doc.zip3.items())
    for code, (people, lat, lon) in rows:
        if not re.fullmatch(r"\d{3}", code) or people < 0 or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ConfigError(f"{source}: zip3.{code}: need a 3-digit prefix, population >= 0 and a lat/lon")
    return BuyerRegions(tuple(c for c, _ in rows), tuple(float(r[0]) for _, r in rows),
                        tuple(float(r[1]) for _, r in rows), tuple(float(r[2]) for _, r in rows), doc.about)
