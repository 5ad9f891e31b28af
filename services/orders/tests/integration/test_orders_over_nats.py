"""The orders service against a real nats-server with JetStream."""

from collections import Counter

import msgspec
import pytest

from sellerops.contracts.orders import ConfirmShipment, GetOrder, OrderView, PackageDetail, PackageItem
from sellerops.orders import bootstrap, subscribers
from sellerops.orders.app import SERVICE
from sellerops.orders.adapters import BUCKET, order_key
from sellerops.orders.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, orders_settings, paid, placed

pytestmark = pytest.mark.nats


def types_for(messages, order_id):
    return [m.headers["Sellerops-Type"] for m in messages if msgspec.json.decode(m.data)["order_id"] == order_id]


async def test_a_placed_and_paid_order_becomes_unshipped_and_ships_on_request(nats_url, nc, seller):
    host = create_host(orders_settings(nats_url))
    js = nc.jetstream()
    async with running(host.app()):
        publish = JetStreamPublisher(js)
        await publish([placed(seller, "111-0000001-0000001", quantity=2), paid(seller, "111-0000001-0000001")])

        async def unshipped():
            try:
                view = await call(nc, "orders", seller, "get_order", GetOrder(order_id="111-0000001-0000001"), OrderView)
            except RequestFailed:
                return None
            return view.status.value == "Unshipped"

        await eventually(unshipped)
        package = PackageDetail(carrier_code="UPS", tracking_number="1Z999AA10123456784",
                                ship_date=T0.date(), items=[PackageItem("item-1", 2)])
        view = await call(nc, "orders", seller, "confirm_shipment",
                          ConfirmShipment(order_id="111-0000001-0000001", package=package, request_id="r-1"), OrderView)
        assert view.status.value == "Shipped"
        events = await read_stream(js, "ORDERS")
        assert types_for(events, "111-0000001-0000001") == [
            "orders.order_recorded.v1", "orders.order_released.v1", "orders.order_shipped.v1"]


async def test_a_request_with_a_bad_field_is_answered_with_an_error_naming_the_field(nats_url, nc, seller):
    async with running(create_host(orders_settings(nats_url)).app()):
        reply = await nc.request(f"req.orders.{seller}.confirm_shipment",
                                 b'{"order_id": "1", "package": {"carrier_code": "UPS", "tracking_number": "1Z",'
                                 b' "ship_date": "2026-13-01", "items": [{"order_item_id": "a", "quantity": 1}]}}',
                                 timeout=5)
        assert reply.headers["Nats-Service-Error-Code"] == "400"
        assert msgspec.json.decode(reply.data)["field"] == "$.package.ship_date"


async def test_a_redelivered_message_changes_nothing(nats_url, nc, seller):
    """The handler saves and publishes, then fails before the ack, as a process dying there would."""
    host = create_host(orders_settings(nats_url))
    calls = Counter()
    real_wire = host._wire

    def wire_that_fails_after_the_work(resources):
        wiring = real_wire(resources)
        real = wiring.events[subscribers.MARKET_ORDERS.durable]

        async def then_fail(evt):
            calls[evt.event_id] += 1
            await real[type(evt)](evt)
            if calls[evt.event_id] == 1:
                raise ConnectionError("lost the connection before acknowledging")

        wiring.events = {subscribers.MARKET_ORDERS.durable: {t: then_fail for t in real}}
        return wiring

    host._wire = wire_that_fails_after_the_work
    js = nc.jetstream()
    async with running(host.app()):
        event = placed(seller, "111-0000002-0000002")
        await JetStreamPublisher(js)([event])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
    assert calls[event.event_id] == 2
    kv = await js.key_value(BUCKET)
    entry = await kv.get(order_key(seller, "111-0000002-0000002"))
    assert entry.revision == 1, "the redelivery wrote nothing"
    events = await read_stream(js, "ORDERS")
    assert types_for(events, "111-0000002-0000002") == ["orders.order_recorded.v1"]


async def test_a_duplicate_publish_is_dropped_by_its_message_id(nats_url, nc, seller):
    js = nc.jetstream()
    async with running(create_host(orders_settings(nats_url)).app()):
        event = placed(seller, "111-0000003-0000003")
        publish = JetStreamPublisher(js)
        assert await publish.publish_one(event) is True
        assert await publish.publish_one(event) is False
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
    market = await read_stream(js, "MARKET", f"market.{seller}.>")
    assert len(market) == 1


async def test_state_and_events_survive_a_restart_of_nats_server(nats_server, seller):
    import nats

    host = create_host(orders_settings(nats_server.url))
    async with running(host.app()):
        nc = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        js = nc.jetstream()
        await JetStreamPublisher(js)([placed(seller, "111-0000004-0000004")])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))

        nats_server.stop()
        nats_server.start()

        payment = paid(seller, "111-0000004-0000004")

        async def published():  # an integration retries with the same event id until JetStream acks
            try:
                await JetStreamPublisher(js, timeout=1.0).publish_one(payment)
            except Exception:  # noqa: BLE001  (still reconnecting)
                return False
            return True

        await eventually(published, timeout=30)

        async def unshipped():
            try:
                view = await call(nc, "orders", seller, "get_order", GetOrder(order_id="111-0000004-0000004"), OrderView)
            except Exception:  # noqa: BLE001  (reconnecting)
                return False
            return view.status.value == "Unshipped"

        await eventually(unshipped, timeout=30)
        events = await read_stream(js, "ORDERS")
        assert types_for(events, "111-0000004-0000004") == ["orders.order_recorded.v1", "orders.order_released.v1"]
        await nc.close()


async def test_the_service_describes_itself_on_the_nats_service_api(nats_url, nc):
    async with running(create_host(orders_settings(nats_url)).app()):
        info = msgspec.json.decode((await nc.request("$SRV.INFO.sellerops-orders", b"", timeout=5)).data)
        ping = msgspec.json.decode((await nc.request("$SRV.PING", b"", timeout=5)).data)
    assert info["name"] == "sellerops-orders" and info["metadata"]["sellerops.service"] == "orders"
    assert {e["subject"] for e in info["endpoints"]} == {
        f"req.orders.*.{e.verb}" for e in subscribers.ENDPOINTS}
    assert "req.orders.*.confirm_shipment" in {e["subject"] for e in info["endpoints"]}
    assert ping["type"] == "io.nats.micro.v1.ping_response"


def test_bootstrap_binds_every_routed_handler():
    deps = bootstrap.build(orders=None, publish=None, clock=None)
    wiring = SERVICE.wiring(deps)
    assert set(wiring.events[subscribers.MARKET_ORDERS.durable]) == set(subscribers.ROUTES[subscribers.MARKET_ORDERS])
    assert [e.verb for e in wiring.endpoints] == [e.verb for e in subscribers.ENDPOINTS]
