"""returns' RefundRequested through bootstrap.build, over the real KvOrderStore on a FakeKeyValue."""

import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.orders import (
    GetOrder, OrderRefunded, OrderRefundRefused, RefundLine, RefundOrder, RefundReason,
)
from sellerops.contracts.returns import RefundRequested
from sellerops.orders import bootstrap
from sellerops.orders import handlers
from sellerops.orders.adapters import KvOrderStore
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher


@pytest.fixture
def svc(make):
    kv, published = FakeKeyValue(), RecordingPublisher()
    deps = bootstrap.build(orders=KvOrderStore(kv), publish=published, clock=DrivenClock(make.NOW))
    return SimpleNamespace(h=deps, kv=kv, published=published)


def asked(make, seller, order_id, *lines: tuple[str, str], refund_id: str = "rf-1", currency: str = "USD"):
    return RefundRequested(
        event_id=uuid.uuid4(), seller=seller, occurred_at=make.NOW + timedelta(days=3), correlation_id=uuid.uuid4(),
        refund_id=refund_id, order_id=order_id, reason=RefundReason.CUSTOMER_RETURN, return_id="rt-1",
        lines=[RefundLine(item, Money(Decimal(amount), currency)) for item, amount in lines or [(make.MUG, "5.00")]],
    )


async def paid_order(svc, make, seller, order_id):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id, make.item(quantity=2, price="39.98")))
    await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))
    svc.published.events.clear()


async def refunded(svc, seller, order_id):
    return (await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))).refunded


async def test_a_requested_refund_is_applied_and_announced_with_its_refund_id(svc, make, seller, order_id):
    await paid_order(svc, make, seller, order_id)
    evt = asked(make, seller, order_id, (make.MUG, "19.99"), refund_id="rf-7c2a")

    await svc.h(handlers.on_refund_requested, evt)

    [event] = svc.published.events
    assert isinstance(event, OrderRefunded)
    assert (event.refund_id, event.order_id, event.reason) == ("rf-7c2a", order_id, RefundReason.CUSTOMER_RETURN)
    assert (event.total, event.fully_refunded, event.occurred_at) == (
        Money(Decimal("19.99"), "USD"), False, evt.occurred_at)
    assert await refunded(svc, seller, order_id) == [RefundLine(make.MUG, Money(Decimal("19.99"), "USD"))]


async def test_a_refund_above_what_is_left_is_refused_naming_the_field_and_changes_nothing(
        svc, make, seller, order_id):
    await paid_order(svc, make, seller, order_id)
    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, (make.MUG, "30.00"), refund_id="rf-1"))
    svc.published.events.clear()
    writes = svc.kv.writes
    evt = asked(make, seller, order_id, (make.MUG, "10.00"), refund_id="rf-2")

    await svc.h(handlers.on_refund_requested, evt)

    [refused] = svc.published.events
    assert isinstance(refused, OrderRefundRefused)
    assert (refused.order_id, refused.refund_id, refused.field) == (order_id, "rf-2", "$.lines[0].amount.amount")
    assert "9.98 USD left of the 39.98 paid" in refused.message
    assert (refused.causation_id, refused.correlation_id, refused.seller) == (evt.event_id, evt.correlation_id, seller)
    assert svc.kv.writes == writes
    assert await refunded(svc, seller, order_id) == [RefundLine(make.MUG, Money(Decimal("30.00"), "USD"))]


@pytest.mark.parametrize(("line", "field"), [
    (("62915379184399", "1.00"), "$.lines[0].order_item_id"),
    (("62915379184323", "0.00"), "$.lines[0].amount.amount"),
])
async def test_a_bad_refund_line_is_refused_naming_its_field(svc, make, seller, order_id, line, field):
    await paid_order(svc, make, seller, order_id)

    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, line))

    assert [(type(e), e.field) for e in svc.published.events] == [(OrderRefundRefused, field)]


async def test_a_refund_in_another_currency_is_refused(svc, make, seller, order_id):
    await paid_order(svc, make, seller, order_id)

    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, (make.MUG, "1.00"), currency="EUR"))

    assert [e.field for e in svc.published.of_type(OrderRefundRefused)] == ["$.lines[0].amount.currency"]


async def test_a_refund_of_an_unknown_order_is_refused_and_stores_nothing(svc, make, seller, order_id):
    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, refund_id="rf-9"))

    [refused] = svc.published.events
    assert isinstance(refused, OrderRefundRefused)
    assert (refused.order_id, refused.refund_id, refused.field) == (order_id, "rf-9", "$.order_id")
    assert "not found" in refused.message
    assert svc.kv.writes == 0


async def test_a_refund_of_an_unpaid_order_is_refused(svc, make, seller, order_id):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))
    svc.published.events.clear()

    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id))

    assert [(type(e), e.field) for e in svc.published.events] == [(OrderRefundRefused, "$.order_id")]


async def test_a_redelivered_request_republishes_the_same_refund_and_changes_nothing(svc, make, seller, order_id):
    await paid_order(svc, make, seller, order_id)
    evt = asked(make, seller, order_id, (make.MUG, "5.00"))
    await svc.h(handlers.on_refund_requested, evt)
    [first], writes = svc.published.events, svc.kv.writes
    before = await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))

    await svc.h(handlers.on_refund_requested, evt)
    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, (make.MUG, "5.00")))  # asked again: same refund id

    assert [e.event_id for e in svc.published.events] == [first.event_id] * 3  # JetStream drops the copies
    assert svc.kv.writes == writes
    assert await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id)) == before


async def test_a_redelivered_refusal_is_the_same_event(svc, make, seller, order_id):
    evt = asked(make, seller, order_id)

    await svc.h(handlers.on_refund_requested, evt)
    await svc.h(handlers.on_refund_requested, evt)

    first, second = svc.published.events
    assert first == second
    assert svc.kv.writes == 0


async def test_a_refund_the_seller_already_made_with_that_id_is_not_made_twice(svc, make, seller, order_id):
    await paid_order(svc, make, seller, order_id)
    line = RefundLine(make.MUG, Money(Decimal("5.00"), "USD"))
    await svc.h(handlers.refund_order, seller, RefundOrder(order_id=order_id, lines=[line], reason=RefundReason.OTHER,
                                                 request_id="rf-1"))

    await svc.h(handlers.on_refund_requested, asked(make, seller, order_id, (make.MUG, "5.00"), refund_id="rf-1"))

    first, second = svc.published.of_type(OrderRefunded)
    assert first == second
    assert await refunded(svc, seller, order_id) == [line]
