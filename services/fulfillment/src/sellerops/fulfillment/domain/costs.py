"""What an inbound placement costs: Amazon's placement service fee and the seller's inbound transport.

Both are data with defaults an operator overrides. The placement fee table (US, from 2024-03-01) and the
transport rates ship in `data/placement_fees.json`; the fee values are UNCONFIRMED (Amazon publishes ranges
that vary by inbound location and over time, docs/domain.md, "FBA inbound"), so load a replacement from
an operator's file (adapters.costs_from_file, or fees_from_file for the fee table alone). Inbound
transport is a base charge per shipment plus a rate per kg per 1000 km (`TransportRates`). The expected
outbound cost to buyers is a per-unit rate by great-circle distance band, each band with its delivery
days (`OutboundRates`, also in the same file); with `CostModel.buyers` (network.BuyerRegions) a placement
is priced at its landed cost (placement/landed.py). Amounts are Decimal dollars rounded to cents; solvers
may work in float cents.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from sellerops.contracts.inbound import Dimensions, SizeTier, SplitKind
from sellerops.fulfillment.domain.network import BuyerRegions

CENT = Decimal("0.01")


def money(amount: Decimal | float) -> Decimal:
    """Dollars rounded half-up to cents."""
    value = amount if isinstance(amount, Decimal) else Decimal(repr(amount))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeBracket:
    """Per-unit fee for one size tier up to a fee weight (`up_to_kg` None = no upper limit)."""

    size_tier: SizeTier
    up_to_kg: float | None
    minimal: Decimal
    partial: Decimal
    label: str = ""


@dataclass(frozen=True)
class PlacementFees:
    """The fee table. The fee weight is the unit weight, or the dimensional weight when larger for
    `dimensional_tiers`; a destination region listed in `region_factor` multiplies the fee (West: higher)."""

    brackets: tuple[FeeBracket, ...]
    region_factor: Mapping[str, Decimal] = field(default_factory=dict)
    partial_min_centers: int = 2
    optimized_min_centers: int = 4
    dimensional_divisor_cm3_per_kg: float = 5022.0  # Amazon's 139 in³/lb
    dimensional_tiers: frozenset[SizeTier] = frozenset()
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not 1 < self.partial_min_centers < self.optimized_min_centers:
            raise ValueError("need 1 < partial_min_centers < optimized_min_centers")
        for tier in SizeTier:
            rows = [b for b in self.brackets if b.size_tier is tier]
            if not rows or rows[-1].up_to_kg is not None:
                raise ValueError(f"{tier.value}: the last fee bracket must have no upper weight limit")

    def split_kind(self, centers: int) -> SplitKind:
        if centers >= self.optimized_min_centers:
            return SplitKind.OPTIMIZED
        return SplitKind.PARTIAL if centers >= self.partial_min_centers else SplitKind.MINIMAL

    def fee_weight_kg(self, tier: SizeTier, unit_weight_kg: float, dimensions: Dimensions | None = None) -> float:
        if dimensions is None or tier not in self.dimensional_tiers:
            return unit_weight_kg
        volume = dimensions.length_cm * dimensions.width_cm * dimensions.height_cm
        return max(unit_weight_kg, volume / self.dimensional_divisor_cm3_per_kg)

    def bracket(self, tier: SizeTier, fee_weight_kg: float) -> FeeBracket:
        return next(b for b in self.brackets
                    if b.size_tier is tier and (b.up_to_kg is None or fee_weight_kg <= b.up_to_kg))

    def unit_fee(self, bracket: FeeBracket, kind: SplitKind, region: str) -> Decimal:
        if kind is SplitKind.OPTIMIZED:
            return Decimal("0.00")
        base = bracket.minimal if kind is SplitKind.MINIMAL else bracket.partial
        return money(base * self.region_factor.get(region, Decimal(1)))


@dataclass(frozen=True)
class TransportRates:
    """Inbound transport per shipment: `base_per_shipment` + `per_kg_per_1000km` × kg × great-circle km / 1000.

    Defaults (also in `placement_fees.json`) are a partnered-carrier LTL estimate, UNCONFIRMED, no Amazon
    source: 150.00 per shipment (pickup, dock appointment, pallets) and 0.25 per kg per 1000 km (about
    3,000 for 5 t over 2,400 km). Override per seller."""

    base_per_shipment: Decimal = Decimal("150.00")
    per_kg_per_1000km: Decimal = Decimal("0.25")

    def cost(self, weight_kg: float, distance_km: float) -> Decimal:
        return money(float(self.base_per_shipment) + float(self.per_kg_per_1000km) * weight_kg * distance_km / 1000)


@dataclass(frozen=True)
class Band:
    """Outbound to a buyer up to `up_to_km` great-circle km from the center (None = any farther)."""

    up_to_km: float | None
    per_unit: Decimal
    days: int


# Ground-parcel zones go by distance (zone 2 up to 150 miles, 3 to 300, 4 to 600, 5 to 1,000, 6 to 1,400,
# 7 to 1,800, 8 beyond); the per-unit costs and days are a standard-size estimate, UNCONFIRMED.
DEFAULT_BANDS = (
    Band(241.0, Decimal("3.50"), 1), Band(483.0, Decimal("3.80"), 2), Band(966.0, Decimal("4.15"), 2),
    Band(1609.0, Decimal("4.55"), 3), Band(2253.0, Decimal("4.95"), 4), Band(2897.0, Decimal("5.35"), 4),
    Band(None, Decimal("5.80"), 5),
)
DEFAULT_TIER_FACTOR = {SizeTier.SMALL_STANDARD: Decimal("1.0"), SizeTier.LARGE_STANDARD: Decimal("1.6"),
                       SizeTier.LARGE_BULKY: Decimal("3.5"), SizeTier.EXTRA_LARGE: Decimal("7.0")}


@dataclass(frozen=True)
class OutboundRates:
    """Expected cost of shipping one unit from a center to a buyer: the band's `per_unit` (by distance from
    the center to the buyer's ZIP3 centroid) x the size tier's `tier_factor`; the band's `days` is the
    delivery time. `holding_per_unit` (by center region) adds what a unit costs to hold there until sold.
    All UNCONFIRMED defaults (a ground-parcel estimate): set your own."""

    bands: tuple[Band, ...] = DEFAULT_BANDS
    tier_factor: Mapping[SizeTier, Decimal] = field(default_factory=lambda: dict(DEFAULT_TIER_FACTOR))
    holding_per_unit: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.bands or self.bands[-1].up_to_km is not None:
            raise ValueError("the last outbound band must have no upper distance limit")

    def band(self, km: float) -> int:
        return next(b for b, band in enumerate(self.bands) if band.up_to_km is None or km <= band.up_to_km)


@dataclass(frozen=True)
class CostModel:
    """Fees and inbound transport; with `buyers` (where the buyers are) also the landed cost's outbound part."""

    fees: PlacementFees
    transport: TransportRates = TransportRates()
    outbound: OutboundRates = OutboundRates()
    buyers: BuyerRegions | None = None
