"""The orders domain, pure: confirming shipped packages, lateness, refusals and request ids."""

from datetime import date, timedelta

import pytest

from sellerops.contracts.envelope import derived_id
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import OrderShipped, OrderStatus
from sellerops.orders.domain import NotFound, Refused, authorize_payment, confirm_shipment


def ship(make, order, *items, now=None, request_id="req-1", **package_args):
    request = make.confirm(order.order_id, *items, **package_args)
    return confirm_shipment(order, request=request, request_id=request_id, now=now or make.NOW)


def refusal(make, order, *items, **args) -> Refused:
    with pytest.raises(Refused) as caught:
        ship(make, order, *items, **args)
    return caught.value


def test_confirming_every_unit_ships_the_order_on_time(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=2), make.coasters())

    shipped, events = ship(make, order, (make.MUG, 2), (make.COASTERS, 1))

    assert shipped.status is OrderStatus.SHIPPED
    assert [(line.quantity_ordered, line.quantity_shipped) for line in shipped.lines] == [(2, 2), (1, 1)]
    assert (len(shipped.packages), shipped.late_shipment, shipped.updated_at) == (1, False, make.NOW)
    [event] = events
    assert isinstance(event, OrderShipped)
    assert (event.status, event.package_number, event.late) == (OrderStatus.SHIPPED, 1, False)
    assert (event.confirmed_at, event.occurred_at) == (make.NOW, make.NOW)
    assert event.latest_ship_date == make.SHIP_WINDOW.latest
    assert event.package == shipped.packages[0]
    assert event.fulfillment_channel is FulfillmentChannel.MFN


def test_partial_packages_ship_partially_then_fully(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=3))

    partly, first = ship(make, order, (make.MUG, 1), request_id="req-1")
    fully, second = ship(make, partly, (make.MUG, 2), request_id="req-2", tracking="1Z999AA10123456785")

    assert (partly.status, first[0].status, first[0].package_number) == (
        OrderStatus.PARTIALLY_SHIPPED, OrderStatus.PARTIALLY_SHIPPED, 1)
    assert (fully.status, second[0].status, second[0].package_number) == (OrderStatus.SHIPPED, OrderStatus.SHIPPED, 2)
    assert fully.lines[0].quantity_shipped == 3
    assert [p.tracking_number for p in fully.packages] == ["1Z999AA10123456784", "1Z999AA10123456785"]


def test_a_confirmation_after_the_latest_ship_date_is_late(make, seller, order_id):
    order = make.unshipped(seller, order_id)
    after = make.SHIP_WINDOW.latest + timedelta(seconds=1)

    shipped, [event] = ship(make, order, now=after, ship_date=after.date())

    assert (event.late, shipped.late_shipment) == (True, True)


def test_a_confirmation_at_the_latest_ship_date_is_on_time(make, seller, order_id):
    latest = make.SHIP_WINDOW.latest

    _, [event] = ship(make, make.unshipped(seller, order_id), now=latest, ship_date=latest.date())

    assert event.late is False


def test_an_order_without_a_ship_window_is_never_late(make, seller, order_id):
    _, [event] = ship(make, make.unshipped(seller, order_id, ship_window=None), now=make.at(30))

    assert (event.late, event.latest_ship_date) == (False, None)


def test_shipping_more_than_is_unshipped_is_refused(make, seller, order_id):
    partly, _ = ship(make, make.unshipped(seller, order_id, make.item(quantity=2)), (make.MUG, 1))

    error = refusal(make, partly, (make.MUG, 2), request_id="req-2")

    assert error.field == "$.package.items[0].quantity"
    assert "2 to ship but only 1 unshipped" in str(error)


def test_two_entries_of_one_item_in_a_package_are_added_up(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=2), make.coasters())

    error = refusal(make, order, (make.COASTERS, 1), (make.MUG, 1), (make.MUG, 2))

    assert error.field == "$.package.items[2].quantity"


