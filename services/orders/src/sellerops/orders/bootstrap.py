"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from sellerops.orders import handlers
from sellerops.orders.adapters import BUCKET, KvOrderStore
from sellerops.orders.ports import Clock, OrderStore, Publisher
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.host import Resources


@dataclass(frozen=True)
class Handlers:
    on_order_placed: Any
    on_payment_authorized: Any
    confirm_shipment: Any
    get_order: Any
    list_orders: Any


def build(*, orders: OrderStore, publish: Publisher, clock: Clock) -> Handlers:
    return Handlers(
        on_order_placed=partial(handlers.on_order_placed, orders=orders, publish=publish),
        on_payment_authorized=partial(handlers.on_payment_authorized, orders=orders, publish=publish),
        confirm_shipment=partial(handlers.confirm_shipment, orders=orders, publish=publish, clock=clock),
        get_order=partial(handlers.get_order, orders=orders),
        list_orders=partial(handlers.list_orders, orders=orders),
    )


def build_from(resources: Resources, settings: OrdersSettings) -> Handlers:
    store = KvOrderStore(resources.buckets[BUCKET], keep_processed=settings.keep_processed)
    return build(orders=store, publish=resources.publisher, clock=resources.clock)
