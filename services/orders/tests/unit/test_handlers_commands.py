"""Cancellation, tracking and deadline use cases through bootstrap.build, over the real KvOrderStore on a
FakeKeyValue, with the built-in carriers registry checking tracking numbers."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from sellerops.contracts.market import OrderBuyerCancelRequested
from sellerops.contracts.orders import (
    AnswerCancelRequest, CanceledBy, CancelOrder, CorrectTracking, GetOrder, OrderCanceled,
    OrderCancelRequestDeclined, OrderCancelRequested, OrderShipByAtRisk, OrderStatus, OrderTrackingCorrected,
    SellerCancelReason,
)
from sellerops.contracts.requests import RequestError
from sellerops.orders import bootstrap
from sellerops.orders import handlers
from sellerops.orders.adapters import KvOrderStore
from sellerops.orders.domain import AUTO_CANCEL, PAYMENT_EXPIRY, SHIP_BY_AT_RISK, SHIP_BY_MISSED, Policy, carriers
from sellerops.plugins.carriers import CarrierRegistry
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

UPS_OK, UPS_BAD_DIGIT, FEDEX_OK = "1Z999AA10123456784", "1Z999AA10123456785", "123456789012"


@pytest.fixture
def svc(make):
    registry = CarrierRegistry("sellerops.carriers")
    carriers.register(registry)
    kv, published, clock = FakeKeyValue(), RecordingPublisher(), DrivenClock(make.NOW)
    deps = bootstrap.build(orders=KvOrderStore(kv), publish=published, clock=clock, check_carrier=registry.check)
    return SimpleNamespace(h=deps, kv=kv, published=published, clock=clock)


def ids(events) -> list:
    return [e.event_id for e in events]


def buyer_asks(make, seller, order_id, *, after=timedelta(hours=3), reason="NoLongerNeeded"):
    return OrderBuyerCancelRequested(event_id=uuid.uuid4(), seller=seller, order_id=order_id,
                                     occurred_at=make.PURCHASED + after, reason=reason)


async def released(svc, make, seller, order_id):
    await svc.h(handlers.on_order_placed, make.placed(seller, order_id))
    await svc.h(handlers.on_payment_authorized, make.paid(seller, order_id))


async def requested(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    await svc.h(handlers.on_buyer_cancel_requested, buyer_asks(make, seller, order_id))


async def shipped(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    await svc.h(handlers.confirm_shipment, seller, make.confirm(order_id, request_id=f"ship-{order_id}"))


async def view_of(svc, seller, order_id):
    return await svc.h(handlers.get_order, seller, GetOrder(order_id=order_id))


def published_since(svc, mark) -> list:
    return svc.published.events[mark:]


async def test_a_seller_cancellation_publishes_a_counted_cancel_and_answers_with_the_canceled_order(
        svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    mark = len(svc.published.events)

    view = await svc.h(handlers.cancel_order, seller, CancelOrder(order_id=order_id, reason=SellerCancelReason.NO_INVENTORY))

    [event] = published_since(svc, mark)
    assert isinstance(event, OrderCanceled)
    assert (event.canceled_by, event.counts_against_seller, event.reason) == (CanceledBy.SELLER, True, "NoInventory")
    assert (view.status, view.canceled_by, view.cancel_reason, view.updated_at) == (
        OrderStatus.CANCELED, CanceledBy.SELLER, "NoInventory", make.NOW)
    assert await view_of(svc, seller, order_id) == view


async def test_a_late_buyer_request_is_published_and_waits_on_the_order(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    mark = len(svc.published.events)

    await svc.h(handlers.on_buyer_cancel_requested, buyer_asks(make, seller, order_id))

    [event] = published_since(svc, mark)
    assert (type(event), event.reason) == (OrderCancelRequested, "NoLongerNeeded")
    view = await view_of(svc, seller, order_id)
    assert (view.status, view.cancel_request) == (OrderStatus.UNSHIPPED, "NoLongerNeeded")


@pytest.mark.parametrize(("approve", "event_type", "status", "canceled_by"), [
    (True, OrderCanceled, OrderStatus.CANCELED, CanceledBy.BUYER),
    (False, OrderCancelRequestDeclined, OrderStatus.UNSHIPPED, None),
])
async def test_answering_a_buyer_request_publishes_the_answer_and_clears_the_request(
        svc, make, seller, order_id, approve, event_type, status, canceled_by):
    await requested(svc, make, seller, order_id)
    mark = len(svc.published.events)

    view = await svc.h(handlers.answer_cancel_request, seller, AnswerCancelRequest(order_id=order_id, approve=approve))

    [event] = published_since(svc, mark)
    assert isinstance(event, event_type)
    assert (view.status, view.canceled_by, view.cancel_request) == (status, canceled_by, None)
    if approve:
        assert (event.counts_against_seller, view.cancel_reason) == (False, "NoLongerNeeded")
    else:
        assert event.declined_by is CanceledBy.SELLER


async def test_a_tracking_correction_is_published_and_shown_on_the_package(svc, make, seller, order_id):
    await shipped(svc, make, seller, order_id)

    view = await svc.h(handlers.correct_tracking, seller, CorrectTracking(
        order_id=order_id, package_number=1, carrier_code="FedEx", tracking_number=FEDEX_OK))

    [event] = svc.published.of_type(OrderTrackingCorrected)
    assert (event.previous_carrier_code, event.previous_tracking_number, event.tracking_number) == (
        "UPS", UPS_OK, FEDEX_OK)
    assert [(p.carrier_code, p.tracking_number) for p in view.packages] == [("FedEx", FEDEX_OK)]


COMMANDS = {
    "cancel": (released, lambda svc, s, o: svc.h(handlers.cancel_order, 
        s, CancelOrder(order_id=o, reason=SellerCancelReason.NO_INVENTORY, request_id="req-twice"))),
    "approve": (requested, lambda svc, s, o: svc.h(handlers.answer_cancel_request, 
        s, AnswerCancelRequest(order_id=o, approve=True, request_id="req-twice"))),
    "decline": (requested, lambda svc, s, o: svc.h(handlers.answer_cancel_request, 
        s, AnswerCancelRequest(order_id=o, approve=False, request_id="req-twice"))),
    "correct": (shipped, lambda svc, s, o: svc.h(handlers.correct_tracking, s, CorrectTracking(
        order_id=o, package_number=1, carrier_code="FedEx", tracking_number=FEDEX_OK, request_id="req-twice"))),
}


@pytest.mark.parametrize("command", COMMANDS)
async def test_the_same_request_id_twice_applies_once_and_answers_the_same(svc, make, seller, order_id, command):
    setup, call = COMMANDS[command]
    await setup(svc, make, seller, order_id)
    mark = len(svc.published.events)

    first = await call(svc, seller, order_id)
    once, writes = published_since(svc, mark), svc.kv.writes
    svc.clock.advance(timedelta(minutes=5))
    second = await call(svc, seller, order_id)

    assert second == first
    assert len(once) == 1
    assert ids(published_since(svc, mark)) == ids(once) * 2  # republished under the same ids
    assert svc.kv.writes == writes


@pytest.mark.parametrize("command", COMMANDS)
async def test_two_sellers_using_the_same_request_id_publish_distinct_events(svc, make, command):
    setup, call = COMMANDS[command]
    sellers = [(make.seller(), make.order_id()) for _ in range(2)]
    answered = []
    for seller, order_id in sellers:
        await setup(svc, make, seller, order_id)
        mark = len(svc.published.events)
        await call(svc, seller, order_id)
        answered.extend(published_since(svc, mark))

    assert len({e.event_id for e in answered}) == 2


async def test_a_redelivered_buyer_request_republishes_the_same_event_and_changes_nothing(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    evt = buyer_asks(make, seller, order_id)
    await svc.h(handlers.on_buyer_cancel_requested, evt)
    before, writes = await view_of(svc, seller, order_id), svc.kv.writes

    await svc.h(handlers.on_buyer_cancel_requested, evt)

    [one, again] = svc.published.of_type(OrderCancelRequested)
    assert (one.event_id, svc.kv.writes) == (again.event_id, writes)
    assert await view_of(svc, seller, order_id) == before


REFUSALS = [
    ("cancel_unknown", None, lambda svc, s, o: svc.h(handlers.cancel_order, 
        s, CancelOrder(order_id=o, reason=SellerCancelReason.NO_INVENTORY)), "not_found", "$.order_id"),
    ("cancel_shipped", shipped, lambda svc, s, o: svc.h(handlers.cancel_order, 
        s, CancelOrder(order_id=o, reason=SellerCancelReason.NO_INVENTORY)), "refused", "$.order_id"),
    ("answer_unknown", None, lambda svc, s, o: svc.h(handlers.answer_cancel_request, 
        s, AnswerCancelRequest(order_id=o, approve=True)), "not_found", "$.order_id"),
    ("answer_nothing_pending", released, lambda svc, s, o: svc.h(handlers.answer_cancel_request, 
        s, AnswerCancelRequest(order_id=o, approve=False)), "refused", "$.order_id"),
    ("correct_unknown_package", shipped, lambda svc, s, o: svc.h(handlers.correct_tracking, s, CorrectTracking(
        order_id=o, package_number=2, carrier_code="UPS", tracking_number=UPS_OK)), "refused", "$.package_number"),
    ("correct_bad_check_digit", shipped, lambda svc, s, o: svc.h(handlers.correct_tracking, s, CorrectTracking(
        order_id=o, package_number=1, carrier_code="UPS", tracking_number=UPS_BAD_DIGIT)),
     "refused", "$.tracking_number"),
    ("correct_unknown_carrier", shipped, lambda svc, s, o: svc.h(handlers.correct_tracking, s, CorrectTracking(
        order_id=o, package_number=1, carrier_code="Pigeon Post", tracking_number="1234")),
     "refused", "$.carrier_code"),
]


@pytest.mark.parametrize(("setup", "call", "code", "field"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
async def test_a_refused_command_answers_a_request_error_and_changes_nothing(svc, make, seller, order_id, setup, call,
                                                                             code, field):
    if setup:
        await setup(svc, make, seller, order_id)
    published, writes = list(svc.published.events), svc.kv.writes

    with pytest.raises(RequestError) as caught:
        await call(svc, seller, order_id)

    assert (caught.value.reply.code, caught.value.reply.field) == (code, field)
    assert caught.value.reply.message
    assert (svc.published.events, svc.kv.writes) == (published, writes)


async def test_a_listed_deadline_acts_once_and_a_redelivery_republishes_the_same_event(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)
    due = make.SHIP_WINDOW.latest - Policy().ship_by_at_risk_before
    mark = len(svc.published.events)

    await svc.h(handlers.on_deadline, f"{seller}.{order_id}", SHIP_BY_AT_RISK, due)
    after, writes = await view_of(svc, seller, order_id), svc.kv.writes
    await svc.h(handlers.on_deadline, f"{seller}.{order_id}", SHIP_BY_AT_RISK, due)

    first, again = published_since(svc, mark)
    assert (type(first), first.occurred_at, first.units_unshipped) == (OrderShipByAtRisk, due, 1)
    assert again.event_id == first.event_id
    assert (await view_of(svc, seller, order_id), svc.kv.writes) == (after, writes)
    assert after.status is OrderStatus.UNSHIPPED


async def test_an_auto_cancel_deadline_cancels_for_the_marketplace_and_counts(svc, make, seller, order_id):
    await released(svc, make, seller, order_id)

    await svc.h(handlers.on_deadline, f"{seller}.{order_id}", AUTO_CANCEL, make.SHIP_WINDOW.latest + Policy().auto_cancel_after)

    [event] = svc.published.of_type(OrderCanceled)
    assert (event.canceled_by, event.reason, event.counts_against_seller) == (
        CanceledBy.MARKETPLACE, "ShipConfirmationMissing", True)
    view = await view_of(svc, seller, order_id)
    assert (view.status, view.canceled_by) == (OrderStatus.CANCELED, CanceledBy.MARKETPLACE)


@pytest.mark.parametrize(("setup", "kind", "due_of"), [
    (released, PAYMENT_EXPIRY, lambda make: make.PURCHASED + Policy().payment_expiry),
    (released, SHIP_BY_MISSED, lambda make: make.SHIP_WINDOW.latest + timedelta(seconds=1)),
    (shipped, SHIP_BY_MISSED, lambda make: make.SHIP_WINDOW.latest),
    (None, AUTO_CANCEL, lambda make: make.SHIP_WINDOW.latest + Policy().auto_cancel_after),
], ids=["paid_order_payment_expiry", "wrong_due", "shipped_order", "unknown_order"])
async def test_a_deadline_the_order_does_not_list_does_nothing(svc, make, seller, order_id, setup, kind, due_of):
    if setup:
        await setup(svc, make, seller, order_id)
    published, writes = list(svc.published.events), svc.kv.writes

    await svc.h(handlers.on_deadline, f"{seller}.{order_id}", kind, due_of(make))

    assert (svc.published.events, svc.kv.writes) == (published, writes)
