"""FBA-style inbound: plans split across fulfillment centers, shipments, receiving, discrepancy cases.

Names follow the Fulfillment Inbound API v2024-03-20 (docs/domain.md, "FBA inbound") where it has one.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount, Timestamp
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.orders import HistoryEntry, Text
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


# ---- inbound shipments ----


class ShipmentStatus(str, Enum):
    """Inbound shipment statuses (v0 meanings, docs/domain.md, "FBA inbound")."""

    WORKING = "WORKING"  # created, not shipped
    READY_TO_SHIP = "READY_TO_SHIP"  # labels printed
    SHIPPED = "SHIPPED"  # picked up by the carrier
    IN_TRANSIT = "IN_TRANSIT"  # the carrier notified the center
    DELIVERED = "DELIVERED"
    CHECKED_IN = "CHECKED_IN"  # at the dock
    RECEIVING = "RECEIVING"  # partly received
    CLOSED = "CLOSED"  # all received, or receiving finished
    CANCELLED = "CANCELLED"  # cancelled after it was sent
    DELETED = "DELETED"  # cancelled before it was sent


class ExpectedUnits(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    expected: Count  # 0 for a SKU the center received that the shipment never listed (an overage)
    received: Count = 0
    damaged: Count = 0


class _ShipmentEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "inbound_shipment"
    key_field: ClassVar[str] = "shipment_id"

    shipment_id: Id


class InboundShipmentCreated(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_created.v1"
):
    fact: ClassVar[str] = "created"

    plan_id: Id
    center_id: Id
    confirmation_id: str  # shipmentConfirmationId, the FBA... id printed on labels
    items: list[ExpectedUnits]
    ship_from: ShipFrom


class InboundShipmentStatusChanged(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_status_changed.v1"
):
    fact: ClassVar[str] = "status_changed"

    previous: ShipmentStatus
    status: ShipmentStatus
    center_id: Id
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof_of_delivery: str | None = None
    items: list[ExpectedUnits] = []  # the units each change moves in the ledger


class ReceiptLine(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    received: Count = 0  # sellable units
    damaged: Count = 0  # units received damaged (unfulfillable)


class InboundUnitsReceived(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_units_received.v1"
):
    """A receipt was recorded; `totals` are the shipment's running totals after it."""

    fact: ClassVar[str] = "units_received"

    receipt_id: Id
    center_id: Id
    lines: list[ReceiptLine]
    totals: list[ExpectedUnits]
    after_close: bool = False  # a late receipt: the shipment had closed (its shortage already written off)


class DiscrepancyKind(str, Enum):
    SHORTAGE = "SHORTAGE"  # fewer units located than shipped
    OVERAGE = "OVERAGE"  # more units located than shipped
    DAMAGED = "DAMAGED"  # received, but damaged


