"""Day counters: what an order adds, what one message changes (on the days the counters belong to), sums."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.health import FeedbackReceived, FeedbackRemoved, OrderFacts, OrderPackageScanned
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import (
    OrderLine, OrderRecorded, OrderShipped, OrderStatus, OrderTrackingCorrected, PackageDetail, PackageItem,
)
from sellerops.contracts.returns import ClaimDecided, ClaimKind, ClaimOutcome, ClaimReason, ClaimRecorded
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.counting import add, contribution, days_back, delta, sums
from sellerops.health.metrics import BUILT_IN

MFN = FulfillmentChannel.MFN
ORDER = "111-0000001-0000001"
T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)  # purchased
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
ORDER_DAY = "2026-03-02"
SHIP_BY = datetime(2026, 3, 4, 23, 59, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def envelope(at: datetime) -> dict:
    return {"event_id": uuid.uuid4(), "seller": "acme", "occurred_at": at, "order_id": ORDER}


def recorded() -> OrderRecorded:
    return OrderRecorded(**envelope(T0), status=OrderStatus.UNSHIPPED, fulfillment_channel=MFN,
                         order_type=OrderType.STANDARD, purchased_at=T0, ship_window=Window(T0, SHIP_BY),
                         lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=1, item_price=usd("30.00"))])


def shipped(number: int = 1, tracking: str = "1Z999001") -> OrderShipped:
    at = T0 + DAY + number * HOUR
    package = PackageDetail(carrier_code="UPS", tracking_number=tracking, ship_date=at.date(),
                            items=[PackageItem("I1", 1)])
    return OrderShipped(**envelope(at), package=package, package_number=number, status=OrderStatus.SHIPPED,
                        fulfillment_channel=MFN, confirmed_at=at, late=False, latest_ship_date=SHIP_BY)


def claim_recorded(at: datetime) -> ClaimRecorded:
    return ClaimRecorded(**envelope(at), claim_id="C1", kind=ClaimKind.A_TO_Z, reason=ClaimReason.NOT_RECEIVED,
                         amount=usd("30.00"), filed_at=at, response_due_at=at + 3 * DAY, counts_as_defect=True)


def claim_denied(at: datetime, filed_at: datetime) -> ClaimDecided:
    return ClaimDecided(**envelope(at), claim_id="C1", kind=ClaimKind.A_TO_Z, outcome=ClaimOutcome.DENIED,
                        counts_as_defect=False, filed_at=filed_at)


def fold(*events) -> order_facts.OrderState:
    state = None
    for event in events:
        state = order_facts.apply(state, event)
    return state


def change(state: order_facts.OrderState | None, event) -> tuple[order_facts.OrderState, dict]:
    """The state after `event`, and the counter changes it made."""
    after = order_facts.apply(state, event)
    before = contribution(BUILT_IN, state.facts if state else None)
    return after, delta(before, contribution(BUILT_IN, after.facts))


# ---- what an order adds ----


def test_an_unknown_order_adds_nothing() -> None:
    assert contribution(BUILT_IN, None) == {}


def test_an_orders_counters_are_named_by_metric_and_kept_by_iso_day() -> None:
    facts = fold(recorded()).facts

    assert contribution(BUILT_IN, facts) == {
        (ORDER_DAY, "orderDefectRate:orders.mfn"): 1, (ORDER_DAY, "preFulfillmentCancellationRate:orders"): 1}


def test_two_packages_confirmed_the_same_day_count_twice_in_one_counter() -> None:
    facts = fold(recorded(), shipped(1, "1Z999001"), shipped(2, "1Z999002")).facts

    found = contribution(BUILT_IN, facts)

    assert found[("2026-03-03", "validTrackingRate:shipments")] == 2
    assert found[("2026-03-04", "lateShipmentRate:orders")] == 1  # the order, once, on its ship-by day
    assert found[("2026-03-04", "lateShipmentRate10Day:orders")] == 1


def test_a_metric_counts_only_what_its_own_rules_say() -> None:
    facts = OrderFacts(order_id=ORDER, seller="acme", channel=FulfillmentChannel.AFN, purchased_at=T0)

    assert contribution(BUILT_IN, facts) == {(ORDER_DAY, "orderDefectRate:orders.afn"): 1}


# ---- what one message changes ----


def test_a_late_claim_lands_on_its_orders_date() -> None:
    state = fold(recorded(), shipped())

    _, changes = change(state, claim_recorded(T0 + 80 * DAY))

    assert changes == {ORDER_DAY: {"orderDefectRate:claims.mfn": 1, "orderDefectRate:defects.mfn": 1}}


def test_a_claim_decided_denied_takes_its_defect_back_on_the_orders_date() -> None:
    filed = T0 + 20 * DAY
    state = fold(recorded(), claim_recorded(filed))

    _, changes = change(state, claim_denied(filed + 10 * DAY, filed))

    assert changes == {ORDER_DAY: {"orderDefectRate:claims.mfn": -1, "orderDefectRate:defects.mfn": -1}}


def test_a_second_defect_on_a_defective_order_adds_its_component_but_not_a_second_defect() -> None:
    state = fold(recorded(), claim_recorded(T0 + 10 * DAY))

    _, changes = change(state, FeedbackReceived(**envelope(T0 + 12 * DAY), rating=1))

    assert changes == {ORDER_DAY: {"orderDefectRate:negativeFeedback.mfn": 1}}


def test_a_removed_negative_feedback_takes_its_defect_back() -> None:
    state = fold(recorded(), FeedbackReceived(**envelope(T0 + 5 * DAY), rating=2))

    _, changes = change(state, FeedbackRemoved(**envelope(T0 + 9 * DAY)))

    assert changes == {ORDER_DAY: {"orderDefectRate:negativeFeedback.mfn": -1, "orderDefectRate:defects.mfn": -1}}


def test_a_corrected_tracking_number_takes_the_valid_tracking_back_in_both_windows() -> None:
    state = fold(recorded(), shipped(), OrderPackageScanned(**envelope(T0 + 2 * DAY), tracking_number="1Z999001"))

    _, changes = change(state, OrderTrackingCorrected(
        **envelope(T0 + 3 * DAY), package_number=1, carrier_code="UPS", tracking_number="1Z999002",
        previous_carrier_code="UPS", previous_tracking_number="1Z999001"))

    assert changes == {"2026-03-03": {"validTrackingRate:valid": -1, "validTrackingRate7Day:valid": -1}}


def test_the_same_message_applied_again_changes_nothing() -> None:
    event = claim_recorded(T0 + 10 * DAY)
    state, first = change(fold(recorded()), event)

    _, again = change(state, event)

    assert first != {} and again == {}


def test_a_delta_leaves_out_counters_that_did_not_move() -> None:
    before = {("2026-03-02", "m:a"): 1, ("2026-03-02", "m:b"): 2, ("2026-03-03", "m:a"): 1}
    after = {("2026-03-02", "m:a"): 1, ("2026-03-02", "m:b"): 1, ("2026-03-04", "m:a"): 1}

    assert delta(before, after) == {"2026-03-02": {"m:b": -1}, "2026-03-03": {"m:a": -1}, "2026-03-04": {"m:a": 1}}


# ---- day counters ----


def test_adding_a_change_merges_counters_and_drops_those_back_at_zero() -> None:
    counts = {"m:a": 2, "m:b": 1}

    merged = add(counts, {"m:a": 1, "m:b": -1, "m:c": 3})

    assert merged == {"m:a": 3, "m:c": 3}
    assert counts == {"m:a": 2, "m:b": 1}  # the input is left alone


def test_days_back_are_the_days_ending_on_the_day_oldest_first() -> None:
    assert days_back(date(2026, 3, 2), 3) == [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert days_back(date(2026, 3, 2), 1) == [date(2026, 3, 2)]


def test_sums_add_a_metrics_counters_over_the_days_from_start_to_end_inclusive() -> None:
    day_counts = {
        date(2026, 2, 28): {"lateShipmentRate:orders": 100},  # the day before: left out
        date(2026, 3, 1): {"lateShipmentRate:orders": 3, "lateShipmentRate:late": 1},  # first day
        date(2026, 3, 5): {"lateShipmentRate:orders": 2, "lateShipmentRate10Day:orders": 7},
        date(2026, 3, 10): {"lateShipmentRate:orders": 5, "lateShipmentRate:late": 2},  # last day
        date(2026, 3, 11): {"lateShipmentRate:late": 100},  # the day after: left out
    }

    assert sums(day_counts, "lateShipmentRate", date(2026, 3, 1), date(2026, 3, 10)) == {"orders": 10, "late": 3}
    assert sums(day_counts, "lateShipmentRate10Day", date(2026, 3, 1), date(2026, 3, 10)) == {"orders": 7}
    assert sums(day_counts, "validTrackingRate", date(2026, 3, 1), date(2026, 3, 10)) == {}
