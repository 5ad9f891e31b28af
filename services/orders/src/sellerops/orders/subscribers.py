"""Glue: which facts reach which handler, and which requests the service answers."""

from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import ConfirmShipment, GetOrder, ListOrders, OrderList, OrderView
from sellerops.orders.bootstrap import Handlers
from sellerops.runtime.host import ConsumerSpec, Wiring
from sellerops.runtime.requests import Endpoint

MARKET_ORDERS = ConsumerSpec(durable="orders-market-order", source="market", entity="order")
CONSUMERS = (MARKET_ORDERS,)


def wiring(h: Handlers) -> Wiring:
    return Wiring(
        events={MARKET_ORDERS.durable: {OrderPlaced: h.on_order_placed,
                                        OrderPaymentAuthorized: h.on_payment_authorized}},
        endpoints=[
            Endpoint("confirm_shipment", ConfirmShipment, h.confirm_shipment, OrderView,
                     "confirm one shipped package of a seller-fulfilled order"),
            Endpoint("get_order", GetOrder, h.get_order, OrderView, "one order with its lines and packages"),
            Endpoint("list_orders", ListOrders, h.list_orders, OrderList, "a seller's orders, newest first"),
        ],
    )
