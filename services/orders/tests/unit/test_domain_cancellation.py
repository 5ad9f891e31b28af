"""The orders domain, pure: buyer, seller and approved cancellations, who canceled and whether it counts.

Cancel rate (docs/domain.md, "Account health"): buyer-requested cancellations are excluded; seller cancels count.
"""

import uuid
from datetime import timedelta

import pytest

from sellerops.contracts.envelope import derived_id
from sellerops.contracts.market import OrderBuyerCancelRequested
from sellerops.contracts.orders import (
    AnswerCancelRequest, CanceledBy, CancelOrder, OrderCanceled, OrderCancelRequestDeclined, OrderCancelRequested,
    OrderStatus, SellerCancelReason,
)
from sellerops.orders.domain import (
    NotFound, Policy, Refused, answer_cancel_request, authorize_payment, buyer_cancel_requested, confirm_shipment,
    seller_cancel,
)

POLICY = Policy()
LATE = timedelta(hours=3)  # after the buyer's cancel window: a request waits for the seller


def asked(make, seller, order_id, *, after=LATE, reason="BuyerCanceled", event_id=None,
          order_status=None) -> OrderBuyerCancelRequested:
    return OrderBuyerCancelRequested(event_id=event_id or uuid.uuid4(), seller=seller, order_id=order_id,
                                     occurred_at=make.PURCHASED + after, reason=reason, order_status=order_status)


def ship(make, order, quantity, request_id="req-ship"):
    request = make.confirm(order.order_id, (make.MUG, quantity))
    return confirm_shipment(order, request=request, request_id=request_id, now=make.NOW)[0]


def cancel(order, reason=SellerCancelReason.NO_INVENTORY, request_id="req-cancel", *, make):
    request = CancelOrder(order_id=order.order_id, reason=reason, request_id=request_id)
    return seller_cancel(order, request=request, request_id=request_id, now=make.NOW)


def answer(order, approve, request_id="req-answer", *, make):
    request = AnswerCancelRequest(order_id=order.order_id, approve=approve, request_id=request_id)
    return answer_cancel_request(order, request=request, request_id=request_id, now=make.NOW)


def state(make, name, seller, order_id):
    """An order of two mugs in the named state, built through the domain."""
    unshipped = make.unshipped(seller, order_id, make.item(quantity=2))
    return {
        "pending": lambda: make.pending(seller, order_id, make.item(quantity=2)),
        "unshipped": lambda: unshipped,
        "partially_shipped": lambda: ship(make, unshipped, 1),
        "shipped": lambda: ship(make, unshipped, 2),
        "canceled": lambda: cancel(unshipped, make=make)[0],
        "requested": lambda: buyer_cancel_requested(unshipped, asked(make, seller, order_id), policy=POLICY)[0],
    }[name]()


@pytest.mark.parametrize("name", ["pending", "unshipped"])
@pytest.mark.parametrize("after", [timedelta(minutes=5), timedelta(minutes=30)], ids=["inside", "at_the_edge"])
def test_a_buyer_cancellation_inside_the_window_cancels_at_once_without_counting(make, seller, order_id, name, after):
    order = state(make, name, seller, order_id)
    evt = asked(make, seller, order_id, after=after, reason="OrderedByMistake")

    canceled, [event] = buyer_cancel_requested(order, evt, policy=POLICY)

    assert (canceled.status, canceled.canceled_by, canceled.cancel_reason) == (
        OrderStatus.CANCELED, CanceledBy.BUYER, "OrderedByMistake")
    assert isinstance(event, OrderCanceled)
    assert (event.canceled_by, event.counts_against_seller, event.reason) == (
        CanceledBy.BUYER, False, "OrderedByMistake")
    assert (event.previous_status, event.occurred_at) == (order.status, evt.occurred_at)


@pytest.mark.parametrize(("window", "after"), [
    (timedelta(minutes=30), timedelta(minutes=30, seconds=1)),
    (timedelta(minutes=30), timedelta(days=1)),
    (timedelta(minutes=10), timedelta(minutes=11)),
])
def test_a_buyer_cancellation_after_the_window_waits_for_the_seller(make, seller, order_id, window, after):
    order = state(make, "unshipped", seller, order_id)
    evt = asked(make, seller, order_id, after=after, reason="FoundCheaper")

    waiting, [event] = buyer_cancel_requested(order, evt, policy=Policy(buyer_cancel_window=window))

    assert (waiting.status, waiting.cancel_request, waiting.canceled_by) == (
        OrderStatus.UNSHIPPED, "FoundCheaper", None)
    assert isinstance(event, OrderCancelRequested)
    assert (event.reason, event.requested_at, event.order_id) == ("FoundCheaper", evt.occurred_at, order_id)


def test_a_buyer_request_dated_before_the_purchase_never_cancels_at_once(make, seller, order_id):
    evt = asked(make, seller, order_id, after=-timedelta(days=900))

    waiting, [event] = buyer_cancel_requested(state(make, "unshipped", seller, order_id), evt, policy=POLICY)

    assert (waiting.status, waiting.canceled_by) == (OrderStatus.UNSHIPPED, None)
    assert isinstance(event, OrderCancelRequested)


