"""Time travel: a seller's health as it stood at a past moment, from the events kept in the streams."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.health import (
    AccountStatus, AccountStatusReported, FeedbackReceived, MetricSettings, PolicyWarningReported,
    PolicyWarningResolved, Status,
)
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderLine, OrderRecorded, OrderShipByMissed, OrderShipped, OrderStatus, PackageDetail,
    PackageItem,
)
from sellerops.contracts.returns import ClaimKind, ClaimReason, ClaimRecorded
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.counting import add, contribution, delta
from sellerops.health.domain.history import WHY_LIMIT, health_as_of, open_warnings
from sellerops.health.domain.report import RatingRules, account_health, evaluate
from sellerops.health.metrics import BUILT_IN

AFN, MFN = FulfillmentChannel.AFN, FulfillmentChannel.MFN
MKT, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
RULES = RatingRules()


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def envelope(order_id: str, at: datetime, seller: str = "acme") -> dict:
    return {"event_id": uuid.uuid4(), "seller": seller, "occurred_at": at, "order_id": order_id}


def recorded(order_id: str, at: datetime = T0, channel: FulfillmentChannel = MFN, marketplace_id: str = MKT,
             seller: str = "acme") -> OrderRecorded:
    return OrderRecorded(**envelope(order_id, at, seller), status=OrderStatus.UNSHIPPED, fulfillment_channel=channel,
                         order_type=OrderType.STANDARD, purchased_at=at, ship_window=Window(at, at + 2 * DAY),
                         marketplace_id=marketplace_id,
                         lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=1, item_price=usd("30.00"))])


def shipped(order_id: str, at: datetime, late: bool = False) -> OrderShipped:
    package = PackageDetail(carrier_code="UPS", tracking_number=f"1Z{order_id}", ship_date=at.date(),
                            items=[PackageItem("I1", 1)])
    return OrderShipped(**envelope(order_id, at), package=package, package_number=1, status=OrderStatus.SHIPPED,
                        fulfillment_channel=MFN, confirmed_at=at, late=late)


def claim(order_id: str, at: datetime, seller: str = "acme") -> ClaimRecorded:
    return ClaimRecorded(**envelope(order_id, at, seller), claim_id=f"C-{order_id}", kind=ClaimKind.A_TO_Z,
                         reason=ClaimReason.NOT_RECEIVED, amount=usd("30.00"), filed_at=at,
                         response_due_at=at + 3 * DAY, counts_as_defect=True)


def warning(warning_id: str, at: datetime, kind: str = "listingPolicyViolations", marketplace_id: str = MKT,
            seller: str = "acme") -> PolicyWarningReported:
    return PolicyWarningReported(event_id=uuid.uuid4(), seller=seller, occurred_at=at, warning_id=warning_id,
                                 warning_type=kind, marketplace_id=marketplace_id)


def resolved(warning_id: str, at: datetime) -> PolicyWarningResolved:
    return PolicyWarningResolved(event_id=uuid.uuid4(), seller="acme", occurred_at=at, warning_id=warning_id)


def as_of(events: list, at: datetime, marketplace_id: str = MKT, overrides: dict | None = None):
    return health_as_of(events, seller="acme", marketplace_id=marketplace_id, as_of=at, metrics=list(BUILT_IN),
                        overrides=overrides or {}, rules=RULES)


def measure(health, key: str):
    return next(m for m in health.measures if m.key == key)


# ---- what counts ----


def test_time_travel_before_a_claim_shows_good_and_after_it_bad() -> None:
    events = [recorded(f"O{n}") for n in range(1, 5)] + [claim("O2", T0 + 20 * DAY)]

    before, after = as_of(events, T0 + 20 * DAY - HOUR), as_of(events, T0 + 20 * DAY + HOUR)

    odr_before, odr_after = measure(before, "orderDefectRate.mfn"), measure(after, "orderDefectRate.mfn")
    assert (odr_before.numerator, odr_before.denominator, odr_before.status) == (0, 4, Status.GOOD)
    assert (odr_after.numerator, odr_after.denominator, odr_after.rate, odr_after.status) == (1, 4, 0.25, Status.BAD)
    assert (before.rating, after.rating) == (1000, 150)
    assert before.from_history and after.from_history


def test_a_fact_exactly_at_the_moment_asked_counts() -> None:
    events = [recorded("O1"), claim("O1", T0 + 20 * DAY)]

    assert measure(as_of(events, T0 + 20 * DAY), "orderDefectRate.mfn").numerator == 1


def test_facts_after_the_moment_asked_are_ignored() -> None:
    events = [recorded("O1"), FeedbackReceived(**envelope("O1", T0 + 10 * DAY), rating=1),
              recorded("O2", T0 + 6 * DAY)]

    h = as_of(events, T0 + 5 * DAY)

    odr = measure(h, "orderDefectRate.mfn")
    assert (odr.numerator, odr.denominator) == (0, 1)
    assert h.as_of == T0 + 5 * DAY and h.why == {"orderDefectRate:orders.mfn": ["O1"],
                                                   "preFulfillmentCancellationRate:orders": ["O1"]}


def test_a_claim_seen_before_its_order_counts_once_the_order_is_seen() -> None:
    events = [claim("O1", T0 - HOUR), recorded("O1")]

    odr = measure(as_of(events, T0 + DAY), "orderDefectRate.mfn")

    assert (odr.numerator, odr.denominator) == (1, 1)


def test_an_order_older_than_the_window_is_left_out() -> None:
    events = [recorded("OLD", T0 - 60 * DAY), claim("OLD", T0 - 10 * DAY), recorded("O1")]

    h = as_of(events, T0 + HOUR)

    odr = measure(h, "orderDefectRate.mfn")
    assert (odr.numerator, odr.denominator) == (0, 1)
    assert "OLD" not in [order for orders in h.why.values() for order in orders]


def test_fba_and_seller_fulfilled_orders_are_reported_apart() -> None:
    events = [recorded("M1"), recorded("A1", channel=AFN), recorded("A2", channel=AFN), claim("A1", T0 + DAY)]

    h = as_of(events, T0 + 2 * DAY)

    mfn, afn = measure(h, "orderDefectRate.mfn"), measure(h, "orderDefectRate.afn")
    assert (mfn.numerator, mfn.denominator, mfn.status) == (0, 1, Status.GOOD)
    assert (afn.numerator, afn.denominator, afn.rate, afn.status) == (1, 2, 0.5, Status.BAD)


def test_another_sellers_and_another_marketplaces_facts_are_ignored() -> None:
    events = [recorded("O1"), recorded("THEIRS", seller="other"), claim("THEIRS", T0 + DAY, seller="other"),
              recorded("CA1", marketplace_id=CA), claim("CA1", T0 + DAY),
              warning("W9", T0, seller="other")]

    h = as_of(events, T0 + 2 * DAY)

    odr = measure(h, "orderDefectRate.mfn")
    assert (odr.numerator, odr.denominator) == (0, 1)
    assert (h.warnings, h.rating) == ([], 1000)
    assert measure(as_of(events, T0 + 2 * DAY, marketplace_id=CA), "orderDefectRate.mfn").numerator == 1


def test_a_sellers_overrides_apply_in_the_past() -> None:
    events = [recorded("O1", T0 - 80 * DAY), claim("O1", T0 - 70 * DAY), recorded("O2")]

    h = as_of(events, T0 + HOUR, overrides={"orderDefectRate": MetricSettings(window_days=90)})

    odr = measure(h, "orderDefectRate.mfn")
    assert (odr.window_days, odr.numerator, odr.denominator) == (90, 1, 2)


def test_the_past_is_what_the_live_counters_would_have_said() -> None:
    events = [recorded("O1"), recorded("O2", T0 + HOUR), shipped("O1", T0 + DAY),
              shipped("O2", T0 + 3 * DAY, late=True), claim("O2", T0 + 9 * DAY),
              FeedbackReceived(**envelope("O1", T0 + 10 * DAY), rating=2)]
    at = T0 + 12 * DAY
    states: dict = {}
    day_counts: dict[date, dict[str, int]] = {}
    for event in events:  # the live path: one delta per message, added to the day counters
        before = states.get(event.order_id)
        states[event.order_id] = order_facts.apply(before, event)
        changes = delta(contribution(BUILT_IN, before.facts if before else None),
                        contribution(BUILT_IN, states[event.order_id].facts))
        for day, change in changes.items():
            d = date.fromisoformat(day)
            day_counts[d] = add(day_counts.get(d, {}), change)
    live = account_health(seller="acme", marketplace_id=MKT, as_of=at, from_history=False,
                          evaluated=evaluate(list(BUILT_IN), {}, day_counts, at.date()), warnings=[], rules=RULES)

    past = as_of(events, at)

    assert past.measures == live.measures and past.report == live.report
    assert (past.rating, past.account_status) == (live.rating, live.account_status)


def test_an_order_with_two_defects_counts_once_in_the_report_and_once_in_each_component() -> None:
    events = [recorded("O1"), recorded("O2"), claim("O1", T0 + 5 * DAY),
              FeedbackReceived(**envelope("O1", T0 + 6 * DAY), rating=1)]

    mfn = as_of(events, T0 + 7 * DAY).report["performanceMetrics"][0]["orderDefectRate"]["mfn"]

    assert (mfn["orderCount"], mfn["orderWithDefects"]["count"], mfn["rate"]) == (2, 1, 0.5)
    assert (mfn["claims"]["count"], mfn["negativeFeedback"]["count"], mfn["chargebacks"]["count"]) == (1, 1, 0)


def test_a_buyer_requested_cancel_does_not_count_in_the_cancel_rate_and_a_seller_cancel_does() -> None:
    def cancel(order_id: str, by: CanceledBy, counts: bool) -> OrderCanceled:
        return OrderCanceled(**envelope(order_id, T0 + HOUR), reason="x", canceled_by=by, counts_against_seller=counts,
                             previous_status=OrderStatus.UNSHIPPED)
    events = [recorded("O1"), recorded("O2"), recorded("O3"), recorded("O4"),
              cancel("O1", CanceledBy.BUYER, False), cancel("O2", CanceledBy.SELLER, True)]

    doc = as_of(events, T0 + DAY).report["performanceMetrics"][0]["preFulfillmentCancellationRate"]

    assert (doc["orderCount"], doc["cancellationCount"], doc["rate"], doc["status"]) == (4, 1, 0.25, "BAD")


def test_the_late_shipment_rate_counts_ship_confirmed_orders_and_an_auto_canceled_one_only_as_a_cancel() -> None:
    ship_by = T0 + 2 * DAY
    events = [recorded("LATE"), recorded("ONTIME"), recorded("CANCELED"), recorded("OPEN", T0 + 3 * DAY),
              recorded("AUTOCANCELED"),
              shipped("ONTIME", T0 + DAY),
              OrderCanceled(**envelope("CANCELED", T0 + HOUR), reason="NoInventory", canceled_by=CanceledBy.SELLER,
                            counts_against_seller=True, previous_status=OrderStatus.UNSHIPPED),
              OrderShipByMissed(**envelope("LATE", ship_by + HOUR), latest_ship_date=ship_by, units_unshipped=1),
              shipped("LATE", ship_by + 5 * HOUR, late=True),
              OrderShipByMissed(**envelope("AUTOCANCELED", ship_by + HOUR), latest_ship_date=ship_by,
                                units_unshipped=1),
              OrderCanceled(**envelope("AUTOCANCELED", ship_by + 3 * DAY), reason="ShipConfirmationMissing",
                            canceled_by=CanceledBy.MARKETPLACE, counts_against_seller=True,
                            previous_status=OrderStatus.UNSHIPPED)]

    h = as_of(events, T0 + 6 * DAY)

    doc = h.report["performanceMetrics"][0]["lateShipmentRate"]
    assert (doc["orderCount"], doc["lateShipmentCount"], doc["rate"]) == (2, 1, 0.5)
    assert h.why["lateShipmentRate:late"] == ["LATE"]
    assert h.why["lateShipmentRate:orders"] == ["LATE", "ONTIME"]
    assert h.why["preFulfillmentCancellationRate:canceled"] == ["AUTOCANCELED", "CANCELED"]


# ---- why ----


def test_why_names_the_orders_behind_each_counter() -> None:
    events = [recorded("O1"), recorded("O2"), recorded("O3", T0 + DAY), claim("O2", T0 + 5 * DAY),
              FeedbackReceived(**envelope("O3", T0 + 6 * DAY), rating=1)]

    why = as_of(events, T0 + 7 * DAY).why

    assert why["orderDefectRate:defects.mfn"] == ["O2", "O3"]
    assert why["orderDefectRate:claims.mfn"] == ["O2"]
    assert why["orderDefectRate:negativeFeedback.mfn"] == ["O3"]
    assert why["orderDefectRate:orders.mfn"] == ["O1", "O2", "O3"]
    assert "orderDefectRate:chargebacks.mfn" not in why


def test_why_names_only_the_orders_inside_each_metrics_window() -> None:
    events = [recorded("OLD", T0 - 10 * DAY), recorded("NEW", T0)]

    why = as_of(events, T0 + HOUR).why

    assert why["orderDefectRate:orders.mfn"] == ["NEW", "OLD"]  # 60 days
    assert why["preFulfillmentCancellationRate:orders"] == ["NEW"]  # 7 days


def test_why_names_at_most_fifty_orders_per_counter() -> None:
    events = [recorded(f"O{n:03d}", T0 + n * timedelta(minutes=1)) for n in range(60)]

    why = as_of(events, T0 + DAY).why

    assert WHY_LIMIT == 50
    assert why["orderDefectRate:orders.mfn"] == [f"O{n:03d}" for n in range(50)]


# ---- policy warnings ----


def test_open_warnings_are_those_reported_and_not_resolved_by_then() -> None:
    events = [warning("W1", T0, "listingPolicyViolations"), warning("W2", T0 + HOUR, "intellectualProperty"),
              resolved("W2", T0 + 2 * HOUR), warning("W3", T0 + 5 * DAY, "productAuthenticity"),
              warning("W4", T0, "restrictedProducts", marketplace_id=CA)]

    assert open_warnings(events, MKT, T0 + 90 * timedelta(minutes=1)) == [
        "intellectualProperty", "listingPolicyViolations"]  # an hour and a half in: W2 not resolved yet
    assert open_warnings(events, MKT, T0 + DAY) == ["listingPolicyViolations"]
    assert open_warnings(events, MKT, T0 + 6 * DAY) == ["listingPolicyViolations", "productAuthenticity"]
    assert open_warnings(events, CA, T0 + DAY) == ["restrictedProducts"]


def test_open_policy_warnings_cost_rating_in_the_past() -> None:
    events = [recorded("O1"), warning("W1", T0 + DAY)]

    before, after = as_of(events, T0 + HOUR), as_of(events, T0 + 2 * DAY)

    assert (before.rating, before.warnings) == (1000, [])
    assert (after.rating, after.warnings) == (900, ["listingPolicyViolations"])
    assert after.report["performanceMetrics"][0]["warningStates"] == [
        {"warningType": "listingPolicyViolations", "status": "BAD"}]


def test_time_travel_shows_the_account_status_the_marketplace_had_reported_by_then():
    def reported(status: AccountStatus, at: datetime, marketplace_id: str = MKT) -> AccountStatusReported:
        return AccountStatusReported(event_id=uuid.uuid4(), seller="acme", occurred_at=at, status=status,
                                     marketplace_id=marketplace_id)

    events = [reported(AccountStatus.AT_RISK, T0 + DAY), reported(AccountStatus.NORMAL, T0 + 5 * DAY),
              reported(AccountStatus.DEACTIVATED, T0 + 2 * DAY, marketplace_id=CA)]
    assert as_of(events, T0).marketplace_status is None
    then = as_of(events, T0 + 3 * DAY)
    assert (then.marketplace_status, then.marketplace_status_at) == (AccountStatus.AT_RISK, T0 + DAY)
    assert then.report["accountStatuses"][0]["status"] == "AT_RISK"
    assert as_of(events, T0 + 6 * DAY).marketplace_status is AccountStatus.NORMAL
    assert as_of(events, T0 + 3 * DAY, marketplace_id=CA).marketplace_status is AccountStatus.DEACTIVATED
