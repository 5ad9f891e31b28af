"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import (
    ConfirmShipment, GetOrder, ListOrders, OrderCanceled, OrderList, OrderRecorded, OrderReleased, OrderShipped,
    OrderView,
)
from sellerops.orders.bootstrap import Handlers
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Wiring, wire_routes

MARKET_ORDERS = ConsumerSpec(durable="orders-market-order", source="market", entity="order")
CONSUMERS = (MARKET_ORDERS,)

ROUTES = {
    MARKET_ORDERS: {OrderPlaced: "on_order_placed", OrderPaymentAuthorized: "on_payment_authorized"},
}
ENDPOINTS = (
    EndpointSpec("confirm_shipment", ConfirmShipment, OrderView, "confirm_shipment",
                 "confirm one shipped package of a seller-fulfilled order"),
    EndpointSpec("get_order", GetOrder, OrderView, "get_order", "one order with its lines and packages"),
    EndpointSpec("list_orders", ListOrders, OrderList, "list_orders", "a seller's orders, newest first"),
)
PUBLISHES = (OrderRecorded, OrderReleased, OrderShipped, OrderCanceled)


def wiring(h: Handlers, background: list | None = None) -> Wiring:
    wired = wire_routes(ROUTES, ENDPOINTS, h)
    wired.background = list(background or [])
    return wired
