"""The orders domain, pure: the deadlines each order state has, and what happens when one passes.

Each deadline fires at most once: acting on it changes the order so that it is no longer listed.
"""

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from sellerops.contracts.envelope import derived_id
from sellerops.contracts.market import FulfillmentChannel, Window
from sellerops.contracts.orders import (
    CanceledBy, CancelOrder, OrderCanceled, OrderShipByAtRisk, OrderShipByMissed, OrderStatus, SellerCancelReason,
)
from sellerops.orders.domain import (
    AUTO_CANCEL, PAYMENT_EXPIRY, SHIP_BY_AT_RISK, SHIP_BY_MISSED, Policy, authorize_payment, confirm_shipment,
    deadline_passed, deadlines, seller_cancel,
)

POLICY = Policy()
DAY = timedelta(days=1)


def ship(make, order, quantity):
    request = make.confirm(order.order_id, (make.MUG, quantity))
    return confirm_shipment(order, request=request, request_id=f"req-ship-{quantity}", now=make.NOW)[0]


def state(make, name, seller, order_id):
    """An order of three mugs in the named state, built through the domain."""
    mugs = make.item(quantity=3)
    return {
        "pending": lambda: make.pending(seller, order_id, mugs),
        "unshipped": lambda: make.unshipped(seller, order_id, mugs),
        "partially_shipped": lambda: ship(make, make.unshipped(seller, order_id, mugs), 1),
        "shipped": lambda: ship(make, make.unshipped(seller, order_id, mugs), 3),
        "afn": lambda: make.unshipped(seller, order_id, mugs, channel=FulfillmentChannel.AFN),
        "no_window": lambda: make.unshipped(seller, order_id, mugs, ship_window=None),
        "canceled": lambda: seller_cancel(
            make.unshipped(seller, order_id, mugs), request_id="req-cancel", now=make.NOW,
            request=CancelOrder(order_id=order_id, reason=SellerCancelReason.NO_INVENTORY))[0],
    }[name]()


def expected(make, kinds, policy=POLICY) -> dict:
    latest = make.SHIP_WINDOW.latest
    due = {PAYMENT_EXPIRY: make.PURCHASED + policy.payment_expiry,
           SHIP_BY_AT_RISK: latest - policy.ship_by_at_risk_before,
           SHIP_BY_MISSED: latest, AUTO_CANCEL: latest + policy.auto_cancel_after}
    return {kind: due[kind] for kind in kinds}


@pytest.mark.parametrize(("name", "kinds"), [
    ("pending", [PAYMENT_EXPIRY]),
    ("unshipped", [SHIP_BY_AT_RISK, SHIP_BY_MISSED, AUTO_CANCEL]),
    ("partially_shipped", [SHIP_BY_AT_RISK, SHIP_BY_MISSED]),
    ("afn", []), ("no_window", []), ("shipped", []), ("canceled", []),
])
def test_each_order_state_lists_its_own_deadlines(make, seller, order_id, name, kinds):
    listed = deadlines(state(make, name, seller, order_id), POLICY)

    assert len(listed) == len(kinds)
    assert dict(listed) == expected(make, kinds)


@pytest.mark.parametrize("name", ["pending", "unshipped"])
def test_deadlines_follow_the_policy_passed_in(make, seller, order_id, name):
    policy = Policy(payment_expiry=3 * DAY, ship_by_at_risk_before=timedelta(hours=6), auto_cancel_after=2 * DAY)
    kinds = [PAYMENT_EXPIRY] if name == "pending" else [SHIP_BY_AT_RISK, SHIP_BY_MISSED, AUTO_CANCEL]

    assert dict(deadlines(state(make, name, seller, order_id), policy)) == expected(make, kinds, policy)


@pytest.mark.parametrize(("name", "kind", "alert", "unshipped"), [
    ("unshipped", SHIP_BY_AT_RISK, OrderShipByAtRisk, 3),
    ("unshipped", SHIP_BY_MISSED, OrderShipByMissed, 3),
    ("partially_shipped", SHIP_BY_AT_RISK, OrderShipByAtRisk, 2),
    ("partially_shipped", SHIP_BY_MISSED, OrderShipByMissed, 2),
])
def test_a_ship_by_alert_fires_once_with_the_units_still_unshipped(make, seller, order_id, name, kind, alert,
                                                                   unshipped):
    order = state(make, name, seller, order_id)
    due = expected(make, [kind])[kind]

    alerted, [event] = deadline_passed(order, kind=kind, due=due, policy=POLICY)

    assert isinstance(event, alert)
    assert (event.order_id, event.occurred_at, event.latest_ship_date, event.units_unshipped) == (
        order_id, due, make.SHIP_WINDOW.latest, unshipped)
    assert (alerted.status, alerted.alerts, alerted.updated_at) == (order.status, [kind], due)
    assert kind not in dict(deadlines(alerted, POLICY))
    assert deadline_passed(alerted, kind=kind, due=due, policy=POLICY) == (alerted, [])


