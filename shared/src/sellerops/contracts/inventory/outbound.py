"""Outbound: AFN customer orders and MCF orders the network fulfils."""

from datetime import datetime
from enum import Enum
from typing import ClassVar

from sellerops.contracts.envelope import Event, Id, PositiveCount
from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.market import Sku
from sellerops.contracts.orders import FillPolicy, HistoryEntry, McfStatus
from sellerops.contracts.schema import SchemaStruct


class OrderKind(str, Enum):
    AFN = "AFN"  # a marketplace order fulfilled by the network
    MCF = "MCF"  # a multi-channel fulfillment order


class Allocation(SchemaStruct, frozen=True, kw_only=True):
    item_id: Id  # order item id (AFN) or seller fulfillment order item id (MCF)
    sku: Sku
    center_id: Id
    quantity: PositiveCount


class Shortfall(SchemaStruct, frozen=True, kw_only=True):
    item_id: Id
    sku: Sku
    quantity: PositiveCount


class _OutboundEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "outbound_order"
    key_field: ClassVar[str] = "fulfillment_order_id"

    fulfillment_order_id: Id
    kind: OrderKind


class OutboundOrderAllocated(_OutboundEvent, frozen=True, kw_only=True, tag="fulfillment.outbound_order_allocated.v1"):
    """Stock was reserved at the centers chosen by the sourcing plugin (split only when needed)."""

    fact: ClassVar[str] = "allocated"

    status: McfStatus
    allocations: list[Allocation]
    shortfalls: list[Shortfall] = []
    fill_policy: FillPolicy
    strategy: str


class OutboundOrderStatusChanged(
    _OutboundEvent, frozen=True, kw_only=True, tag="fulfillment.outbound_order_status_changed.v1"
):
    fact: ClassVar[str] = "status_changed"

    previous: McfStatus
    status: McfStatus
    reason: str | None = None


class OutboundShipmentReported(Event, frozen=True, kw_only=True, tag="market.outbound_order_shipped.v1"):
    """A center shipped a package of an outbound order (FULFILLMENT_ORDER_STATUS, EventType Shipment).

    Package items name the order item ids (AFN) or the seller fulfillment order item ids (MCF).
    """

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "outbound_order"
    fact: ClassVar[str] = "shipped"
    key_field: ClassVar[str] = "fulfillment_order_id"

    fulfillment_order_id: Id
    center_id: Id
    package: NetworkPackage


class GetOutboundOrder(SchemaStruct, frozen=True, kw_only=True):
    fulfillment_order_id: Id


class OutboundOrderView(SchemaStruct, frozen=True, kw_only=True):
    fulfillment_order_id: str
    seller: str
    kind: OrderKind
    status: McfStatus
    fill_policy: FillPolicy
    allocations: list[Allocation]
    shortfalls: list[Shortfall]
    shipped: list[Allocation]
    packages: list[NetworkPackage]
    history: list[HistoryEntry]
    updated_at: datetime
