"""FBA-style inbound: plans split across fulfillment centers, shipments, receiving, discrepancy cases.

Names follow the Fulfillment Inbound API v2024-03-20 (docs/domain.md, "FBA inbound") where it has one.
"""

# Every name the module had before it became a package, so `from sellerops.contracts.inbound import X` keeps working.
from sellerops.contracts.inbound.cases import (
    CaseClosed, CaseReimbursed, CaseStatus, ClaimDeadlineApproaching, DiscrepancyCase, DiscrepancyCaseOpened,
    DiscrepancyKind, DiscrepancyLine, ReimbursementUnmatched,
)
from sellerops.contracts.inbound.facts import InboundReceiptReported, InboundShipmentStatusReported, ReimbursementIssued
from sellerops.contracts.inbound.plans import (
    Centimetres, Dimensions, InboundPlanCanceled, InboundPlanConfirmed, InboundPlanCreated, Kilograms,
    PlacedShipment, PlacementOption, PlacementOptionsGenerated, PlanItem, PlanStatus, ShipFrom, ShipmentUnits,
    SizeTier, SplitKind,
)
from sellerops.contracts.inbound.requests import (
    CancelInboundPlan, CaseList, ConfirmPlacement, CreateInboundPlan, InboundPlanView, ListCases, ListShipments,
    PlanRef, ResolveCase, ShipmentList, ShipmentRef, ShipmentView, UpdateShipment,
)
from sellerops.contracts.inbound.shipments import (
    ExpectedUnits, InboundShipmentCreated, InboundShipmentStatusChanged, InboundUnitsReceived, ReceiptLine,
    ShipmentStatus,
)
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.orders import HistoryEntry, Text

__all__ = [
    "CancelInboundPlan", "CaseClosed", "CaseList", "CaseReimbursed", "CaseStatus", "Centimetres",
    "ClaimDeadlineApproaching", "ConfirmPlacement", "CreateInboundPlan", "Dimensions", "DiscrepancyCase",
    "DiscrepancyCaseOpened", "DiscrepancyKind", "DiscrepancyLine", "ExpectedUnits", "HistoryEntry",
    "InboundPlanCanceled", "InboundPlanConfirmed", "InboundPlanCreated", "InboundPlanView",
    "InboundReceiptReported", "InboundShipmentCreated", "InboundShipmentStatusChanged",
    "InboundShipmentStatusReported", "InboundUnitsReceived", "Kilograms", "ListCases", "ListShipments", "Money",
    "PlacedShipment", "PlacementOption", "PlacementOptionsGenerated", "PlanItem", "PlanRef", "PlanStatus",
    "ReceiptLine", "ReimbursementIssued", "ReimbursementUnmatched", "ResolveCase", "ShipFrom", "ShipmentList",
    "ShipmentRef", "ShipmentStatus", "ShipmentUnits", "ShipmentView", "SizeTier", "Sku", "SplitKind", "Text",
    "UpdateShipment",
]