@pytest.mark.parametrize(("name", "kind", "reason", "counts"), [
    ("unshipped", AUTO_CANCEL, "ShipConfirmationMissing", True),
    ("pending", PAYMENT_EXPIRY, "PaymentNotAuthorized", False),
])
def test_a_cancelling_deadline_cancels_for_the_marketplace(make, seller, order_id, name, kind, reason, counts):
    order = state(make, name, seller, order_id)
    due = expected(make, [kind])[kind]

    canceled, [event] = deadline_passed(order, kind=kind, due=due, policy=POLICY)

    assert isinstance(event, OrderCanceled)
    assert (event.canceled_by, event.reason, event.counts_against_seller) == (CanceledBy.MARKETPLACE, reason, counts)
    assert (event.previous_status, event.occurred_at) == (order.status, due)
    assert (canceled.status, canceled.canceled_by, canceled.cancel_reason) == (
        OrderStatus.CANCELED, CanceledBy.MARKETPLACE, reason)
    assert deadlines(canceled, POLICY) == []


def moved_window(order, by):
    window = order.ship_window
    return msgspec.structs.replace(order, ship_window=Window(window.earliest + by, window.latest + by))


@pytest.mark.parametrize(("name", "kind", "change"), [
    ("pending", PAYMENT_EXPIRY, lambda make, o: authorize_payment(o, make.paid(o.seller, o.order_id))[0]),
    ("unshipped", SHIP_BY_AT_RISK, lambda make, o: ship(make, o, 3)),
    ("unshipped", SHIP_BY_MISSED, lambda make, o: ship(make, o, 3)),
    ("unshipped", AUTO_CANCEL, lambda make, o: ship(make, o, 1)),
    ("unshipped", SHIP_BY_AT_RISK, lambda make, o: moved_window(o, DAY)),
    ("unshipped", AUTO_CANCEL, lambda make, o: moved_window(o, -DAY)),
    ("unshipped", SHIP_BY_MISSED, lambda make, o: msgspec.structs.replace(o, ship_window=None)),
], ids=["paid", "shipped_before_at_risk", "shipped_before_missed", "partly_shipped_before_auto_cancel",
        "window_later", "window_earlier", "window_removed"])
def test_a_deadline_the_order_no_longer_has_does_nothing(make, seller, order_id, name, kind, change):
    before = state(make, name, seller, order_id)
    order = change(make, before)

    assert deadline_passed(order, kind=kind, due=expected(make, [kind])[kind], policy=POLICY) == (order, [])


@pytest.mark.parametrize(("kind", "due_shift"), [
    (SHIP_BY_MISSED, timedelta(seconds=1)), (SHIP_BY_MISSED, -timedelta(seconds=1)),
    (PAYMENT_EXPIRY, timedelta(0)), ("ship_by_forgotten", timedelta(0)),
])
def test_a_deadline_not_listed_at_that_time_does_nothing(make, seller, order_id, kind, due_shift):
    order = state(make, "unshipped", seller, order_id)

    assert deadline_passed(order, kind=kind, due=make.SHIP_WINDOW.latest + due_shift, policy=POLICY) == (order, [])


def test_a_deadline_of_an_unknown_order_does_nothing(make):
    assert deadline_passed(None, kind=AUTO_CANCEL, due=make.at(20), policy=POLICY) == (None, [])


def test_a_deadline_decides_the_same_event_id_each_time(make, seller, order_id):
    order = state(make, "unshipped", seller, order_id)
    due = make.SHIP_WINDOW.latest

    [one] = deadline_passed(order, kind=SHIP_BY_MISSED, due=due, policy=POLICY)[1]
    [same] = deadline_passed(order, kind=SHIP_BY_MISSED, due=due, policy=POLICY)[1]

    assert one == same
    cause = f"deadline/{seller}/{order_id}/{SHIP_BY_MISSED}/{due.isoformat()}"
    assert one.event_id == derived_id(cause, OrderShipByMissed.type_tag(), 0)


