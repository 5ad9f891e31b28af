"""returns' refund requests through the orders service's FastStream wiring, in memory (TestNatsBroker)."""

import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from faststream.nats import TestNatsBroker

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import Money
from sellerops.contracts.orders import OrderRefunded, OrderRefundRefused, RefundLine, RefundReason
from sellerops.contracts.returns import RefundRequested
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
    host = create_host(OrdersSettings())
    host.install(SERVICE.wiring(deps), js=None)
    dispatcher = host.dispatchers[subscribers.RETURNS_REFUNDS.durable]
    return SimpleNamespace(host=host, store=store, published=published, stats=dispatcher.stats)


def asked(make, seller, order_id, amount: str = "5.00") -> RefundRequested:
    return RefundRequested(event_id=uuid.uuid4(), seller=seller, occurred_at=make.NOW + timedelta(days=3),
                           refund_id="rf-1", order_id=order_id, reason=RefundReason.CUSTOMER_RETURN,
                           lines=[RefundLine(make.MUG, Money(Decimal(amount), "USD"))])


def test_the_refund_consumer_takes_every_returns_refund_fact():
    assert subscribers.RETURNS_REFUNDS.filter_subject == "returns.*.refund.*"
    assert subscribers.ROUTES[subscribers.RETURNS_REFUNDS] == {RefundRequested: handlers.on_refund_requested}
    assert {OrderRefunded, OrderRefundRefused} <= set(subscribers.PUBLISHES)


async def test_a_refund_request_published_in_memory_refunds_the_order(service, make, seller, order_id):
    facts = [make.placed(seller, order_id), make.paid(seller, order_id), asked(make, seller, order_id)]

    async with TestNatsBroker(service.host.broker) as broker:
        for evt in facts:
            await broker.publish(encode(evt), evt.subject)

    [event] = service.published.of_type(OrderRefunded)
    assert (event.refund_id, event.total) == ("rf-1", Money(Decimal("5.00"), "USD"))
    assert (await service.store.load(seller, order_id)).refunded == event.lines
    assert service.stats.handled == 1


async def test_a_refused_request_is_answered_with_a_refusal_and_not_retried(service, make, seller, order_id):
    evt = asked(make, seller, order_id)

    async with TestNatsBroker(service.host.broker) as broker:
        await broker.publish(encode(evt), evt.subject)

    [refused] = service.published.events
    assert isinstance(refused, OrderRefundRefused)
    assert (refused.refund_id, refused.field) == ("rf-1", "$.order_id")
    assert (service.stats.handled, service.stats.retried) == (1, 0)