def test_two_entries_of_one_item_within_the_quantity_ship_together(make, seller, order_id):
    shipped, _ = ship(make, make.unshipped(seller, order_id, make.item(quantity=2)), (make.MUG, 1), (make.MUG, 1))

    assert (shipped.status, shipped.lines[0].quantity_shipped) == (OrderStatus.SHIPPED, 2)


def test_an_unknown_order_item_is_refused(make, seller, order_id):
    error = refusal(make, make.unshipped(seller, order_id), (make.MUG, 1), ("99999999999999", 1))

    assert error.field == "$.package.items[1].order_item_id"


def test_carrier_other_needs_a_carrier_name(make, seller, order_id):
    order = make.unshipped(seller, order_id)

    assert refusal(make, order, carrier_code="Other").field == "$.package.carrier_name"
    shipped, _ = ship(make, order, carrier_code="Other", carrier_name="OnTrac")
    assert shipped.packages[0].carrier_name == "OnTrac"


def test_a_ship_date_before_the_order_date_is_refused(make, seller, order_id):
    error = refusal(make, make.unshipped(seller, order_id), ship_date=date(2026, 10, 31))

    assert error.field == "$.package.ship_date"
    assert "before the order date" in str(error)


def test_a_ship_date_on_the_order_date_is_accepted(make, seller, order_id):
    shipped, _ = ship(make, make.unshipped(seller, order_id), ship_date=make.PURCHASED.date())

    assert shipped.status is OrderStatus.SHIPPED


def test_a_ship_date_in_the_future_is_refused(make, seller, order_id):
    error = refusal(make, make.unshipped(seller, order_id), ship_date=make.TODAY + timedelta(days=1))

    assert error.field == "$.package.ship_date"
    assert "in the future" in str(error)


@pytest.mark.parametrize("state", ["pending", "shipped"])
def test_an_order_that_is_not_unshipped_is_refused(make, seller, order_id, state):
    order = getattr(make, state)(seller, order_id)

    error = refusal(make, order, request_id="req-again")

    assert f"order is {order.status.value}" in str(error)


def test_an_afn_order_is_refused(make, seller, order_id):
    order = make.unshipped(seller, order_id, channel=FulfillmentChannel.AFN)

    assert "AFN" in str(refusal(make, order))


@pytest.mark.parametrize("case", ["pending", "afn"])
def test_an_order_level_refusal_names_the_order_id_as_a_json_path(make, seller, order_id, case):
    order = (make.pending(seller, order_id) if case == "pending"
             else make.unshipped(seller, order_id, channel=FulfillmentChannel.AFN))

    assert refusal(make, order).field == "$.order_id"


def test_an_unknown_order_is_not_found(make, order_id):
    with pytest.raises(NotFound, match=order_id):
        confirm_shipment(None, request=make.confirm(order_id), request_id="req-1", now=make.NOW)


def test_an_order_known_only_by_its_payment_is_not_found(make, seller, order_id):
    early, _ = authorize_payment(None, make.paid(seller, order_id))

    with pytest.raises(NotFound):
        ship(make, early)


def test_the_same_request_decides_the_same_event_id_and_a_new_request_another(make, seller, order_id):
    order = make.unshipped(seller, order_id, make.item(quantity=2))

    [one] = ship(make, order, request_id="req-a")[1]
    [same] = ship(make, order, request_id="req-a")[1]
    [other] = ship(make, order, request_id="req-b")[1]

    assert one.event_id == same.event_id != other.event_id
    cause = f"request/{seller}/{order_id}/req-a"  # scoped: another seller's "req-a" makes other ids
    assert one.event_id == derived_id(cause, OrderShipped.type_tag(), 0)


def test_a_shipment_event_is_caused_by_its_request(make, seller, order_id):
    [event] = ship(make, make.unshipped(seller, order_id), request_id="req-a")[1]

    cause = f"request/{seller}/{order_id}/req-a"
    assert event.causation_id == event.correlation_id == derived_id(cause, "command", 0)
