"""Events, commands and queries of the orders service (source `orders`)."""

# Every name the module had before it became a package, so `from sellerops.contracts.orders import X` keeps working.
from sellerops.contracts.market import Destination, FulfillmentChannel, Money, OrderType, Sku, Window
from sellerops.contracts.orders.confirmations import (
    Clearable, ConfirmShipments, ConfirmShipmentsResult, ConfirmationRow, RowResult,
)
from sellerops.contracts.orders.events import (
    CanceledBy, OrderBecameAvailable, OrderCancelRequestDeclined, OrderCancelRequested, OrderCanceled,
    OrderLine, OrderPackageUpdated, OrderRecorded, OrderRefundRefused, OrderRefunded, OrderReleased,
    OrderShipByAtRisk, OrderShipByMissed, OrderShipped, OrderStatus, OrderTrackingCorrected, OrderUnfulfillable,
    PackageDetail, PackageItem, RefundLine, RefundReason, SellerCancelReason,
)
from sellerops.contracts.orders.mcf import (
    Address, CancelMcfOrder, CreateMcfOrder, FillPolicy, FulfillmentAction, GetMcfOrder, McfItem,
    McfOrderCancelRequested, McfOrderReleased, McfOrderRequested, McfOrderView, McfStatus, ReleaseMcfOrder,
    ShippingSpeed, Text,
)
from sellerops.contracts.orders.requests import (
    AnswerCancelRequest, AtRiskList, AtRiskOrder, CancelOrder, ConfirmShipment, CorrectTracking, GetOrder,
    HistoryEntry, ListAtRisk, ListOrders, OrderList, OrderView, RefundOrder,
)

__all__ = [
    "Address", "AnswerCancelRequest", "AtRiskList", "AtRiskOrder", "CancelMcfOrder", "CancelOrder",
    "CanceledBy", "Clearable", "ConfirmShipment", "ConfirmShipments", "ConfirmShipmentsResult",
    "ConfirmationRow", "CorrectTracking", "CreateMcfOrder", "Destination", "FillPolicy", "FulfillmentAction",
    "FulfillmentChannel", "GetMcfOrder", "GetOrder", "HistoryEntry", "ListAtRisk", "ListOrders", "McfItem",
    "McfOrderCancelRequested", "McfOrderReleased", "McfOrderRequested", "McfOrderView", "McfStatus", "Money",
    "OrderBecameAvailable", "OrderCancelRequestDeclined", "OrderCancelRequested", "OrderCanceled", "OrderLine",
    "OrderList", "OrderPackageUpdated", "OrderRecorded", "OrderRefundRefused", "OrderRefunded", "OrderReleased",
    "OrderShipByAtRisk", "OrderShipByMissed", "OrderShipped", "OrderStatus", "OrderTrackingCorrected",
    "OrderType", "OrderUnfulfillable", "OrderView", "PackageDetail", "PackageItem", "RefundLine", "RefundOrder",
    "RefundReason", "ReleaseMcfOrder", "RowResult", "SellerCancelReason", "ShippingSpeed", "Sku", "Text",
    "Window",
]
