"""Use cases through bootstrap.build, over the real KvOrderStore on a FakeKeyValue."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from sellerops.contracts.orders import GetOrder, ListOrders, OrderRecorded, OrderReleased, OrderShipped, OrderStatus
from sellerops.contracts.requests import RequestError
from sellerops.orders import bootstrap
from sellerops.orders import handlers
from sellerops.orders.adapters import KvOrderStore
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher


@pytest.fixture
def svc(make):
    kv, published, clock = FakeKeyValue(), RecordingPublisher(), DrivenClock(make.NOW)
    deps = bootstrap.build(orders=KvOrderStore(kv), publish=published, clock=clock)
    return SimpleNamespace(h=deps, kv=kv, published=published, clock=clock)


def ids(events) -> list:
    return [e.event_id for e in events]


async def released(svc, make, seller, order_id, *items, **placed_args):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id, *items, **placed_args))
    await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))


async def error_of(call) -> RequestError:
    with pytest.raises(RequestError) as caught:
        await call
    return caught.value


async def test_a_placed_and_paid_order_is_recorded_released_and_unshipped(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)

    assert [type(e) for e in svc.published.events] == [OrderRecorded, OrderReleased]
    assert {e.order_id for e in svc.published.events} == {order_id}
    view = await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))
    assert view.status is OrderStatus.UNSHIPPED


async def test_a_redelivered_placement_republishes_the_same_events_and_changes_nothing(svc, make, seller, order_id):
    evt = make.placed(seller, order_id)
    await svc.h(handlers.on_order_placed, evt)
    first, writes = list(svc.published.events), svc.kv.writes
    before = await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))

    await svc.h(handlers.on_order_placed, evt)

    assert ids(svc.published.events) == ids(first) * 2  # JetStream drops the copy by Nats-Msg-Id
    assert svc.kv.writes == writes
    assert await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id)) == before


async def test_the_same_order_placed_by_a_new_event_publishes_nothing(svc, make, seller, order_id):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))
    published = list(svc.published.events)

    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))

    assert svc.published.events == published


async def test_a_retried_confirmation_ships_once_and_answers_the_same(svc, make, seller, order_id):
    await released(svc, make, seller, order_id, make.item(quantity=2))
    request = make.confirm(order_id, (make.MUG, 1), request_id="req-7d1e")

    first = await svc.h(handlers.confirm_shipment, seller, request)
    svc.clock.advance(timedelta(minutes=5))
    second = await svc.h(handlers.confirm_shipment, seller, request)

    assert second == first
    assert (first.status, len(first.packages), first.lines[0].quantity_shipped) == (
        OrderStatus.PARTIALLY_SHIPPED, 1, 1)
    shipped = svc.published.of_type(OrderShipped)
    assert len(shipped) == 2 and shipped[0] == shipped[1]


async def test_confirmations_without_a_request_id_are_separate_packages(svc, make, seller, order_id):
    await released(svc, make, seller, order_id, make.item(quantity=2))

    await svc.h(handlers.confirm_shipment, seller, make.confirm(order_id, (make.MUG, 1)))
    view = await svc.h(handlers.confirm_shipment, seller, make.confirm(order_id, (make.MUG, 1)))

    assert (view.status, len(view.packages)) == (OrderStatus.SHIPPED, 2)
    assert len(set(ids(svc.published.of_type(OrderShipped)))) == 2


async def test_a_confirmation_is_dated_by_the_clock(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    svc.clock.set(make.at(3, 9, 30))

    view = await svc.h(handlers.confirm_shipment, seller, make.confirm(order_id, ship_date=make.at(3).date()))

    assert view.updated_at == make.at(3, 9, 30)
    assert svc.published.of_type(OrderShipped)[0].confirmed_at == make.at(3, 9, 30)


async def test_confirming_an_unknown_order_is_not_found(svc, make, seller, order_id):
    error = await error_of(svc.h(handlers.confirm_shipment, seller, make.confirm(order_id)))

    assert (error.reply.code, error.reply.field) == ("not_found", "$.order_id")
    assert svc.published.events == []


async def test_confirming_an_order_of_another_seller_is_not_found(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)

    error = await error_of(svc.h(handlers.confirm_shipment, make.seller(), make.confirm(order_id)))

    assert error.reply.code == "not_found"


async def test_a_refused_confirmation_names_the_field_and_changes_nothing(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    published, writes = list(svc.published.events), svc.kv.writes

    error = await error_of(svc.h(handlers.confirm_shipment, seller, make.confirm(order_id, (make.MUG, 5))))

    assert (error.reply.code, error.reply.field) == ("refused", "$.package.items[0].quantity")
    assert (svc.published.events, svc.kv.writes) == (published, writes)
    assert (await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))).status is OrderStatus.UNSHIPPED


async def test_getting_an_unknown_order_is_not_found(svc, seller, order_id):
    error = await error_of(svc.h(handlers.get_order, seller, GetOrder(order_id=order_id)))

    assert (error.reply.code, error.reply.field) == ("not_found", "$.order_id")


async def test_an_order_known_only_by_its_payment_is_not_found(svc, make, seller, order_id):
    await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))

    error = await error_of(svc.h(handlers.get_order, seller, GetOrder(order_id=order_id)))

    assert error.reply.code == "not_found"


async def test_listing_filters_by_status_newest_first(svc, make, seller):
    oldest, middle, newest, pending = (make.order_id() for _ in range(4))
    for day, order_id in [(1, oldest), (3, newest), (2, middle)]:
        await released(svc, make, seller, order_id, purchased_at=make.at(day, 12))
    await svc.h(handlers.on_order_placed, make.placed(seller, pending, purchased_at=make.at(4, 12)))
    await svc.h(handlers.on_payment_authorized, make.paid(seller, make.order_id()))  # payment only: not listed
    await released(svc, make, make.seller(), make.order_id())  # another seller

    unshipped = await svc.h(handlers.list_orders, seller, ListOrders(status=OrderStatus.UNSHIPPED))
    everything = await svc.h(handlers.list_orders, seller, ListOrders())

    assert [o.order_id for o in unshipped.orders] == [newest, middle, oldest]
    assert [o.order_id for o in everything.orders] == [pending, newest, middle, oldest]
    assert (unshipped.truncated, everything.truncated) == (False, False)


async def test_listing_truncates_at_the_limit(svc, make, seller):
    order_ids = [make.order_id() for _ in range(3)]
    for day, order_id in enumerate(order_ids, start=1):
        await released(svc, make, seller, order_id, purchased_at=make.at(day, 12))

    listed = await svc.h(handlers.list_orders, seller, ListOrders(limit=2))

    assert [o.order_id for o in listed.orders] == [order_ids[2], order_ids[1]]
    assert listed.truncated is True
    assert (await svc.h(handlers.list_orders, seller, ListOrders(limit=3))).truncated is False


async def test_events_lost_to_a_failed_publish_are_published_on_redelivery(svc, make, seller, order_id):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))
    evt = make.paid(seller, order_id)
    svc.published.fail_times = 1

    with pytest.raises(ConnectionError):
        await svc.h(handlers.on_payment_authorized, evt)
    saved = await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))
    await svc.h(handlers.on_payment_authorized, evt)

    assert saved.status is OrderStatus.UNSHIPPED
    [event] = svc.published.of_type(OrderReleased)
    assert event.causation_id == evt.event_id


async def test_a_confirmation_whose_events_were_lost_publishes_them_when_retried(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    request = make.confirm(order_id, request_id="req-lost")
    svc.published.fail_times = 1

    with pytest.raises(ConnectionError):
        await svc.h(handlers.confirm_shipment, seller, request)
    view = await svc.h(handlers.confirm_shipment, seller, request)

    assert (view.status, len(view.packages)) == (OrderStatus.SHIPPED, 1)
    assert len(svc.published.of_type(OrderShipped)) == 1
