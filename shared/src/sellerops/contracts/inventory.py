"""FBA-style inventory: the ledger per SKU and center, outbound (AFN and MCF) orders, removal orders.

Buckets follow getInventorySummaries (docs/domain.md, "Inventory, removals and multi-channel fulfillment"): fulfillable; inbound working,
shipped, receiving; reserved for customer orders, transfers between centers and processing;
researching; unfulfillable by cause.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount
from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.market import DEFAULT_MARKETPLACE, MarketplaceId, Sku
from sellerops.contracts.orders import Address, FillPolicy, HistoryEntry, McfStatus
from sellerops.contracts.schema import SchemaStruct


class Bucket(str, Enum):
    INBOUND_WORKING = "INBOUND_WORKING"
    INBOUND_SHIPPED = "INBOUND_SHIPPED"
    INBOUND_RECEIVING = "INBOUND_RECEIVING"
    FULFILLABLE = "FULFILLABLE"
    RESERVED_CUSTOMER_ORDER = "RESERVED_CUSTOMER_ORDER"  # pendingCustomerOrder
    RESERVED_TRANSFER = "RESERVED_TRANSFER"  # pendingTransshipment: moving between centers
    RESERVED_PROCESSING = "RESERVED_PROCESSING"  # fcProcessing
    RESEARCHING = "RESEARCHING"  # misplaced or damaged, being confirmed
    UNFULFILLABLE_CUSTOMER_DAMAGED = "UNFULFILLABLE_CUSTOMER_DAMAGED"
    UNFULFILLABLE_WAREHOUSE_DAMAGED = "UNFULFILLABLE_WAREHOUSE_DAMAGED"
    UNFULFILLABLE_DISTRIBUTOR_DAMAGED = "UNFULFILLABLE_DISTRIBUTOR_DAMAGED"
    UNFULFILLABLE_CARRIER_DAMAGED = "UNFULFILLABLE_CARRIER_DAMAGED"
    UNFULFILLABLE_DEFECTIVE = "UNFULFILLABLE_DEFECTIVE"
    UNFULFILLABLE_EXPIRED = "UNFULFILLABLE_EXPIRED"


class Cause(str, Enum):
    """Why stock moved: the ledger's event type (GET_LEDGER_DETAIL_VIEW_DATA's Receipts, Shipments, ...)."""

    INBOUND_PLANNED = "INBOUND_PLANNED"
    INBOUND_SHIPPED = "INBOUND_SHIPPED"
    INBOUND_RECEIVED = "INBOUND_RECEIVED"
    INBOUND_RECEIVED_DAMAGED = "INBOUND_RECEIVED_DAMAGED"
    INBOUND_OVERAGE = "INBOUND_OVERAGE"
    INBOUND_SHORTAGE = "INBOUND_SHORTAGE"
    INBOUND_CANCELLED = "INBOUND_CANCELLED"
    CUSTOMER_ORDER_RESERVED = "CUSTOMER_ORDER_RESERVED"
    CUSTOMER_ORDER_RELEASED = "CUSTOMER_ORDER_RELEASED"
    CUSTOMER_ORDER_PROCESSING = "CUSTOMER_ORDER_PROCESSING"
    CUSTOMER_ORDER_SHIPPED = "CUSTOMER_ORDER_SHIPPED"
    TRANSFER_STARTED = "TRANSFER_STARTED"
    TRANSFER_RECEIVED = "TRANSFER_RECEIVED"
    ADJUSTMENT = "ADJUSTMENT"
    CUSTOMER_RETURN = "CUSTOMER_RETURN"
    REMOVAL_RESERVED = "REMOVAL_RESERVED"
    REMOVAL_CANCELLED = "REMOVAL_CANCELLED"
    REMOVAL_SHIPPED = "REMOVAL_SHIPPED"
    REMOVAL_DISPOSED = "REMOVAL_DISPOSED"


class Movement(SchemaStruct, frozen=True, kw_only=True):
    """Units to move between buckets at one center; `from_bucket` None adds stock, `to_bucket` None removes it."""

    sku: Sku
    center_id: Id
    quantity: PositiveCount
    from_bucket: Bucket | None
    to_bucket: Bucket | None
    cause: Cause
    reference: str  # the shipment, order, transfer or removal it belongs to


class InventoryMoved(Event, frozen=True, kw_only=True, tag="fulfillment.inventory_moved.v1"):
    """One ledger entry. `quantity` moved; `short` more were asked for than the source bucket held
    (stock never goes negative, so the shortfall is recorded instead of moved)."""

    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "inventory"
    fact: ClassVar[str] = "moved"
    key_field: ClassVar[str] = "sku"

    sku: Sku
    center_id: Id
    quantity: Count
    from_bucket: Bucket | None
    to_bucket: Bucket | None
    cause: Cause
    reference: str
    short: Count = 0
    sequence: PositiveCount  # the SKU's ledger position: 1, 2, 3, ... with no gaps


class InventoryAdjustmentReported(Event, frozen=True, kw_only=True, tag="market.inventory_adjustment_reported.v1"):
    """The center adjusted stock: damaged in the warehouse, misplaced, found, expired (ledger Adjustments)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "inventory"
    fact: ClassVar[str] = "adjustment_reported"
    key_field: ClassVar[str] = "sku"

    adjustment_id: Id
    sku: Sku
    center_id: Id
    quantity: PositiveCount
    from_bucket: Bucket | None
    to_bucket: Bucket | None
    reason: str  # the marketplace's reason code (E damaged, M misplaced, F found, ...)