class DiscrepancyLine(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    kind: DiscrepancyKind
    units: PositiveCount
    expected: Count
    received: Count
    damaged: Count
    reimbursed_units: Count = 0
    reimbursed_amount: Money | None = None


class CaseStatus(str, Enum):
    OPEN = "OPEN"
    REIMBURSED = "REIMBURSED"  # every claimable unit reimbursed
    RESOLVED = "RESOLVED"  # closed by the seller (units found, claim accepted elsewhere, ...)
    EXPIRED = "EXPIRED"  # the claim window closed with units still unreimbursed


class DiscrepancyCase(SchemaStruct, frozen=True, kw_only=True):
    """Everything a claim for a receiving discrepancy needs (Seller Central's investigation request)."""

    case_id: Id
    shipment_id: Id
    confirmation_id: str
    plan_id: Id
    center_id: Id
    lines: list[DiscrepancyLine]
    shipped_at: Timestamp | None
    delivered_at: Timestamp | None
    closed_at: Timestamp | None
    opened_at: Timestamp
    claim_opens_at: Timestamp
    claim_deadline: Timestamp
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof_of_delivery: str | None = None
    status: CaseStatus = CaseStatus.OPEN


class DiscrepancyCaseOpened(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_opened.v1"
):
    """Receiving ended (the shipment closed or its reconciliation window passed) with a discrepancy."""

    fact: ClassVar[str] = "case_opened"

    case: DiscrepancyCase


class ClaimDeadlineApproaching(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_claim_deadline_approaching.v1"
):
    fact: ClassVar[str] = "claim_deadline_approaching"

    case_id: Id
    claim_deadline: Timestamp
    days_left: float
    unreimbursed_units: PositiveCount


class CaseReimbursed(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_reimbursed.v1"
):
    """A reimbursement was matched to the case; `case` shows it after the match (closed when covered)."""

    fact: ClassVar[str] = "case_reimbursed"

    reimbursement_id: Id
    sku: Sku
    units: Count
    amount: Money | None
    case: DiscrepancyCase


class CaseClosed(_ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_closed.v1"):
    """A case ended without (full) reimbursement: resolved by the seller, or its claim window expired."""

    fact: ClassVar[str] = "case_closed"

    case: DiscrepancyCase
    reason: str


class ReimbursementUnmatched(
    Event, frozen=True, kw_only=True, tag="fulfillment.reimbursement_unmatched.v1"
):
    """A reimbursement named no open case the service knows: kept for the seller to look at, not dropped."""

    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "reimbursement"
    fact: ClassVar[str] = "unmatched"
    key_field: ClassVar[str] = "reimbursement_id"

    reimbursement_id: Id
    sku: Sku
    units: Count
    amount: Money | None
    reason: str


# ---- market facts: what the fulfillment center and the carrier report ----


class _MarketShipmentFact(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "inbound_shipment"
    key_field: ClassVar[str] = "shipment_id"

    shipment_id: Id


class InboundShipmentStatusReported(
    _MarketShipmentFact, frozen=True, kw_only=True, tag="market.inbound_shipment_status_reported.v1"
):
    """The center or the carrier reported where a shipment is (getShipments' ShipmentStatus)."""

    fact: ClassVar[str] = "status_reported"

    status: ShipmentStatus
    proof_of_delivery: str | None = None  # a BOL or carrier proof-of-delivery reference


class InboundReceiptReported(
    _MarketShipmentFact, frozen=True, kw_only=True, tag="market.inbound_shipment_receipt_reported.v1"
):
    """The center received units of a shipment (one of possibly many partial receipts)."""

    fact: ClassVar[str] = "receipt_reported"

    receipt_id: Id
    lines: Annotated[list[ReceiptLine], msgspec.Meta(min_length=1)]


class ReimbursementIssued(Event, frozen=True, kw_only=True, tag="market.reimbursement_issued.v1"):
    """A line of the reimbursements report (GET_FBA_REIMBURSEMENTS_DATA)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "reimbursement"
    fact: ClassVar[str] = "issued"
    key_field: ClassVar[str] = "reimbursement_id"

    reimbursement_id: Id
    sku: Sku
    quantity_cash: Count = 0
    quantity_inventory: Count = 0
    amount: Money | None = None
    reason: str = "Lost_Inbound"
    case_id: Id | None = None  # the case it answers, when the integration knows it
    shipment_id: Id | None = None


# ---- requests (req.fulfillment.<seller>.<verb>) ----


class CreateInboundPlan(SchemaStruct, frozen=True, kw_only=True):
    plan_id: Id
    items: Annotated[list[PlanItem], msgspec.Meta(min_length=1, max_length=10_000)]
    ship_from: ShipFrom
    name: Text | None = None
    strategies: list[str] | None = None  # placement plugins to ask; all installed when None
    # at least this share (0-1) of the expected units within `speed_within_days` of their buyers; None: no target
    speed_target: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None
    speed_within_days: Annotated[int, msgspec.Meta(ge=0, le=30)] = 2


class PlanRef(SchemaStruct, frozen=True, kw_only=True):
    plan_id: Id


class ConfirmPlacement(SchemaStruct, frozen=True, kw_only=True):
    plan_id: Id
    option_id: Id


class CancelInboundPlan(SchemaStruct, frozen=True, kw_only=True):
    plan_id: Id
    reason: Text | None = None


class InboundPlanView(SchemaStruct, frozen=True, kw_only=True):
    plan_id: str
    seller: str
    status: PlanStatus
    items: list[PlanItem]
    ship_from: ShipFrom
    options: list[PlacementOption]
    refused: dict[str, str] = {}
    confirmed_option_id: str | None = None
    shipment_ids: list[str] = []
    name: str | None = None
    created_at: datetime
    updated_at: datetime


class UpdateShipment(SchemaStruct, frozen=True, kw_only=True):
    """The seller's side of a shipment: labels printed, handed to the carrier, cancelled or deleted."""

    shipment_id: Id
    status: ShipmentStatus
    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class ShipmentRef(SchemaStruct, frozen=True, kw_only=True):
    shipment_id: Id


class ListShipments(SchemaStruct, frozen=True, kw_only=True):
    status: ShipmentStatus | None = None
    plan_id: Id | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class ShipmentView(SchemaStruct, frozen=True, kw_only=True):
    shipment_id: str
    seller: str
    plan_id: str
    center_id: str
    confirmation_id: str
    status: ShipmentStatus
    items: list[ExpectedUnits]
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof_of_delivery: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    case: DiscrepancyCase | None = None
    history: list[HistoryEntry] = []
    updated_at: datetime


class ShipmentList(SchemaStruct, frozen=True, kw_only=True):
    shipments: list[ShipmentView]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


class ListCases(SchemaStruct, frozen=True, kw_only=True):
    status: CaseStatus | None = CaseStatus.OPEN


class CaseList(SchemaStruct, frozen=True, kw_only=True):
    """Cases soonest claim deadline first."""

    cases: list[DiscrepancyCase]


class ResolveCase(SchemaStruct, frozen=True, kw_only=True):
    shipment_id: Id
    reason: Text
