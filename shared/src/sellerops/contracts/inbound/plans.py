"""Inbound plans: items split across fulfillment centers by placement options."""

from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, PositiveCount, Timestamp
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.orders import Text
from sellerops.contracts.schema import SchemaStruct


class SizeTier(str, Enum):
    """US product size tiers (2024 names); placement fees and center capacity are per tier."""

    SMALL_STANDARD = "SMALL_STANDARD"
    LARGE_STANDARD = "LARGE_STANDARD"
    LARGE_BULKY = "LARGE_BULKY"
    EXTRA_LARGE = "EXTRA_LARGE"


Centimetres = Annotated[float, msgspec.Meta(gt=0, le=1000)]
Kilograms = Annotated[float, msgspec.Meta(gt=0, le=2000)]


class Dimensions(SchemaStruct, frozen=True, kw_only=True):
    length_cm: Centimetres
    width_cm: Centimetres
    height_cm: Centimetres


class PlanItem(SchemaStruct, frozen=True, kw_only=True):
    """One SKU of an inbound plan (createInboundPlan item: msku and quantity, plus what placement needs)."""

    sku: Sku
    quantity: PositiveCount
    unit_weight_kg: Kilograms
    size_tier: SizeTier
    dimensions: Dimensions | None = None


class ShipFrom(SchemaStruct, frozen=True, kw_only=True):
    """Where the seller ships from (sourceAddress); the postal code places it on the map."""

    name: Text
    address_line1: Text
    city: Text
    state_or_region: Text
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    country_code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")] = "US"


class PlanStatus(str, Enum):
    ACTIVE = "ACTIVE"
    VOIDED = "VOIDED"
    SHIPPED = "SHIPPED"


class SplitKind(str, Enum):
    """How many centers a placement uses, which sets the placement fee tier."""

    MINIMAL = "MINIMAL"  # one center: the highest per-unit fee
    PARTIAL = "PARTIAL"  # two or three centers: a reduced fee
    OPTIMIZED = "OPTIMIZED"  # four or more (an Amazon-optimized split): no fee


class ShipmentUnits(SchemaStruct, frozen=True):
    sku: Sku
    quantity: PositiveCount


class PlacedShipment(SchemaStruct, frozen=True, kw_only=True):
    """One shipment of a placement option: the center it goes to and the units of each SKU."""

    shipment_id: Id
    center_id: Id
    items: list[ShipmentUnits]
    units: PositiveCount
    weight_kg: float
    distance_km: float
    transport_cost: Money


class PlacementOption(SchemaStruct, frozen=True, kw_only=True):
    """A split of the plan into shipments to centers, with its fees (listPlacementOptions)."""

    option_id: Id
    strategy: str
    split: SplitKind
    shipments: list[PlacedShipment]
    placement_fee: Money
    transport_cost: Money
    total_cost: Money
    expires_at: Timestamp
    lower_bound: Money | None = None  # the solver's bound on the landed cost, for options an optimiser produced
    gap: float | None = None
    # Landed cost: total_cost (placement fee + inbound transport) + expected outbound to the buyers + holding,
    # and the expected days to the buyer over the plan's units (None where the service knows no buyers).
    outbound_cost: Money | None = None
    holding_cost: Money | None = None
    landed_cost: Money | None = None
    days_p50: int | None = None
    days_p90: int | None = None
    share_within_2_days: float | None = None
    meets_speed_target: bool | None = None  # None: the plan set no speed target


class _PlanEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "inbound_plan"
    key_field: ClassVar[str] = "plan_id"

    plan_id: Id


class InboundPlanCreated(_PlanEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_plan_created.v1"):
    fact: ClassVar[str] = "created"

    items: list[PlanItem]
    ship_from: ShipFrom
    name: str | None = None


class PlacementOptionsGenerated(
    _PlanEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_plan_placement_options_generated.v1"
):
    """Placement options were generated for a plan (at creation, or again after they expired)."""

    fact: ClassVar[str] = "placement_options_generated"

    options: list[PlacementOption]
    refused: dict[str, str] = {}  # strategy -> why it offered no option (capacity)


class InboundPlanConfirmed(_PlanEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_plan_confirmed.v1"):
    """The seller confirmed a placement option; its shipments are created from this event."""

    fact: ClassVar[str] = "confirmed"

    option: PlacementOption
    ship_from: ShipFrom


class InboundPlanCanceled(_PlanEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_plan_canceled.v1"):
    fact: ClassVar[str] = "canceled"

    reason: str | None = None
    shipment_ids: list[Id] = []  # the plan's shipments: those not yet sent are deleted with it
