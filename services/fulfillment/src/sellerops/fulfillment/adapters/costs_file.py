"""The placement fee table, inbound transport and outbound rates of an operator's file (the JSON shape of the
packaged `placement_fees.json`), read and checked: a bad file is refused naming the field."""

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.adapters.decoding import ConfigError, decode_config
from sellerops.fulfillment.adapters.network_file import packaged
from sellerops.fulfillment.domain.costs import (
    DEFAULT_BANDS, DEFAULT_TIER_FACTOR, Band, CostModel, FeeBracket, OutboundRates, PlacementFees, TransportRates,
)


def costs_from_file(path: str | Path) -> CostModel:
    """An operator's fee table, transport and outbound rates (the JSON shape of the packaged `placement_fees.json`)."""
    return costs_from_bytes(Path(path).read_bytes(), str(path))


def fees_from_file(path: str | Path) -> PlacementFees:
    """The fee table of an operator's file; its transport and outbound sections are ignored (see costs_from_file)."""
    return costs_from_file(path).fees


@cache
def default_costs() -> CostModel:
    return costs_from_bytes(packaged("placement_fees.json"), "placement_fees.json")


def default_fees() -> PlacementFees:
    return default_costs().fees


class _BracketFile(msgspec.Struct, forbid_unknown_fields=True):
    size_tier: SizeTier
    up_to_kg: float | None
    minimal: Decimal
    partial: Decimal
    label: str = ""


class _TransportFile(msgspec.Struct, forbid_unknown_fields=True):
    base_per_shipment: Decimal = TransportRates.base_per_shipment
    per_kg_per_1000km: Decimal = TransportRates.per_kg_per_1000km
    about: str = ""


class _BandFile(msgspec.Struct, forbid_unknown_fields=True):
    up_to_km: float | None
    per_unit: Decimal
    days: int


class _OutboundFile(msgspec.Struct, forbid_unknown_fields=True):
    bands: list[_BandFile] = []
    tier_factor: dict[SizeTier, Decimal] = {}
    holding_per_unit: dict[str, Decimal] = {}
    about: str = ""


class _FeesFile(msgspec.Struct, forbid_unknown_fields=True):
    brackets: list[_BracketFile]
    region_factor: dict[str, Decimal] = {}
    partial_min_centers: int = 2
    optimized_min_centers: int = 4
    dimensional_divisor_cm3_per_kg: float = 5022.0
    dimensional_tiers: list[SizeTier] = []
    transport: _TransportFile = msgspec.field(default_factory=_TransportFile)
    outbound: _OutboundFile = msgspec.field(default_factory=_OutboundFile)
    currency: str = "USD"
    effective_from: str = ""
    about: str = ""


def _check_brackets(rows: list[_BracketFile], source: str) -> None:
    last: dict[SizeTier, tuple[int, float | None]] = {}
    for index, row in enumerate(rows):
        where = f"{source}: brackets[{index}]"
        for name in ("minimal", "partial"):
            if getattr(row, name) < 0:
                raise ConfigError(f"{where}.{name}: must be >= 0, got {getattr(row, name)}")
        if row.up_to_kg is not None and not row.up_to_kg > 0:
            raise ConfigError(f"{where}.up_to_kg: must be > 0 or null, got {row.up_to_kg}")
        if row.size_tier in last:
            before, limit = last[row.size_tier]
            if limit is None or (row.up_to_kg is not None and row.up_to_kg <= limit):
                raise ConfigError(f"{where}.up_to_kg: must be above brackets[{before}].up_to_kg ({limit}), "
                                  f"{row.size_tier.value} brackets go from light to heavy")
        last[row.size_tier] = (index, row.up_to_kg)
    for tier in SizeTier:
        if tier not in last:
            raise ConfigError(f"{source}: brackets: no bracket for size tier {tier.value}")
        if last[tier][1] is not None:
            raise ConfigError(f"{source}: brackets[{last[tier][0]}].up_to_kg: the heaviest {tier.value} bracket "
                              "must be null (no upper limit)")


def costs_from_bytes(data: bytes, source: str = "placement costs") -> CostModel:
    doc: _FeesFile = decode_config(data, _FeesFile, source)
    _check_brackets(doc.brackets, source)
    for region, factor in doc.region_factor.items():
        if not factor > 0:
            raise ConfigError(f"{source}: region_factor.{region}: must be > 0, got {factor}")
    if not 1 < doc.partial_min_centers < doc.optimized_min_centers:
        raise ConfigError(f"{source}: optimized_min_centers: need 1 < partial_min_centers "
                          f"({doc.partial_min_centers}) < optimized_min_centers ({doc.optimized_min_centers})")
    if not doc.dimensional_divisor_cm3_per_kg > 0:
        raise ConfigError(f"{source}: dimensional_divisor_cm3_per_kg: must be > 0")
    for name in ("base_per_shipment", "per_kg_per_1000km"):
        if getattr(doc.transport, name) < 0:
            raise ConfigError(f"{source}: transport.{name}: must be >= 0, got {getattr(doc.transport, name)}")
    outbound = _outbound(doc.outbound, source)
    fields: dict[str, Any] = {name: getattr(doc, name) for name in (
        "region_factor", "partial_min_centers", "optimized_min_centers", "dimensional_divisor_cm3_per_kg", "currency")}
    brackets = tuple(FeeBracket(**msgspec.structs.asdict(row)) for row in doc.brackets)
    fees = PlacementFees(brackets=brackets, dimensional_tiers=frozenset(doc.dimensional_tiers), **fields)
    return CostModel(fees, TransportRates(doc.transport.base_per_shipment, doc.transport.per_kg_per_1000km), outbound)


def _outbound(doc: _OutboundFile, source: str) -> OutboundRates:
    last = 0.0
    for index, band in enumerate(doc.bands):
        where = f"{source}: outbound.bands[{index}]"
        if band.per_unit < 0 or band.days < 0:
            raise ConfigError(f"{where}: per_unit and days must be >= 0")
        if band.up_to_km is not None and not band.up_to_km > last:
            raise ConfigError(f"{where}.up_to_km: must be above {last} (bands go from near to far)")
        if band.up_to_km is None and index != len(doc.bands) - 1:
            raise ConfigError(f"{where}.up_to_km: only the farthest band may be null")
        last = band.up_to_km or last
    if doc.bands and doc.bands[-1].up_to_km is not None:
        raise ConfigError(f"{source}: outbound.bands[{len(doc.bands) - 1}].up_to_km: the farthest band must be null")
    for name in ("tier_factor", "holding_per_unit"):
        for key, value in getattr(doc, name).items():
            if value < 0:
                raise ConfigError(f"{source}: outbound.{name}.{getattr(key, 'value', key)}: must be >= 0, got {value}")
    bands = tuple(Band(b.up_to_km, b.per_unit, b.days) for b in doc.bands) or DEFAULT_BANDS
    return OutboundRates(bands, {**DEFAULT_TIER_FACTOR, **doc.tier_factor}, dict(doc.holding_per_unit))


def fees_from_bytes(data: bytes, source: str = "placement fees") -> PlacementFees:
    return costs_from_bytes(data, source).fees
