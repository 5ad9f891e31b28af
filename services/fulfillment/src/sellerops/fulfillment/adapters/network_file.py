"""The network file (centers, regions, capacities) and the buyer regions file (ZIP3 population), read and
checked: a bad file is refused naming the field (`centers[3].capacity.LARGE_BULKY: must be >= 0`)."""

import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import msgspec

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.adapters.decoding import ConfigError, decode_config
from sellerops.fulfillment.domain.network import BuyerRegions, Center, Network


def network_from_file(path: str | Path) -> Network:
    """A seller's or operator's network file (the JSON shape of the packaged `us_network.json`)."""
    return network_from_bytes(Path(path).read_bytes(), str(path))


@cache
def default_network() -> Network:
    return network_from_bytes(packaged("us_network.json"), "us_network.json")


def buyer_regions_from_file(path: str | Path) -> BuyerRegions:
    """An operator's ZIP3 table (the JSON shape of the packaged `us_zip3_population.json`)."""
    return buyer_regions_from_bytes(Path(path).read_bytes(), str(path))


@cache
def default_buyer_regions() -> BuyerRegions:
    """US population by ZIP3 (2010 Census, see the file's `about`): the demand of a SKU with no orders yet."""
    return buyer_regions_from_bytes(packaged("us_zip3_population.json"), "us_zip3_population.json")


def packaged(name: str) -> bytes:
    return (files("sellerops.fulfillment") / "data" / name).read_bytes()


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