@pytest.mark.parametrize("status", ["Unshipped", "Pending", "PartiallyShipped"])
def test_a_request_the_marketplace_still_shows_open_waits_for_the_seller_even_inside_the_window(
        make, seller, order_id, status):
    evt = asked(make, seller, order_id, after=timedelta(minutes=1), order_status=status)

    waiting, [event] = buyer_cancel_requested(state(make, "unshipped", seller, order_id), evt, policy=POLICY)

    assert (waiting.status, waiting.cancel_request) == (OrderStatus.UNSHIPPED, "BuyerCanceled")
    assert isinstance(event, OrderCancelRequested)


def test_a_request_the_marketplace_already_canceled_cancels_for_the_buyer_even_after_the_window(
        make, seller, order_id):
    evt = asked(make, seller, order_id, after=timedelta(days=2), order_status="Canceled")

    canceled, [event] = buyer_cancel_requested(state(make, "unshipped", seller, order_id), evt, policy=POLICY)

    assert (canceled.status, event.canceled_by, event.counts_against_seller) == (
        OrderStatus.CANCELED, CanceledBy.BUYER, False)


def test_a_seller_cancel_answering_an_ingested_open_request_does_not_count(make, seller, order_id):
    evt = asked(make, seller, order_id, after=timedelta(seconds=2), order_status="Unshipped",
                reason="Found cheaper somewhere else.")
    waiting, _ = buyer_cancel_requested(state(make, "unshipped", seller, order_id), evt, policy=POLICY)

    _canceled, [event] = cancel(waiting, SellerCancelReason.BUYER_CANCELED, make=make)

    assert (event.canceled_by, event.counts_against_seller) == (CanceledBy.BUYER, False)


def test_a_longer_window_cancels_a_later_buyer_request_at_once(make, seller, order_id):
    evt = asked(make, seller, order_id, after=timedelta(minutes=90))

    canceled, _ = buyer_cancel_requested(state(make, "unshipped", seller, order_id), evt,
                                         policy=Policy(buyer_cancel_window=timedelta(hours=2)))

    assert canceled.status is OrderStatus.CANCELED


@pytest.mark.parametrize("name", ["partially_shipped", "shipped"])
def test_a_buyer_request_for_a_shipped_order_is_declined_automatically(make, seller, order_id, name):
    order = state(make, name, seller, order_id)

    after, [event] = buyer_cancel_requested(order, asked(make, seller, order_id), policy=POLICY)

    assert isinstance(event, OrderCancelRequestDeclined)
    assert event.declined_by is None
    assert order.status.value in event.reason
    assert (after.status, after.cancel_request, after.canceled_by) == (order.status, None, None)


@pytest.mark.parametrize("name", ["unknown", "payment_only", "canceled"])
def test_a_buyer_request_for_an_unknown_or_canceled_order_changes_nothing(make, seller, order_id, name):
    order = {"unknown": lambda: None,
             "payment_only": lambda: authorize_payment(None, make.paid(seller, order_id))[0],
             "canceled": lambda: state(make, "canceled", seller, order_id)}[name]()

    assert buyer_cancel_requested(order, asked(make, seller, order_id), policy=POLICY) == (order, [])


@pytest.mark.parametrize("reason", [SellerCancelReason.NO_INVENTORY, SellerCancelReason.SHIPPING_ADDRESS_UNDELIVERABLE])
@pytest.mark.parametrize("name", ["pending", "unshipped"])
def test_a_seller_cancellation_with_a_reason_code_counts_against_the_seller(make, seller, order_id, name, reason):
    order = state(make, name, seller, order_id)

    canceled, [event] = cancel(order, reason, make=make)

    assert (canceled.status, canceled.canceled_by, canceled.cancel_reason) == (
        OrderStatus.CANCELED, CanceledBy.SELLER, reason.value)
    assert (event.canceled_by, event.counts_against_seller, event.reason) == (CanceledBy.SELLER, True, reason.value)
    assert (event.previous_status, event.occurred_at, canceled.updated_at) == (order.status, make.NOW, make.NOW)


def test_a_seller_cancellation_answering_a_pending_buyer_request_does_not_count(make, seller, order_id):
    canceled, [event] = cancel(state(make, "requested", seller, order_id), SellerCancelReason.BUYER_CANCELED,
                               make=make)

    assert (canceled.canceled_by, canceled.cancel_request) == (CanceledBy.BUYER, None)
    assert (event.canceled_by, event.counts_against_seller, event.reason) == (
        CanceledBy.BUYER, False, "BuyerCanceled")


def test_a_seller_cancellation_saying_buyer_canceled_without_a_request_counts(make, seller, order_id):
    canceled, [event] = cancel(state(make, "unshipped", seller, order_id), SellerCancelReason.BUYER_CANCELED,
                               make=make)

    assert (canceled.canceled_by, event.canceled_by, event.counts_against_seller) == (
        CanceledBy.SELLER, CanceledBy.SELLER, True)