def walk(order, policy=POLICY, limit=10):
    """Let days pass: act on the earliest listed deadline until none is left."""
    fired, events = [], []
    while (listed := deadlines(order, policy)) and len(fired) < limit:
        kind, due = min(listed, key=lambda pair: pair[1])
        order, emitted = deadline_passed(order, kind=kind, due=due, policy=policy)
        fired.append((kind, due))
        events.extend(emitted)
    return order, fired, events


def test_an_order_never_shipped_is_warned_then_marked_missed_then_auto_canceled_once_each(make, seller, order_id):
    order = state(make, "unshipped", seller, order_id)

    canceled, fired, events = walk(order)

    assert [type(e) for e in events] == [OrderShipByAtRisk, OrderShipByMissed, OrderCanceled]
    assert fired == list(expected(make, [SHIP_BY_AT_RISK, SHIP_BY_MISSED, AUTO_CANCEL]).items())
    assert [e.occurred_at for e in events] == [due for _, due in fired]
    assert len({e.event_id for e in events}) == 3
    assert (canceled.status, canceled.canceled_by, events[-1].counts_against_seller) == (
        OrderStatus.CANCELED, CanceledBy.MARKETPLACE, True)
    assert [entry.type for entry in canceled.history[-3:]] == [e.type_tag() for e in events]
    for kind, due in fired:
        assert deadline_passed(canceled, kind=kind, due=due, policy=POLICY) == (canceled, [])


def test_an_order_never_paid_expires_once(make, seller, order_id):
    _canceled, fired, events = walk(state(make, "pending", seller, order_id))

    assert fired == list(expected(make, [PAYMENT_EXPIRY]).items())
    assert [(type(e), e.reason, e.counts_against_seller) for e in events] == [
        (OrderCanceled, "PaymentNotAuthorized", False)]


def test_a_partly_shipped_order_is_warned_and_marked_missed_but_never_auto_canceled(make, seller, order_id):
    still, _, events = walk(state(make, "partially_shipped", seller, order_id))

    assert [type(e) for e in events] == [OrderShipByAtRisk, OrderShipByMissed]
    assert (still.status, still.alerts) == (OrderStatus.PARTIALLY_SHIPPED, [SHIP_BY_AT_RISK, SHIP_BY_MISSED])


def test_an_order_shipped_after_the_missed_alert_has_no_deadline_left(make, seller, order_id):
    order = state(make, "unshipped", seller, order_id)
    for kind in (SHIP_BY_AT_RISK, SHIP_BY_MISSED):
        order, _ = deadline_passed(order, kind=kind, due=expected(make, [kind])[kind], policy=POLICY)

    late = make.SHIP_WINDOW.latest + timedelta(hours=5)
    request = make.confirm(order_id, (make.MUG, 3), ship_date=late.date())
    shipped = confirm_shipment(order, request=request, request_id="req-late", now=late)[0]

    assert (shipped.status, shipped.late_shipment, deadlines(shipped, POLICY)) == (OrderStatus.SHIPPED, True, [])


def test_a_pre_order_becomes_available_at_its_release_date_pending_or_released_when_paid():
    from decimal import Decimal

    from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
    from sellerops.contracts.orders import OrderBecameAvailable, OrderLine, OrderReleased, OrderStatus
    from sellerops.orders.domain import AVAILABLE, Order, Policy, deadline_passed, deadlines

    release = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    line = OrderLine(order_item_id="i", sku="S", quantity_ordered=1, item_price=Money(Decimal("9"), "USD"))
    pre = Order(order_id="111-0000099-0000099", seller="acme", status=OrderStatus.PENDING_AVAILABILITY,
                order_type=OrderType.PREORDER, fulfillment_channel=FulfillmentChannel.MFN, lines=[line],
                purchased_at=release - timedelta(days=20), ship_window=Window(release, release + timedelta(days=2)))
    assert (AVAILABLE, release) in deadlines(pre, Policy())
    pending, [event] = deadline_passed(pre, kind=AVAILABLE, due=release, policy=Policy())
    assert isinstance(event, OrderBecameAvailable) and pending.status is OrderStatus.PENDING
    paid = msgspec.structs.replace(pre, payment_authorized_at=release - timedelta(days=20))
    unshipped, events = deadline_passed(paid, kind=AVAILABLE, due=release, policy=Policy())
    assert unshipped.status is OrderStatus.UNSHIPPED
    assert [type(e) for e in events] == [OrderBecameAvailable, OrderReleased]
    assert deadline_passed(unshipped, kind=AVAILABLE, due=release, policy=Policy()) == (unshipped, [])
