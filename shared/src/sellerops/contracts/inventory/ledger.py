"""The inventory ledger per SKU and center: movements between buckets, counts and their checks."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount
from sellerops.contracts.market import DEFAULT_MARKETPLACE, MarketplaceId, Sku
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
