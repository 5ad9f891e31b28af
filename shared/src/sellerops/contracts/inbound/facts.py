"""Market facts: what the fulfillment center and the carrier report about inbound shipments."""

from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id
from sellerops.contracts.inbound.shipments import ReceiptLine, ShipmentStatus
from sellerops.contracts.market import Money, Sku


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
