"""Requests served by the fulfillment service about plans, shipments and cases (req.fulfillment.<seller>.<verb>)."""

from datetime import datetime
from typing import Annotated

import msgspec

from sellerops.contracts.envelope import Id
from sellerops.contracts.inbound.cases import CaseStatus, DiscrepancyCase
from sellerops.contracts.inbound.plans import PlacementOption, PlanItem, PlanStatus, ShipFrom
from sellerops.contracts.inbound.shipments import ExpectedUnits, ShipmentStatus
from sellerops.contracts.orders import HistoryEntry, Text
from sellerops.contracts.schema import SchemaStruct


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
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class CaseList(SchemaStruct, frozen=True, kw_only=True):
    """Cases soonest claim deadline first."""

    cases: list[DiscrepancyCase]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


class ResolveCase(SchemaStruct, frozen=True, kw_only=True):
    shipment_id: Id
    reason: Text
