"""FBA-style inventory: the ledger per SKU and center, outbound (AFN and MCF) orders, removal orders.

Buckets follow getInventorySummaries (docs/domain.md, "Inventory, removals and multi-channel fulfillment"): fulfillable; inbound working,
shipped, receiving; reserved for customer orders, transfers between centers and processing;
researching; unfulfillable by cause.
"""

# Every name the module had before it became a package, so `from sellerops.contracts.inventory import X` keeps working.
from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.inventory.ledger import (
    Bucket, BucketCounts, Cause, CenterStock, CheckLedger, CountDifference, Drift, GetInventory,
    InventoryAdjustmentReported, InventoryAvailabilityReported, InventoryCountDiffered,
    InventoryCountReconciled, InventoryList, InventoryMoved, InventorySummary, InventoryTransferReported,
    LedgerCheck, ListInventory, MarketplaceCount, Movement, TransferStage,
)
from sellerops.contracts.inventory.outbound import (
    Allocation, GetOutboundOrder, OrderKind, OutboundOrderAllocated, OutboundOrderStatusChanged,
    OutboundOrderView, OutboundShipmentReported, Shortfall,
)
from sellerops.contracts.inventory.removals import (
    CreateRemovalOrder, RemovalLine, RemovalLineStatus, RemovalOrderCreated, RemovalOrderProgressed,
    RemovalOrderView, RemovalProcessedLine, RemovalRef, RemovalShipment, RemovalShipmentReported, RemovalStatus,
    RemovalType, StockCondition,
)
from sellerops.contracts.market import DEFAULT_MARKETPLACE, MarketplaceId, Sku
from sellerops.contracts.orders import Address, FillPolicy, HistoryEntry, McfStatus

__all__ = [
    "Address", "Allocation", "Bucket", "BucketCounts", "Cause", "CenterStock", "CheckLedger", "CountDifference",
    "CreateRemovalOrder", "DEFAULT_MARKETPLACE", "Drift", "FillPolicy", "GetInventory", "GetOutboundOrder",
    "HistoryEntry", "InventoryAdjustmentReported", "InventoryAvailabilityReported", "InventoryCountDiffered",
    "InventoryCountReconciled", "InventoryList", "InventoryMoved", "InventorySummary",
    "InventoryTransferReported", "LedgerCheck", "ListInventory", "MarketplaceCount", "MarketplaceId",
    "McfStatus", "Movement", "NetworkPackage", "OrderKind", "OutboundOrderAllocated",
    "OutboundOrderStatusChanged", "OutboundOrderView", "OutboundShipmentReported", "RemovalLine",
    "RemovalLineStatus", "RemovalOrderCreated", "RemovalOrderProgressed", "RemovalOrderView",
    "RemovalProcessedLine", "RemovalRef", "RemovalShipment", "RemovalShipmentReported", "RemovalStatus",
    "RemovalType", "Shortfall", "Sku", "StockCondition", "TransferStage",
]
