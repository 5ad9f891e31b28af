"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.fulfillment import AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged
from sellerops.contracts.market import OrderBuyerCancelRequested, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import (
    AnswerCancelRequest, AtRiskList, OrderBecameAvailable, CancelOrder, ConfirmShipment, ConfirmShipments, ConfirmShipmentsResult,
    CorrectTracking, GetOrder, ListAtRisk, ListOrders, OrderCanceled, OrderCancelRequestDeclined, OrderCancelRequested,
    OrderList, OrderPackageUpdated, OrderRecorded, OrderRefunded, OrderRefundRefused, OrderReleased, OrderShipByAtRisk,
    OrderShipByMissed, OrderShipped, OrderTrackingCorrected, OrderUnfulfillable, OrderView, RefundOrder,
)
from sellerops.contracts.orders import (
    CancelMcfOrder, CreateMcfOrder, GetMcfOrder, McfOrderCancelRequested, McfOrderReleased, McfOrderRequested,
    McfOrderView, ReleaseMcfOrder,
)
from sellerops.contracts.returns import RefundRequested
from sellerops.orders import handlers as h
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Routes

MARKET_ORDERS = ConsumerSpec(durable="orders-market-order", source="market", entity="order")
NETWORK_ORDERS = ConsumerSpec(durable="orders-fulfillment-order", source="fulfillment", entity="order")
NETWORK_MCF = ConsumerSpec(durable="orders-fulfillment-mcf", source="fulfillment", entity="mcf_order")
RETURNS_REFUNDS = ConsumerSpec(durable="orders-returns-refund", source="returns", entity="refund")
CONSUMERS = (MARKET_ORDERS, NETWORK_ORDERS, NETWORK_MCF, RETURNS_REFUNDS)

ROUTES: Routes = {
    MARKET_ORDERS: {OrderPlaced: h.on_order_placed, OrderPaymentAuthorized: h.on_payment_authorized,
                    OrderBuyerCancelRequested: h.on_buyer_cancel_requested},
    NETWORK_ORDERS: {AfnOrderShipped: h.on_network_shipped, AfnOrderUnfulfillable: h.on_network_unfulfillable},
    NETWORK_MCF: {McfOrderStatusChanged: h.on_mcf_status},
    RETURNS_REFUNDS: {RefundRequested: h.on_refund_requested},
}
ENDPOINTS = (
    EndpointSpec("confirm_shipment", ConfirmShipment, OrderView, h.confirm_shipment,
                 "confirm one shipped package of a seller-fulfilled order"),
    EndpointSpec("confirm_shipments", ConfirmShipments, ConfirmShipmentsResult, h.confirm_shipments,
                 "confirm or update packages from the rows of a shipping-confirmation file, each row wholly or not"
                 " at all; a result per row"),
    EndpointSpec("correct_tracking", CorrectTracking, OrderView, h.correct_tracking,
                 "correct the carrier or tracking number of a confirmed package"),
    EndpointSpec("cancel_order", CancelOrder, OrderView, h.cancel_order,
                 "cancel an unshipped order with a reason code (counts unless it answers a buyer's request)"),
    EndpointSpec("answer_cancel_request", AnswerCancelRequest, OrderView, h.answer_cancel_request,
                 "approve or decline a buyer's cancellation request"),
    EndpointSpec("refund_order", RefundOrder, OrderView, h.refund_order,
                 "refund some or all of what was paid, per item, with a reason code"),
    EndpointSpec("get_order", GetOrder, OrderView, h.get_order, "one order with its lines, packages and history"),
    EndpointSpec("list_orders", ListOrders, OrderList, h.list_orders,
                 "a seller's orders, newest first, by status, purchase date or ship-by date, a page at a time"),
    EndpointSpec("list_at_risk", ListAtRisk, AtRiskList, h.list_at_risk,
                 "unshipped orders due to ship soon or already late, soonest first"),
    EndpointSpec("create_mcf_order", CreateMcfOrder, McfOrderView, h.create_mcf_order,
                 "validate and record a multi-channel fulfillment order for the fulfillment service"),
    EndpointSpec("cancel_mcf_order", CancelMcfOrder, McfOrderView, h.cancel_mcf_order,
                 "ask the fulfillment service to cancel an MCF order (New, Received or Planning)"),
    EndpointSpec("release_mcf_order", ReleaseMcfOrder, McfOrderView, h.release_mcf_order,
                 "release a held MCF order (fulfillment action Hold): the network ships it"),
    EndpointSpec("get_mcf_order", GetMcfOrder, McfOrderView, h.get_mcf_order, "an MCF order and its status"),
)
PUBLISHES = (OrderRecorded, OrderReleased, OrderShipped, OrderTrackingCorrected, OrderPackageUpdated, OrderCanceled,
             OrderCancelRequested, OrderCancelRequestDeclined, OrderShipByAtRisk, OrderShipByMissed, OrderRefunded,
             OrderRefundRefused, OrderUnfulfillable, OrderBecameAvailable, McfOrderRequested, McfOrderCancelRequested,
             McfOrderReleased)

