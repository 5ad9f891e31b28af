"""FBA customer returns over a real NATS server, with orders, fulfillment and returns running together: a
returned unit's disposition moves it into the fulfillment ledger, a report line sent twice moves it once,
and a refunded unit that never comes back becomes a reimbursement candidate when the driven clock passes
the wait."""

import uuid
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.inventory import (
    Bucket, CheckLedger, GetInventory, InventoryAdjustmentReported, InventorySummary, LedgerCheck,
    OutboundShipmentReported,
)
from sellerops.contracts.market import (
    Destination, FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window,
)
from sellerops.contracts.orders import GetOrder, OrderView, PackageItem, RefundLine, RefundOrder, RefundReason
from sellerops.contracts.returns import CustomerReturnReported, Disposition
from sellerops.fulfillment.app import create_host as create_fulfillment_host
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.returns import subscribers
from sellerops.returns.app import create_host
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, fact, returns_settings, runtime
from .test_deadlines_over_nats import _known

pytestmark = pytest.mark.nats

ORDER = "114-0000009-0000009"


def _afn_order(seller: str) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=ORDER,
        fulfillment_channel=FulfillmentChannel.AFN, purchased_at=T0,
        items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=2,
                         item_price=Money(Decimal("29.98"), "USD"))],
        ship_window=Window(T0, T0 + timedelta(days=2)), destination=Destination(postal_code="10001"))
    return [placed, fact(OrderPaymentAuthorized, seller, T0 + timedelta(minutes=1), order_id=ORDER)]


def _stock(seller: str) -> InventoryAdjustmentReported:
    return fact(InventoryAdjustmentReported, seller, T0, adjustment_id="ADJ-1", sku="MUG-BLUE", center_id="ABE8",
                quantity=5, from_bucket=None, to_bucket=Bucket.FULFILLABLE, reason="F")


async def _order_status(nc, seller: str, status: str) -> OrderView | None:
    try:
        order = await call(nc, "orders", seller, "get_order", GetOrder(order_id=ORDER), OrderView)
    except RequestFailed:
        return None
    return order if order.status.value == status else None


async def _abe8(nc, seller: str, **expected: int):
    try:
        stock = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku="MUG-BLUE"), InventorySummary)
    except RequestFailed:
        return None
    counts = next((c.counts for c in stock.centers if c.center_id == "ABE8"), None)
    return counts if counts is not None and all(getattr(counts, k) == v for k, v in expected.items()) else None


async def test_a_returned_unit_moves_into_the_ledger_once_and_the_unit_that_never_came_back_is_flagged(
        nats_url, nc, seller):
    clock = DrivenClock(T0)
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    returns = create_host(returns_settings(nats_url), clock=clock)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    fulfillment = create_fulfillment_host(FulfillmentSettings(runtime=runtime(nats_url)))
    async with running(returns.app()), running(orders.app()), running(fulfillment.app()):
        await publish([_stock(seller)])
        await eventually(lambda: _abe8(nc, seller, fulfillable=5))
        await publish(_afn_order(seller))
        await eventually(lambda: _abe8(nc, seller, fulfillable=3, reserved_total=2))
        package = NetworkPackage(carrier_code="AMZL_US", tracking_number="TBA312345678901",
                                 shipped_at=T0 + timedelta(hours=5), items=[PackageItem("item-1", 2)])
        await publish([fact(OutboundShipmentReported, seller, T0 + timedelta(hours=5), fulfillment_order_id=ORDER,
                            center_id="ABE8", package=package)])
        await eventually(lambda: _order_status(nc, seller, "Shipped"))
        await eventually(lambda: _abe8(nc, seller, fulfillable=3, reserved_total=0))

        # The buyer is refunded for both units; one comes back sellable, reported twice by the report.
        await call(nc, "orders", seller, "refund_order", RefundOrder(
            order_id=ORDER, lines=[RefundLine("item-1", Money(Decimal("29.98"), "USD"))],
            reason=RefundReason.CUSTOMER_RETURN, request_id="REF-1"), OrderView)
        line = {"return_id": "LPN-1", "order_id": ORDER, "sku": "MUG-BLUE", "center_id": "ABE8", "quantity": 1,
                "disposition": Disposition.SELLABLE, "reason": "UNWANTED_ITEM"}
        await publish([fact(CustomerReturnReported, seller, T0 + timedelta(days=2), **line),
                       fact(CustomerReturnReported, seller, T0 + timedelta(days=2), **line)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_CUSTOMER_RETURNS.durable))
        await eventually(lambda: _abe8(nc, seller, fulfillable=4))
        await eventually(lambda: consumer_idle(js, "RETURNS", "fulfillment-returns-customer-return"))
        assert await _abe8(nc, seller, fulfillable=4), "the same LPN reported twice moves the unit once"

        await eventually(lambda: _known(returns, ORDER, 1))  # the missing-return watch
        clock.advance(timedelta(days=64))  # the refund (now, by the orders clock) plus the 60-day wait

        async def missing():
            found = [msgspec.json.decode(m.data) for m in await read_stream(js, "RETURNS")
                     if m.headers["Sellerops-Type"] == "returns.customer_return_missing.v1"]
            return found or None

        flagged = await eventually(missing)
        check = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck)

    assert len(flagged) == 1
    assert (flagged[0]["order_id"], flagged[0]["units_expected"], flagged[0]["units_returned"]) == (ORDER, 2, 1)
    assert flagged[0]["skus"] == ["MUG-BLUE"] and flagged[0]["amount"]["amount"] == "29.98"
    received = [msgspec.json.decode(m.data) for m in await read_stream(js, "RETURNS")
                if m.headers["Sellerops-Type"] == "returns.customer_return_received.v1"]
    assert [(r["return_id"], r["bucket"]) for r in received] == [("LPN-1", "FULFILLABLE")]
    assert check.drift == [] and check.gaps == []
