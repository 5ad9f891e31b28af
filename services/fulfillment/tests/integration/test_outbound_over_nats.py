"""Outbound over a real NATS server, with the orders service running beside fulfillment: an AFN order is
reserved at the nearest center holding it and shipped; an MCF order that cannot be filled comes back
Unfulfillable; a held one waits reserved until released; one naming an unknown SKU is Invalid; the ledger
agrees with the summaries throughout."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.fulfillment import NetworkPackage
from sellerops.contracts.inventory import (
    CheckLedger, GetInventory, GetOutboundOrder, InventorySummary, LedgerCheck, OutboundOrderView,
    OutboundShipmentReported,
)
from sellerops.contracts.market import (
    Destination, FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window,
)
from sellerops.contracts.orders import (
    Address, CreateMcfOrder, FillPolicy, FulfillmentAction, GetMcfOrder, GetOrder, McfItem, McfOrderView, McfStatus,
    OrderView, PackageItem, ReleaseMcfOrder,
)
from sellerops.fulfillment import subscribers
from sellerops.fulfillment.app import create_host
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call
from sellerops.testing.helpers import consumer_idle, eventually, running

from .conftest import T0, found_stock, fulfillment_settings, runtime

pytestmark = pytest.mark.nats


def afn_order(seller: str, order_id: str, quantity: int, postal_code: str) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id,
        fulfillment_channel=FulfillmentChannel.AFN, purchased_at=T0,
        items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=quantity,
                         item_price=Money(Decimal("14.99"), "USD"))],
        ship_window=Window(T0, T0 + timedelta(days=2)), destination=Destination(postal_code=postal_code),
    )
    paid = OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(minutes=1),
                                  order_id=order_id)
    return [placed, paid]


async def _outbound(nc, seller: str, order_id: str) -> OutboundOrderView | None:
    try:
        return await call(nc, "fulfillment", seller, "get_outbound_order",
                          GetOutboundOrder(fulfillment_order_id=order_id), OutboundOrderView)
    except Exception:  # noqa: BLE001  (not there yet)
        return None


async def _at_center(nc, seller: str, center: str, **expected: int):
    stock = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku="MUG-BLUE"), InventorySummary)
    counts = next((c.counts for c in stock.centers if c.center_id == center), None)
    return counts if counts is not None and all(getattr(counts, k) == v for k, v in expected.items()) else None


async def test_an_afn_order_is_reserved_at_the_nearest_center_with_stock_and_shipped_back_to_orders(
        nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(create_host(fulfillment_settings(nats_url)).app()), running(orders.app()):
        # Stock in the west (Stockton, CA) and in the east (Robbinsville, NJ); the buyer is in New York.
        await publish([found_stock(seller, "MUG-BLUE", "SMF3", 10), found_stock(seller, "MUG-BLUE", "ABE8", 5)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_INVENTORY.durable))
        await publish(afn_order(seller, "111-0000001-0000001", 2, "10001"))

        view = await eventually(lambda: _outbound(nc, seller, "111-0000001-0000001"))
        assert [(a.center_id, a.quantity) for a in view.allocations] == [("ABE8", 2)]
        # The order is saved with its movements pending first; the SKU ledger follows a moment later.
        await eventually(lambda: _at_center(nc, seller, "ABE8", fulfillable=3, reserved_total=2))

        package = NetworkPackage(carrier_code="AMZL_US", tracking_number="TBA312345678901",
                                 shipped_at=T0 + timedelta(hours=5), items=[PackageItem("item-1", 2)])
        await publish([OutboundShipmentReported(event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(hours=5),
                                                fulfillment_order_id="111-0000001-0000001", center_id="ABE8",
                                                package=package)])

        async def shipped() -> OrderView | None:
            order = await call(nc, "orders", seller, "get_order", GetOrder(order_id="111-0000001-0000001"), OrderView)
            return order if order.status.value == "Shipped" else None

        order = await eventually(shipped)
        assert order.packages[0].tracking_number == "TBA312345678901"
        await eventually(lambda: _at_center(nc, seller, "ABE8", fulfillable=3, reserved_total=0))
        stock = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku="MUG-BLUE"), InventorySummary)
        assert stock.totals.fulfillable == 13
        check = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck)
        assert check.drift == [] and check.gaps == []


async def test_an_mcf_order_the_network_cannot_fill_comes_back_unfulfillable_and_reserves_nothing(
        nats_url, nc, seller):
    js = nc.jetstream()
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(create_host(fulfillment_settings(nats_url)).app()), running(orders.app()):
        await JetStreamPublisher(js)([found_stock(seller, "MUG-BLUE", "SMF3", 3)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_INVENTORY.durable))
        request = CreateMcfOrder(
            mcf_order_id="shop-1001", items=[McfItem(item_id="line-1", seller_sku="MUG-BLUE", quantity=5)],
            fill_policy=FillPolicy.FILL_OR_KILL,
            destination=Address(name="Ada Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
                                postal_code="98101", country_code="US"))
        await call(nc, "orders", seller, "create_mcf_order", request, McfOrderView)

        async def unfulfillable() -> McfOrderView | None:
            view = await call(nc, "orders", seller, "get_mcf_order", GetMcfOrder(mcf_order_id="shop-1001"),
                              McfOrderView)
            return view if view.status is McfStatus.UNFULFILLABLE else None

        await eventually(unfulfillable)
        stock = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku="MUG-BLUE"), InventorySummary)
        assert (stock.totals.fulfillable, stock.totals.reserved_total) == (3, 0)


async def test_a_fill_all_mcf_order_ships_what_there_is_and_reserves_the_rest_when_stock_is_found(
        nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(create_host(fulfillment_settings(nats_url)).app()), running(orders.app()):
        await publish([found_stock(seller, "MUG-BLUE", "SMF3", 2)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_INVENTORY.durable))
        request = CreateMcfOrder(
            mcf_order_id="shop-2001", items=[McfItem(item_id="line-1", seller_sku="MUG-BLUE", quantity=5)],
            fill_policy=FillPolicy.FILL_ALL,
            destination=Address(name="Ada Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
                                postal_code="98101", country_code="US"))
        await call(nc, "orders", seller, "create_mcf_order", request, McfOrderView)

        async def reserved(units: int):  # noqa: ANN202
            view = await _outbound(nc, seller, "shop-2001")
            return view if view is not None and sum(a.quantity for a in view.allocations) == units else None

        first = await eventually(lambda: reserved(2))
        assert [s.quantity for s in first.shortfalls] == [3]

        await publish([found_stock(seller, "MUG-BLUE", "ABE8", 10)])  # the rest turns up across the country
        later = await eventually(lambda: reserved(5))
        assert later.shortfalls == []
        assert sorted((a.center_id, a.quantity) for a in later.allocations) == [("ABE8", 3), ("SMF3", 2)]
        await eventually(lambda: _at_center(nc, seller, "ABE8", fulfillable=7, reserved_total=3))
        assert await _at_center(nc, seller, "SMF3", fulfillable=0, reserved_total=2)
        check = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck)
        assert check.drift == [] and check.gaps == [] and check.negative == []


async def test_a_held_mcf_order_waits_reserved_until_the_seller_releases_it_and_an_unknown_sku_is_invalid(
        nats_url, nc, seller):
    js = nc.jetstream()
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    home = Address(name="Ada Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
                   postal_code="98101", country_code="US")
    async with running(create_host(fulfillment_settings(nats_url)).app()), running(orders.app()):
        await JetStreamPublisher(js)([found_stock(seller, "MUG-BLUE", "SMF3", 3)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_INVENTORY.durable))
        held = CreateMcfOrder(mcf_order_id="shop-3001", destination=home, fulfillment_action=FulfillmentAction.HOLD,
                              items=[McfItem(item_id="line-1", seller_sku="MUG-BLUE", quantity=2)])
        unknown = CreateMcfOrder(mcf_order_id="shop-3002", destination=home,
                                 items=[McfItem(item_id="line-1", seller_sku="NO-SUCH-SKU", quantity=1)])
        await call(nc, "orders", seller, "create_mcf_order", held, McfOrderView)
        await call(nc, "orders", seller, "create_mcf_order", unknown, McfOrderView)

        async def status(order_id: str, wanted: McfStatus) -> McfOrderView | None:
            view = await call(nc, "orders", seller, "get_mcf_order", GetMcfOrder(mcf_order_id=order_id), McfOrderView)
            return view if view.status is wanted else None

        await eventually(lambda: status("shop-3001", McfStatus.PLANNING))
        await eventually(lambda: _at_center(nc, seller, "SMF3", fulfillable=1, reserved_customer_order=2))
        invalid = await eventually(lambda: status("shop-3002", McfStatus.INVALID))
        assert invalid.status_reason.startswith("$.items[0].seller_sku: unknown SKU 'NO-SUCH-SKU'")

        released = await call(nc, "orders", seller, "release_mcf_order", ReleaseMcfOrder(mcf_order_id="shop-3001"),
                              McfOrderView)
        assert released.released_at is not None
        await eventually(lambda: status("shop-3001", McfStatus.PROCESSING))
        await eventually(lambda: _at_center(nc, seller, "SMF3", fulfillable=1, reserved_processing=2))