class TransferStage(str, Enum):
    STARTED = "STARTED"
    RECEIVED = "RECEIVED"


class InventoryTransferReported(Event, frozen=True, kw_only=True, tag="market.inventory_transfer_reported.v1"):
    """The network moves units between centers (pendingTransshipment while under way)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "inventory"
    fact: ClassVar[str] = "transfer_reported"
    key_field: ClassVar[str] = "sku"

    transfer_id: Id
    sku: Sku
    from_center: Id
    to_center: Id
    quantity: PositiveCount
    stage: TransferStage


class BucketCounts(SchemaStruct, frozen=True, kw_only=True):
    """Units per bucket (getInventorySummaries' inventoryDetails), for one center or for all."""

    fulfillable: Count = 0
    inbound_working: Count = 0
    inbound_shipped: Count = 0
    inbound_receiving: Count = 0
    reserved_customer_order: Count = 0
    reserved_transfer: Count = 0
    reserved_processing: Count = 0
    reserved_total: Count = 0
    researching: Count = 0
    unfulfillable: dict[str, int] = {}  # by cause: CUSTOMER_DAMAGED, WAREHOUSE_DAMAGED, ...
    unfulfillable_total: Count = 0
    total: Count = 0  # on hand: fulfillable + reserved + researching + unfulfillable (inbound excluded)


class CenterStock(SchemaStruct, frozen=True, kw_only=True):
    center_id: str
    counts: BucketCounts


class InventoryAvailabilityReported(Event, frozen=True, kw_only=True,
                                    tag="market.inventory_availability_reported.v1"):
    """The marketplace's own count of a SKU across its fulfillment network in one marketplace (SP-API
    FBA_INVENTORY_AVAILABILITY_CHANGES, getInventorySummaries): totals per bucket, no centers."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "inventory"
    fact: ClassVar[str] = "availability_reported"
    key_field: ClassVar[str] = "sku"

    sku: Sku
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    fulfillable: Count = 0
    inbound_working: Count = 0
    inbound_shipped: Count = 0
    inbound_receiving: Count = 0
    reserved_customer_order: Count = 0  # pendingCustomerOrder
    reserved_transfer: Count = 0  # pendingTransshipment (WarehouseTransfer)
    reserved_processing: Count = 0  # fcProcessing (WarehouseProcessing)
    researching: Count = 0
    unfulfillable: Count = 0


class CountDifference(SchemaStruct, frozen=True, kw_only=True):
    bucket: str  # a BucketCounts field: fulfillable, inbound_shipped, ..., unfulfillable
    ledger: Count
    marketplace: Count


class MarketplaceCount(SchemaStruct, frozen=True, kw_only=True):
    """What the marketplace last reported of a SKU in one marketplace, and how the ledger compared then."""

    marketplace_id: str
    reported_at: datetime
    counts: dict[str, int]  # bucket (a BucketCounts field) -> units
    differences: list[CountDifference] = []  # empty: the ledger agreed (or this marketplace is not compared)


class _CountEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "inventory_count"
    key_field: ClassVar[str] = "sku"

    sku: Sku
    marketplace_id: str
    reported_at: datetime  # when the marketplace counted


class InventoryCountDiffered(_CountEvent, frozen=True, kw_only=True, tag="fulfillment.inventory_count_differed.v1"):
    """The marketplace's count of a SKU differs from the ledger's. Published when the differences change, not
    on every report that repeats them."""

    fact: ClassVar[str] = "differed"

    differences: Annotated[list[CountDifference], msgspec.Meta(min_length=1)]


class InventoryCountReconciled(
    _CountEvent, frozen=True, kw_only=True, tag="fulfillment.inventory_count_reconciled.v1"
):
    """The marketplace's count agrees with the ledger again after a difference."""

    fact: ClassVar[str] = "reconciled"


class InventorySummary(SchemaStruct, frozen=True, kw_only=True):
    seller: str
    sku: str
    totals: BucketCounts
    centers: list[CenterStock]
    entries: Count  # ledger entries so far
    updated_at: datetime | None = None
    marketplace: list[MarketplaceCount] = []  # what the marketplace itself last reported, per marketplace


class GetInventory(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku


class ListInventory(SchemaStruct, frozen=True, kw_only=True):
    """SKUs in order; a page ends at `limit` items or the payload limit."""

    skus: list[Sku] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class InventoryList(SchemaStruct, frozen=True, kw_only=True):
    items: list[InventorySummary]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


class CheckLedger(SchemaStruct, frozen=True, kw_only=True):
    skus: list[Sku] | None = None


class Drift(SchemaStruct, frozen=True, kw_only=True):
    sku: str
    center_id: str
    bucket: str
    ledger: int
    summary: int


class LedgerCheck(SchemaStruct, frozen=True, kw_only=True):
    """The ledger replayed from the stream against the stored summaries."""

    skus_checked: Count
    entries_replayed: Count
    drift: list[Drift]
    gaps: list[str] = []  # SKUs whose ledger sequence has a hole or a repeat
    negative: list[str] = []  # buckets a replay would take below zero


# ---- outbound: AFN customer orders and MCF orders the network fulfils ----


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


# ---- removal orders ----


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



