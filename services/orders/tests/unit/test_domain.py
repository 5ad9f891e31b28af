"""The orders domain, pure: placement, payment, the events they cause and their deterministic ids.

Shipment confirmation and its refusals are in test_domain_shipment.py.
"""

import uuid

from sellerops.contracts.envelope import derived_id
from sellerops.contracts.market import FulfillmentChannel, OrderType
from sellerops.contracts.orders import OrderLine, OrderRecorded, OrderReleased, OrderStatus
from sellerops.orders.domain import authorize_payment, record_placement, view


def test_a_placed_order_is_pending_and_recorded(make, seller, order_id):
    evt = make.placed(seller, order_id, make.item(quantity=2), make.coasters())

    order, events = record_placement(None, evt)

    assert order.status is OrderStatus.PENDING
    assert (order.seller, order.order_id, order.updated_at) == (seller, order_id, evt.occurred_at)
    assert [(line.order_item_id, line.quantity_ordered, line.quantity_shipped) for line in order.lines] == [
        (make.MUG, 2, 0), (make.COASTERS, 1, 0)]
    [recorded] = events
    assert isinstance(recorded, OrderRecorded)
    assert (recorded.status, recorded.order_id, recorded.seller) == (OrderStatus.PENDING, order_id, seller)
    assert (recorded.occurred_at, recorded.purchased_at) == (evt.occurred_at, make.PURCHASED)
    assert recorded.lines == order.lines
    assert recorded.ship_window == make.SHIP_WINDOW


def test_a_placed_pre_order_waits_for_availability(make, seller, order_id):
    order, events = record_placement(None, make.placed(seller, order_id, order_type=OrderType.PREORDER))

    assert order.status is OrderStatus.PENDING_AVAILABILITY
    assert [(type(e), e.status) for e in events] == [(OrderRecorded, OrderStatus.PENDING_AVAILABILITY)]


def test_a_placement_reported_again_changes_nothing(make, seller, order_id):
    order = make.pending(seller, order_id)

    again, events = record_placement(order, make.placed(seller, order_id))

    assert (again, events) == (order, [])


def test_a_payment_releases_a_pending_order_for_shipping(make, seller, order_id):
    order = make.pending(seller, order_id, make.item(quantity=2))
    evt = make.paid(seller, order_id, authorized_at=make.PAID_AT)

    released, events = authorize_payment(order, evt)

    assert released.status is OrderStatus.UNSHIPPED
    assert (released.payment_authorized_at, released.updated_at) == (make.PAID_AT, evt.occurred_at)
    [event] = events
    assert isinstance(event, OrderReleased)
    assert (event.order_id, event.fulfillment_channel, event.occurred_at) == (
        order_id, FulfillmentChannel.MFN, evt.occurred_at)
    assert event.lines == order.lines
    assert event.ship_window == make.SHIP_WINDOW


def test_a_payment_without_an_authorization_time_is_dated_by_the_event(make, seller, order_id):
    evt = make.paid(seller, order_id, occurred_at=make.at(1, 19))

    released, _ = authorize_payment(make.pending(seller, order_id), evt)

    assert released.payment_authorized_at == make.at(1, 19)


def test_a_payment_before_its_order_is_remembered_without_events(make, seller, order_id):
    evt = make.paid(seller, order_id, authorized_at=make.at(1, 18, 40))

    order, events = authorize_payment(None, evt)

    assert (order.status, order.payment_authorized_at, events) == (None, make.at(1, 18, 40), [])


def test_an_order_placed_after_its_payment_is_recorded_unshipped_and_released_at_once(make, seller, order_id):
    early, _ = authorize_payment(None, make.paid(seller, order_id, authorized_at=make.at(1, 18, 40)))
    evt = make.placed(seller, order_id)

    order, events = record_placement(early, evt)

    assert order.status is OrderStatus.UNSHIPPED
    assert order.payment_authorized_at == make.at(1, 18, 40)
    assert [type(e) for e in events] == [OrderRecorded, OrderReleased]
    assert events[0].status is OrderStatus.UNSHIPPED
    assert {e.causation_id for e in events} == {evt.event_id}
    assert events[0].event_id != events[1].event_id


def test_a_pre_order_paid_early_still_waits_for_availability(make, seller, order_id):
    early, _ = authorize_payment(None, make.paid(seller, order_id))

    order, events = record_placement(early, make.placed(seller, order_id, order_type=OrderType.PREORDER))

    assert order.status is OrderStatus.PENDING_AVAILABILITY
    assert [type(e) for e in events] == [OrderRecorded]


def test_a_second_payment_changes_nothing(make, seller, order_id):
    order = make.unshipped(seller, order_id)

    again, events = authorize_payment(order, make.paid(seller, order_id))

    assert (again, events) == (order, [])


def test_a_payment_for_a_pre_order_is_remembered_but_does_not_release_it(make, seller, order_id):
    order = make.pending(seller, order_id, order_type=OrderType.PREORDER)

    paid, events = authorize_payment(order, make.paid(seller, order_id, authorized_at=make.PAID_AT))

    assert (paid.status, paid.payment_authorized_at, events) == (
        OrderStatus.PENDING_AVAILABILITY, make.PAID_AT, [])


def test_the_same_placement_decides_the_same_event_ids(make, seller, order_id):
    evt = make.placed(seller, order_id)

    assert record_placement(None, evt)[1] == record_placement(None, evt)[1]


def test_the_same_payment_decides_the_same_event_ids(make, seller, order_id):
    order, evt = make.pending(seller, order_id), make.paid(seller, order_id)

    assert authorize_payment(order, evt)[1] == authorize_payment(order, evt)[1]


def test_a_derived_event_names_its_cause_and_its_type_in_its_id(make, seller, order_id):
    evt = make.placed(seller, order_id)

    [recorded] = record_placement(None, evt)[1]

    assert recorded.event_id == derived_id(evt.event_id, OrderRecorded.type_tag(), 0)
    assert recorded.causation_id == evt.event_id


def test_a_derived_event_starts_a_conversation_at_its_cause_when_there_was_none(make, seller, order_id):
    [recorded] = record_placement(None, make.placed(seller, order_id))[1]

    assert recorded.correlation_id == recorded.causation_id


def test_a_derived_event_keeps_the_conversation_of_its_cause(make, seller, order_id):
    conversation = uuid.uuid4()
    placement = make.placed(seller, order_id, correlation_id=conversation)
    payment = make.paid(seller, order_id, correlation_id=conversation)

    [recorded] = record_placement(None, placement)[1]
    [released] = authorize_payment(make.pending(seller, order_id), payment)[1]

    assert (recorded.correlation_id, recorded.causation_id) == (conversation, placement.event_id)
    assert (released.correlation_id, released.causation_id) == (conversation, payment.event_id)


def test_a_view_shows_the_order_as_recorded(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=3))

    shown = view(order)

    assert (shown.order_id, shown.seller, shown.status) == (order_id, seller, OrderStatus.UNSHIPPED)
    assert shown.lines == [OrderLine(order_item_id=make.MUG, sku="MUG-CER-12OZ-BLK", quantity_ordered=3,
                                     item_price=make.item().item_price)]
    assert (shown.packages, shown.late_shipment) == ([], False)
