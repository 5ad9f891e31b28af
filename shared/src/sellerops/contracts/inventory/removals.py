"""Removal orders: stock sent back to the seller or disposed of."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount
from sellerops.contracts.market import Sku
from sellerops.contracts.orders import Address, HistoryEntry
from sellerops.contracts.schema import SchemaStruct


class RemovalType(str, Enum):
    RETURN = "Return"  # ship the units back to an address
    DISPOSAL = "Disposal"  # the center disposes of them


class RemovalStatus(str, Enum):
    IN_PROCESS = "In Process"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class StockCondition(str, Enum):
    SELLABLE = "SELLABLE"
    UNFULFILLABLE = "UNFULFILLABLE"


class RemovalLine(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    quantity: PositiveCount
    condition: StockCondition = StockCondition.UNFULFILLABLE


class RemovalLineStatus(SchemaStruct, frozen=True, kw_only=True):
    """Per SKU and center: requested, then shipped or disposed, cancelled, still in process."""

    sku: Sku
    center_id: Id
    condition: StockCondition
    requested: Count
    shipped: Count = 0
    disposed: Count = 0
    cancelled: Count = 0
    # units the marketplace reported shipped or disposed beyond what was in process (not counted, flagged)
    over_reported: Count = 0

    @property
    def in_process(self) -> int:
        return self.requested - self.shipped - self.disposed - self.cancelled


class _RemovalEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "removal_order"
    key_field: ClassVar[str] = "removal_order_id"

    removal_order_id: Id


class RemovalOrderCreated(_RemovalEvent, frozen=True, kw_only=True, tag="fulfillment.removal_order_created.v1"):
    fact: ClassVar[str] = "created"

    removal_type: RemovalType
    lines: list[RemovalLineStatus]
    address: Address | None = None


class RemovalOrderProgressed(
    _RemovalEvent, frozen=True, kw_only=True, tag="fulfillment.removal_order_progressed.v1"
):
    """Units were shipped, disposed or cancelled; `status` is the order's status after it."""

    fact: ClassVar[str] = "progressed"

    status: RemovalStatus
    lines: list[RemovalLineStatus]
    carrier_code: str | None = None
    tracking_number: str | None = None


class RemovalProcessedLine(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    center_id: Id
    shipped: Count = 0
    disposed: Count = 0


class RemovalShipmentReported(Event, frozen=True, kw_only=True, tag="market.removal_order_processed.v1"):
    """The center shipped or disposed of removal units (removal order and shipment detail reports)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "removal_order"
    fact: ClassVar[str] = "processed"
    key_field: ClassVar[str] = "removal_order_id"

    removal_order_id: Id
    lines: Annotated[list[RemovalProcessedLine], msgspec.Meta(min_length=1)]
    carrier_code: str | None = None
    tracking_number: str | None = None


class CreateRemovalOrder(SchemaStruct, frozen=True, kw_only=True):
    removal_order_id: Id
    removal_type: RemovalType
    lines: Annotated[list[RemovalLine], msgspec.Meta(min_length=1)]
    address: Address | None = None  # required for a Return


class RemovalRef(SchemaStruct, frozen=True, kw_only=True):
    removal_order_id: Id


class RemovalShipment(SchemaStruct, frozen=True, kw_only=True):
    """One reported removal shipment: when, the carrier and tracking number the report gave, the units counted."""

    reported_at: datetime
    carrier_code: str | None = None
    tracking_number: str | None = None
    units: Count = 0


class RemovalOrderView(SchemaStruct, frozen=True, kw_only=True):
    removal_order_id: str
    seller: str
    removal_type: RemovalType
    status: RemovalStatus
    lines: list[RemovalLineStatus]
    shipments: list[RemovalShipment] = []
    address: Address | None = None
    history: list[HistoryEntry] = []
    updated_at: datetime