def test_a_seller_cancellation_with_another_reason_while_a_request_waits_counts(make, seller, order_id):
    canceled, [event] = cancel(state(make, "requested", seller, order_id), make=make)

    assert (event.canceled_by, event.counts_against_seller, canceled.cancel_request) == (CanceledBy.SELLER, True, None)


@pytest.mark.parametrize(("name", "says"), [
    ("partially_shipped", "refunded, not canceled"), ("shipped", "refunded, not canceled"),
    ("canceled", "already canceled"),
])
def test_a_seller_cancellation_of_a_shipped_or_canceled_order_is_refused(make, seller, order_id, name, says):
    with pytest.raises(Refused, match=says) as caught:
        cancel(state(make, name, seller, order_id), request_id="req-again", make=make)

    assert caught.value.field == "$.order_id"


@pytest.mark.parametrize("decide", [
    lambda order_id, now: seller_cancel(None, request=CancelOrder(
        order_id=order_id, reason=SellerCancelReason.NO_INVENTORY), request_id="req-x", now=now),
    lambda order_id, now: answer_cancel_request(None, request=AnswerCancelRequest(
        order_id=order_id, approve=True), request_id="req-x", now=now),
], ids=["seller_cancel", "answer"])
def test_cancelling_or_answering_for_an_unknown_order_is_not_found(make, order_id, decide):
    with pytest.raises(NotFound, match=order_id):
        decide(order_id, make.NOW)


def test_approving_a_pending_request_cancels_for_the_buyer_with_the_buyers_reason(make, seller, order_id):
    order = buyer_cancel_requested(state(make, "unshipped", seller, order_id),
                                   asked(make, seller, order_id, reason="NoLongerNeeded"), policy=POLICY)[0]

    canceled, [event] = answer(order, True, make=make)

    assert (canceled.status, canceled.canceled_by, canceled.cancel_reason, canceled.cancel_request) == (
        OrderStatus.CANCELED, CanceledBy.BUYER, "NoLongerNeeded", None)
    assert isinstance(event, OrderCanceled)
    assert (event.canceled_by, event.counts_against_seller, event.reason) == (CanceledBy.BUYER, False, "NoLongerNeeded")


def test_declining_a_pending_request_tells_the_buyer_and_clears_it(make, seller, order_id):
    order = state(make, "requested", seller, order_id)

    declined, [event] = answer(order, False, make=make)

    assert isinstance(event, OrderCancelRequestDeclined)
    assert (event.declined_by, event.occurred_at) == (CanceledBy.SELLER, make.NOW)
    assert (declined.status, declined.cancel_request, declined.canceled_by) == (OrderStatus.UNSHIPPED, None, None)


@pytest.mark.parametrize("approve", [True, False])
@pytest.mark.parametrize("name", ["unshipped", "shipped", "canceled"])
def test_answering_when_no_request_is_pending_is_refused(make, seller, order_id, name, approve):
    with pytest.raises(Refused, match="no buyer cancellation request") as caught:
        answer(state(make, name, seller, order_id), approve, make=make)

    assert caught.value.field == "$.order_id"


@pytest.mark.parametrize("quantity", [1, 2], ids=["partly", "fully"])
def test_a_confirmed_shipment_clears_a_pending_cancel_request(make, seller, order_id, quantity):
    shipped = ship(make, state(make, "requested", seller, order_id), quantity)

    assert shipped.cancel_request is None
    with pytest.raises(Refused):
        answer(shipped, True, make=make)


def test_the_same_buyer_request_decides_the_same_event_ids(make, seller, order_id):
    order = state(make, "unshipped", seller, order_id)
    inside, late = asked(make, seller, order_id, after=timedelta(minutes=1)), asked(make, seller, order_id)

    [canceled] = buyer_cancel_requested(order, inside, policy=POLICY)[1]
    [requested] = buyer_cancel_requested(order, late, policy=POLICY)[1]

    assert canceled == buyer_cancel_requested(order, inside, policy=POLICY)[1][0]
    assert canceled.event_id == derived_id(inside.event_id, OrderCanceled.type_tag(), 0)
    assert requested.event_id == derived_id(late.event_id, OrderCancelRequested.type_tag(), 0)
    assert requested.causation_id == late.event_id


@pytest.mark.parametrize(("decide", "tag"), [
    (lambda order, rid, make: cancel(order, request_id=rid, make=make), OrderCanceled.type_tag()),
    (lambda order, rid, make: answer(order, True, rid, make=make), OrderCanceled.type_tag()),
    (lambda order, rid, make: answer(order, False, rid, make=make), OrderCancelRequestDeclined.type_tag()),
], ids=["seller_cancel", "approve", "decline"])
def test_a_seller_request_decides_event_ids_from_its_request_id(make, seller, order_id, decide, tag):
    order = state(make, "requested", seller, order_id)

    [one], [same], [other] = (decide(order, rid, make)[1] for rid in ("req-a", "req-a", "req-b"))

    assert one.event_id == same.event_id != other.event_id
    assert one.causation_id == same.causation_id != other.causation_id
    assert (one.type_tag(), one.correlation_id) == (tag, one.causation_id)
