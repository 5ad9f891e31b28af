"""Review requests: one per order, inside the solicitation window, after delivery; skipped with a reason."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.notifications import BuyerOptedOut, ReviewRequested, ReviewRequestSkipped
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderLine, OrderRecorded, OrderRefunded, OrderStatus, RefundLine, RefundReason,
)
from sellerops.contracts.returns import BuyerMessageReceived, OrderDelivered
from sellerops.notifications.domain import reviews
from sellerops.notifications.domain.reviews import Outcome, ReviewPolicy

POLICY = ReviewPolicy()
ORDER = "113-4567890-1234567"
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
PURCHASED = datetime(2026, 11, 2, 15, tzinfo=UTC)
EARLIEST = datetime(2026, 11, 6, 8, tzinfo=UTC)  # delivery window
LATEST = datetime(2026, 11, 10, 20, tzinfo=UTC)
OPENS = datetime(2026, 11, 11, 8, tzinfo=UTC)  # EARLIEST + 5 days
CLOSES = datetime(2026, 12, 10, 20, tzinfo=UTC)  # LATEST + 30 days


def envelope(at: datetime) -> dict:
    return {"event_id": uuid.uuid4(), "seller": "acme", "occurred_at": at, "order_id": ORDER}


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def recorded(window: Window | None = Window(EARLIEST, LATEST)) -> OrderRecorded:
    return OrderRecorded(**envelope(PURCHASED), status=OrderStatus.UNSHIPPED,
                         fulfillment_channel=FulfillmentChannel.MFN, order_type=OrderType.STANDARD,
                         purchased_at=PURCHASED, delivery_window=window,
                         lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=1, item_price=usd("30.00"))])


def delivered(at: datetime) -> OrderDelivered:
    return OrderDelivered(**envelope(at), tracking_number="1Z999")


def refunded(at: datetime) -> OrderRefunded:
    return OrderRefunded(**envelope(at), refund_id="R1", lines=[RefundLine("I1", usd("5.00"))], total=usd("5.00"),
                         reason=RefundReason.GENERAL_ADJUSTMENT, fully_refunded=False)


def canceled(at: datetime) -> OrderCanceled:
    return OrderCanceled(**envelope(at), reason="NoInventory", canceled_by=CanceledBy.SELLER,
                         counts_against_seller=True, previous_status=OrderStatus.UNSHIPPED)


def opted_out(at: datetime) -> BuyerOptedOut:
    return BuyerOptedOut(**envelope(at))


def fold(*events, policy: ReviewPolicy = POLICY) -> reviews.ReviewRequest:
    state = None
    for event in events:
        state, emitted = reviews.apply(state, event, policy=policy)
        assert emitted == []
    return state


def decide(state: reviews.ReviewRequest):
    """Fire the one deadline due."""
    [(kind, due)] = reviews.deadlines(state)
    return reviews.deadline_passed(state, kind=kind, due=due)


# ---- the window ----


def test_the_window_opens_5_days_after_the_earliest_delivery_and_closes_30_days_after_the_latest() -> None:
    assert reviews.window(fold(recorded())) == (OPENS, CLOSES)


def test_an_order_delivered_before_the_window_opens_is_asked_when_it_opens() -> None:
    state = fold(recorded(), delivered(datetime(2026, 11, 7, 12, tzinfo=UTC)))

    assert reviews.deadlines(state) == [("send", OPENS)]
    state, [event] = decide(state)
    assert isinstance(event, ReviewRequested)
    assert (event.order_id, event.seller, event.occurred_at) == (ORDER, "acme", OPENS)
    assert (event.window_opens_at, event.window_closes_at) == (OPENS, CLOSES)
    assert state.outcome is Outcome.REQUESTED and state.decided_at == OPENS


def test_a_request_exactly_at_the_window_opening_day_5_is_inside_it() -> None:
    state = fold(recorded(), delivered(EARLIEST))

    [event] = decide(state)[1]

    assert event.occurred_at == EARLIEST + 5 * DAY == OPENS


def test_an_order_delivered_inside_the_window_is_asked_at_its_delivery() -> None:
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)

    state = fold(recorded(), delivered(at))

    assert reviews.deadlines(state) == [("send", at)]
    assert isinstance(decide(state)[1][0], ReviewRequested)


def test_an_order_delivered_exactly_when_the_window_closes_day_30_is_still_asked() -> None:
    state = fold(recorded(), delivered(LATEST + 30 * DAY))

    [event] = decide(state)[1]

    assert isinstance(event, ReviewRequested) and event.occurred_at == CLOSES


def test_an_order_delivered_after_the_window_closed_is_skipped_window_closed() -> None:
    at = CLOSES + timedelta(seconds=1)
    state = fold(recorded(), delivered(at))

    state, [event] = decide(state)

    assert isinstance(event, ReviewRequestSkipped) and event.reason == "window closed" and event.occurred_at == at
    assert state.outcome is Outcome.SKIPPED and state.reason == "window closed"


def test_a_request_due_inside_the_window_but_decided_after_it_closed_is_skipped_window_closed() -> None:
    state = fold(recorded(), delivered(EARLIEST + DAY))  # facts that arrived weeks late (a backfill)
    [(kind, due)] = reviews.deadlines(state)

    state, [event] = reviews.deadline_passed(state, kind=kind, due=due, now=CLOSES + DAY)

    assert due == OPENS and isinstance(event, ReviewRequestSkipped) and event.reason == "window closed"
    assert state.outcome is Outcome.SKIPPED


def test_a_request_decided_late_but_while_the_window_is_still_open_is_sent() -> None:
    state = fold(recorded(), delivered(EARLIEST + DAY))
    [(kind, due)] = reviews.deadlines(state)

    _, [event] = reviews.deadline_passed(state, kind=kind, due=due, now=CLOSES)

    assert isinstance(event, ReviewRequested)


def test_an_order_never_delivered_is_skipped_when_the_window_closes() -> None:
    state = fold(recorded())

    assert reviews.deadlines(state) == [("window_closed", CLOSES)]
    [event] = decide(state)[1]
    assert event.reason == "window closed" and event.occurred_at == CLOSES


def test_a_delivery_moves_the_deadline_from_the_close_to_the_send_time() -> None:
    undelivered = fold(recorded())
    state = reviews.apply(undelivered, delivered(EARLIEST), policy=POLICY)[0]

    assert reviews.deadline_passed(state, kind="window_closed", due=CLOSES) == (state, [])
    assert reviews.deadlines(state) == [("send", OPENS)]


# ---- the delay ----


def test_the_delay_counts_from_the_window_opening() -> None:
    state = fold(recorded(), delivered(EARLIEST), policy=ReviewPolicy(delay_days=3))

    assert reviews.deadlines(state) == [("send", OPENS + 3 * DAY)]


def test_a_delay_past_the_window_is_clamped_to_its_close() -> None:
    state = fold(recorded(), delivered(EARLIEST), policy=ReviewPolicy(delay_days=60))

    assert reviews.planned_at(state) == CLOSES
    [event] = decide(state)[1]
    assert isinstance(event, ReviewRequested) and event.occurred_at == CLOSES


def test_a_delivery_after_the_delayed_send_time_sends_at_the_delivery() -> None:
    at = OPENS + 5 * DAY
    state = fold(recorded(), delivered(at), policy=ReviewPolicy(delay_days=2))

    assert reviews.deadlines(state) == [("send", at)]


def test_the_window_edges_come_from_the_sellers_policy() -> None:
    state = fold(recorded(), policy=ReviewPolicy(open_after_days=7, close_after_days=20))

    assert reviews.window(state) == (EARLIEST + 7 * DAY, LATEST + 20 * DAY)


def test_a_negative_delay_is_rejected_by_the_policy() -> None:
    with pytest.raises(msgspec.ValidationError, match="delay_days"):
        msgspec.convert({"delay_days": -1}, ReviewPolicy)


# ---- skips ----


@pytest.mark.parametrize(("fact", "reason"), [
    (refunded, "refunded"), (canceled, "canceled"), (opted_out, "buyer opted out"),
])
def test_a_refunded_canceled_or_opted_out_order_is_skipped_with_its_reason(fact, reason) -> None:
    at = datetime(2026, 11, 8, 10, tzinfo=UTC)
    state = fold(recorded(), delivered(EARLIEST), fact(at))

    assert reviews.deadlines(state) == [("skip", at)]
    state, [event] = decide(state)
    assert isinstance(event, ReviewRequestSkipped) and event.reason == reason and event.occurred_at == at
    assert state.outcome is Outcome.SKIPPED and state.reason == reason


def test_a_canceled_order_never_delivered_is_skipped_as_canceled() -> None:
    [event] = decide(fold(recorded(), canceled(PURCHASED + HOUR)))[1]

    assert event.reason == "canceled"


def test_a_canceled_and_refunded_order_is_skipped_as_canceled() -> None:
    [event] = decide(fold(recorded(), refunded(PURCHASED + 2 * HOUR), canceled(PURCHASED + 3 * HOUR)))[1]

    assert event.reason == "canceled" and event.occurred_at == PURCHASED + 3 * HOUR


def test_a_refund_of_any_amount_skips_the_request() -> None:
    state = fold(recorded(), delivered(EARLIEST), refunded(OPENS - HOUR))

    assert decide(state)[1][0].reason == "refunded"


def test_an_order_without_a_delivery_window_is_skipped_when_delivered() -> None:
    state = fold(recorded(window=None))
    assert reviews.deadlines(state) == []

    state = reviews.apply(state, delivered(EARLIEST), policy=POLICY)[0]

    assert reviews.deadlines(state) == [("send", EARLIEST)]
    [event] = decide(state)[1]
    assert event.reason == "no delivery window"


def test_a_delivery_before_the_order_record_waits_for_the_window_the_record_brings() -> None:
    state = fold(delivered(EARLIEST))
    assert reviews.deadlines(state) == [("send", EARLIEST)]

    state = reviews.apply(state, recorded(), policy=POLICY)[0]

    assert reviews.deadlines(state) == [("send", OPENS)]
    assert reviews.deadline_passed(state, kind="send", due=EARLIEST) == (state, [])


# ---- once ----


def test_the_outcome_is_decided_once() -> None:
    state = fold(recorded(), delivered(EARLIEST))
    state, [_] = decide(state)

    assert reviews.deadlines(state) == []
    assert reviews.deadline_passed(state, kind="send", due=OPENS) == (state, [])


def test_facts_after_the_outcome_change_nothing() -> None:
    state = decide(fold(recorded(), delivered(EARLIEST)))[0]

    for fact in (refunded(OPENS + DAY), canceled(OPENS + DAY), opted_out(OPENS + DAY), delivered(OPENS + DAY)):
        assert reviews.apply(state, fact, policy=POLICY) == (state, [])


def test_the_same_deadline_fired_twice_from_the_same_state_gives_the_same_event_id() -> None:
    state = fold(recorded(), delivered(EARLIEST))

    assert decide(state)[1][0].event_id == decide(state)[1][0].event_id


def test_a_deadline_that_is_not_due_changes_nothing() -> None:
    state = fold(recorded(), delivered(EARLIEST))

    assert reviews.deadline_passed(state, kind="send", due=OPENS + DAY) == (state, [])
    assert reviews.deadline_passed(None, kind="send", due=OPENS) == (None, [])


def test_the_first_delivery_of_several_packages_counts() -> None:
    at = OPENS + DAY
    state = fold(recorded(), delivered(at + DAY), delivered(at))

    assert state.delivered_at == at and reviews.deadlines(state) == [("send", at)]


# ---- the policy ----


def test_a_seller_who_turned_review_requests_off_has_nothing_due() -> None:
    assert reviews.deadlines(fold(recorded(), delivered(EARLIEST), policy=ReviewPolicy(enabled=False))) == []


def test_the_policy_of_the_latest_fact_applies() -> None:
    state = fold(recorded(), policy=ReviewPolicy(delay_days=3))

    state = reviews.apply(state, delivered(EARLIEST), policy=ReviewPolicy(delay_days=1))[0]

    assert reviews.deadlines(state) == [("send", OPENS + DAY)]


def test_a_fact_review_requests_do_not_take_is_a_type_error() -> None:
    message = BuyerMessageReceived(**envelope(PURCHASED), message_id="M1", body="hi")

    with pytest.raises(TypeError, match="BuyerMessageReceived"):
        reviews.apply(None, message, policy=POLICY)


def test_a_review_request_survives_a_json_round_trip() -> None:
    state = decide(fold(recorded(), delivered(EARLIEST), policy=ReviewPolicy(delay_days=2)))[0]

    assert msgspec.json.decode(msgspec.json.encode(state), type=reviews.ReviewRequest) == state



def test_an_order_whose_return_was_requested_is_skipped_as_returned():
    from sellerops.contracts.returns import ReturnItem, ReturnRecorded, ReturnStatus

    returned_at = EARLIEST + DAY
    returned = ReturnRecorded(**envelope(returned_at), return_id="RTN-1", status=ReturnStatus.AUTHORIZED,
                              in_policy=True, items=[ReturnItem(order_item_id="I1", sku="MUG", quantity=1,
                                                                reason="DEFECTIVE")])
    state = fold(recorded(), delivered(EARLIEST), returned)

    [(kind, due)] = reviews.deadlines(state)
    state, [skipped] = reviews.deadline_passed(state, kind=kind, due=due)
    assert isinstance(skipped, ReviewRequestSkipped) and skipped.reason == "returned" and due == returned_at
