"""AFN and MCF orders: orders publishes what the fulfillment service needs and follows what it reports."""

import uuid
from datetime import timedelta

import msgspec
import pytest

from sellerops.contracts.fulfillment import AfnOrderShipped, McfOrderStatusChanged, NetworkPackage
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import (
    Address, CreateMcfOrder, GetMcfOrder, GetOrder, McfItem, McfOrderView, McfStatus, OrderView, PackageItem,
)
from sellerops.orders import subscribers
from sellerops.orders.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, orders_settings, paid, placed

pytestmark = pytest.mark.nats


async def test_an_afn_order_is_released_to_the_network_and_shipped_when_the_network_says_so(nats_url, nc, seller):
    js = nc.jetstream()
    order_id = "111-0000040-0000040"
    afn = msgspec.structs.replace(placed(seller, order_id, quantity=2), fulfillment_channel=FulfillmentChannel.AFN)
    async with running(create_host(orders_settings(nats_url)).app()):
        await JetStreamPublisher(js)([afn, paid(seller, order_id)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        package = NetworkPackage(carrier_code="AMZL_US", tracking_number="TBA312345678901",
                                 shipped_at=T0 + timedelta(hours=3), items=[PackageItem("item-1", 2)])
        await JetStreamPublisher(js)([AfnOrderShipped(event_id=uuid.uuid4(), seller=seller, order_id=order_id,
                                                      occurred_at=T0 + timedelta(hours=3), package=package)])
        await eventually(lambda: consumer_idle(js, "FULFILLMENT", subscribers.NETWORK_ORDERS.durable))
        view = await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)
    assert view.status.value == "Shipped" and view.packages[0].tracking_number == "TBA312345678901"
    released = [m for m in await read_stream(js, "ORDERS") if m.headers["Sellerops-Type"] == "orders.order_released.v1"]
    assert b'"fulfillment_channel":"AFN"' in released[-1].data


async def test_an_mcf_order_waits_for_the_fulfillment_service_and_follows_its_statuses(nats_url, nc, seller):
    js = nc.jetstream()
    request = CreateMcfOrder(
        mcf_order_id="shop-1001", items=[McfItem(item_id="line-1", seller_sku="MUG-BLUE", quantity=2)],
        destination=Address(name="Ada Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
                            postal_code="98101", country_code="US"))
    async with running(create_host(orders_settings(nats_url)).app()):
        view = await call(nc, "orders", seller, "create_mcf_order", request, McfOrderView)
        again = await call(nc, "orders", seller, "create_mcf_order", request, McfOrderView)
        assert view.status is again.status is McfStatus.NEW
        other = msgspec.structs.replace(request, items=[McfItem(item_id="line-1", seller_sku="MUG-BLUE", quantity=3)])
        with pytest.raises(RequestFailed) as refused:  # the same id with other contents: the domain refuses it
            await call(nc, "orders", seller, "create_mcf_order", other, McfOrderView)
        assert "already exists with other contents" in refused.value.error.message
        assert refused.value.error.field == "$.mcf_order_id"
        requested = await read_stream(js, "ORDERS", f"orders.{seller}.mcf_order.requested")
        assert len(requested) == 1, "waits in the ORDERS stream for the fulfillment service, once"

        report = McfOrderStatusChanged(event_id=uuid.uuid4(), seller=seller, occurred_at=T0, mcf_order_id="shop-1001",
                                       status=McfStatus.PROCESSING)
        await JetStreamPublisher(js)([report])
        await eventually(lambda: consumer_idle(js, "FULFILLMENT", subscribers.NETWORK_MCF.durable))
        view = await call(nc, "orders", seller, "get_mcf_order", GetMcfOrder(mcf_order_id="shop-1001"), McfOrderView)
    assert view.status is McfStatus.PROCESSING
