"""Inbound shipments: their status and the units received."""

from enum import Enum
from typing import ClassVar

from sellerops.contracts.envelope import Count, Event, Id
from sellerops.contracts.inbound.plans import ShipFrom
from sellerops.contracts.market import Sku
from sellerops.contracts.schema import SchemaStruct


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
