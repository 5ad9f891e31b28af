"""The orders service's FastStream wiring, in memory: TestNatsBroker drives the batch pull subscriber
without a server, the dispatcher decodes raw bytes, and the handlers run over fakes.

Events are published as `catalog.encode(event)` bytes: FastStream cannot serialize a msgspec Struct
itself (pydantic raises PydanticSerializationError), and the service reads raw bytes anyway.
"""

from types import SimpleNamespace

import pytest
from faststream.nats import TestNatsBroker

from sellerops.contracts.catalog import encode
from sellerops.contracts.orders import OrderRecorded, OrderReleased, OrderStatus
from sellerops.orders import bootstrap, handlers, subscribers
from sellerops.orders.adapters import KvOrderStore
from sellerops.orders.app import SERVICE, create_host
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher


@pytest.fixture
def service(make):
    store, published = KvOrderStore(FakeKeyValue()), RecordingPublisher()
    deps = bootstrap.build(orders=store, publish=published, clock=DrivenClock(make.NOW))
    host = create_host(OrdersSettings())  # builds the broker and its subscribers; connects nothing
    host.install(SERVICE.wiring(deps), js=None)  # dead letters are not reached unless something fails
    dispatcher = host.dispatchers[subscribers.MARKET_ORDERS.durable]
    return SimpleNamespace(host=host, store=store, published=published, stats=dispatcher.stats)


def test_the_orders_consumer_takes_every_market_order_fact():
    assert subscribers.MARKET_ORDERS.filter_subject == "market.*.order.*"


async def test_a_placed_order_published_in_memory_reaches_the_store_and_publishes_its_record(
        service, make, seller, order_id):
    evt = make.placed(seller, order_id)

    async with TestNatsBroker(service.host.broker) as broker:
        await broker.publish(encode(evt), evt.subject)

    assert (await service.store.load(seller, order_id)).status is OrderStatus.PENDING
    [recorded] = service.published.events
    assert isinstance(recorded, OrderRecorded)
    assert recorded.causation_id == evt.event_id
    assert service.stats.handled == 1


async def test_a_placed_then_paid_order_is_released_through_the_wiring(service, make, seller, order_id):
    async with TestNatsBroker(service.host.broker) as broker:
        for evt in (make.placed(seller, order_id), make.paid(seller, order_id)):
            await broker.publish(encode(evt), evt.subject)

    assert (await service.store.load(seller, order_id)).status is OrderStatus.UNSHIPPED
    assert [type(e) for e in service.published.events] == [OrderRecorded, OrderReleased]


async def test_a_fact_about_another_entity_does_not_reach_the_orders_consumer(service, make, seller, order_id):
    evt = make.placed(seller, order_id)

    async with TestNatsBroker(service.host.broker) as broker:
        await broker.publish(encode(evt), f"market.{seller}.shipment.placed")

    assert await service.store.load(seller, order_id) is None
    assert service.published.events == []
    assert service.stats == type(service.stats)()


async def test_an_orders_event_does_not_come_back_to_the_orders_consumer(service, make, seller, order_id):
    evt = make.placed(seller, order_id)

    async with TestNatsBroker(service.host.broker) as broker:
        await broker.publish(encode(evt), f"orders.{seller}.order.placed")

    assert await service.store.load(seller, order_id) is None
    assert service.stats == type(service.stats)()


async def test_a_handler_failure_in_memory_is_counted_as_a_retry_not_lost(service, make, seller, order_id):
    service.published.fail_times = 1
    evt = make.placed(seller, order_id)

    async with TestNatsBroker(service.host.broker) as broker:
        await broker.publish(encode(evt), evt.subject)
        await broker.publish(encode(evt), evt.subject)  # the redelivery

    assert (service.stats.retried, service.stats.handled) == (1, 1)
    assert [type(e) for e in service.published.events] == [OrderRecorded]


def test_the_wiring_serves_every_order_endpoint_with_its_handler(make):
    deps = bootstrap.build(orders=KvOrderStore(FakeKeyValue()), publish=RecordingPublisher(),
                           clock=DrivenClock(make.NOW))

    wiring = SERVICE.wiring(deps)

    verbs = ["confirm_shipment", "confirm_shipments", "correct_tracking", "cancel_order", "answer_cancel_request",
             "refund_order", "get_order", "list_orders", "list_at_risk", "create_mcf_order", "cancel_mcf_order",
             "release_mcf_order", "get_mcf_order"]
    assert [e.verb for e in wiring.endpoints] == verbs
    assert [e.handler.func for e in wiring.endpoints] == [getattr(handlers, verb) for verb in verbs]
    assert set(wiring.events) == {c.durable for c in subscribers.CONSUMERS}
