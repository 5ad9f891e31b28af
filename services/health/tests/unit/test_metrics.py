"""The built-in account-health metrics: which counters an order adds to, on which day, and what the sums
over a window measure (every expected number below is worked out by hand)."""

from datetime import UTC, date, datetime, timedelta

from sellerops.contracts.health import (
    ClaimFacts, FeedbackFacts, OrderFacts, PackageFacts, Status, Target, TargetCondition,
)
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.returns import ClaimKind
from sellerops.health.metrics import BUILT_IN, register
from sellerops.plugins.metrics import METRICS, Window
from sellerops.plugins.spec import Registry

AFN, MFN = FulfillmentChannel.AFN, FulfillmentChannel.MFN
UNDER, AT_LEAST = TargetCondition.LESS_THAN, TargetCondition.GREATER_THAN
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)  # purchased
SHIP_BY = datetime(2026, 3, 4, 23, 59, tzinfo=UTC)
PROMISED = datetime(2026, 3, 9, 23, 59, tzinfo=UTC)
AS_OF = date(2026, 3, 31)

METRIC = {m.name: m for m in BUILT_IN}
ODR, LSR, LSR10 = METRIC["orderDefectRate"], METRIC["lateShipmentRate"], METRIC["lateShipmentRate10Day"]
CANCEL, VTR, OTDR = METRIC["preFulfillmentCancellationRate"], METRIC["validTrackingRate"], METRIC["onTimeDeliveryRate"]
VTR7 = METRIC["validTrackingRate7Day"]


def order(**changes: object) -> OrderFacts:
    fields = {"order_id": "O1", "seller": "acme", "channel": MFN, "purchased_at": T0, "latest_ship_date": SHIP_BY,
              "latest_delivery_date": PROMISED}
    return OrderFacts(**{**fields, **changes})


def package(number: int = 1, confirmed_at: datetime = T0 + DAY, scanned_at: datetime | None = None,
            delivered_at: datetime | None = None) -> PackageFacts:
    return PackageFacts(number=number, tracking_number=f"1Z{number:03d}", carrier_code="UPS", confirmed_at=confirmed_at,
                        scanned_at=scanned_at, delivered_at=delivered_at)


def claim(kind: ClaimKind = ClaimKind.A_TO_Z, counts: bool = True, claim_id: str = "C1") -> ClaimFacts:
    return ClaimFacts(claim_id=claim_id, kind=kind, counts_as_defect=counts, filed_at=T0 + 10 * DAY)


def feedback(rating: int, removed: bool = False) -> FeedbackFacts:
    return FeedbackFacts(rating=rating, at=T0 + 5 * DAY, removed_at=T0 + 6 * DAY if removed else None)


def window(metric, as_of: date = AS_OF) -> Window:
    return Window(days=metric.window_days, date_from=as_of - timedelta(days=metric.window_days - 1), date_to=as_of,
                  target=metric.target)


def counted(metric, facts: OrderFacts) -> list[tuple[date, str]]:
    return sorted(metric.counts(facts))


# ---- the catalogue ----


def test_the_built_in_metrics_register_under_their_report_names() -> None:
    registry = Registry(METRICS)

    register(registry)

    assert registry.names() == sorted([
        "orderDefectRate", "lateShipmentRate", "lateShipmentRate10Day", "preFulfillmentCancellationRate",
        "validTrackingRate", "validTrackingRate7Day", "onTimeDeliveryRate", "contactResponseRate7Day",
        "contactResponseRate30Day", "contactResponseRate90Day"])


def test_the_default_windows_and_targets_are_seller_centrals() -> None:
    assert {m.name: (m.window_days, m.target) for m in BUILT_IN} == {
        "orderDefectRate": (60, Target(value=0.01, condition=UNDER)),
        "lateShipmentRate": (30, Target(value=0.04, condition=UNDER)),
        "lateShipmentRate10Day": (10, Target(value=0.04, condition=UNDER)),
        "preFulfillmentCancellationRate": (7, Target(value=0.025, condition=UNDER)),
        "validTrackingRate": (30, Target(value=0.95, condition=AT_LEAST)),
        "validTrackingRate7Day": (7, Target(value=0.95, condition=AT_LEAST)),
        "onTimeDeliveryRate": (30, Target(value=0.97, condition=AT_LEAST)),
        "contactResponseRate7Day": (7, Target(value=0.9, condition=AT_LEAST)),  # the 90% is UNCONFIRMED
        "contactResponseRate30Day": (30, Target(value=0.9, condition=AT_LEAST)),
        "contactResponseRate90Day": (90, Target(value=0.9, condition=AT_LEAST)),
    }


# ---- Order Defect Rate ----


def test_an_order_without_defects_counts_only_in_its_channels_orders_on_its_order_date() -> None:
    assert counted(ODR, order()) == [(date(2026, 3, 2), "orders.mfn")]
    assert counted(ODR, order(channel=AFN)) == [(date(2026, 3, 2), "orders.afn")]


def test_an_order_not_seen_yet_counts_nowhere_in_the_order_defect_rate() -> None:
    assert counted(ODR, order(purchased_at=None, claims=[claim()])) == []
    assert counted(ODR, order(channel=None, claims=[claim()])) == []


def test_an_order_with_two_defects_counts_once_in_defects_and_once_in_each_component() -> None:
    facts = order(claims=[claim()], feedback=feedback(1))

    found = counted(ODR, facts)

    day = date(2026, 3, 2)
    assert found == [(day, "claims.mfn"), (day, "defects.mfn"), (day, "negativeFeedback.mfn"), (day, "orders.mfn")]
    sums = {name: 1 for _, name in found}
    [mfn, afn] = ODR.measure(sums, window(ODR))
    body = ODR.section([mfn, afn], sums)["orderDefectRate"]["mfn"]
    assert body["orderWithDefects"] == {"count": 1, "status": "BAD"}
    assert (body["claims"]["count"], body["negativeFeedback"]["count"], body["chargebacks"]["count"]) == (1, 1, 0)
    assert body["orderCount"] == 1 and body["rate"] == 1.0


def test_two_counting_claims_on_one_order_count_once_in_claims() -> None:
    facts = order(claims=[claim(claim_id="C1"), claim(claim_id="C2")])

    assert counted(ODR, facts) == [(date(2026, 3, 2), n) for n in ("claims.mfn", "defects.mfn", "orders.mfn")]


def test_a_chargeback_that_counts_is_a_defect_of_its_own_component() -> None:
    facts = order(channel=AFN, claims=[claim(ClaimKind.CHARGEBACK)])

    assert counted(ODR, facts) == [(date(2026, 3, 2), n) for n in ("chargebacks.afn", "defects.afn", "orders.afn")]


def test_a_claim_that_does_not_count_is_no_defect() -> None:
    facts = order(claims=[claim(counts=False), claim(ClaimKind.CHARGEBACK, counts=False, claim_id="C2")])

    assert counted(ODR, facts) == [(date(2026, 3, 2), "orders.mfn")]


def test_feedback_of_one_or_two_stars_is_negative_and_three_stars_is_not() -> None:
    negative = [(date(2026, 3, 2), n) for n in ("defects.mfn", "negativeFeedback.mfn", "orders.mfn")]

    assert counted(ODR, order(feedback=feedback(1))) == negative
    assert counted(ODR, order(feedback=feedback(2))) == negative
    assert counted(ODR, order(feedback=feedback(3))) == [(date(2026, 3, 2), "orders.mfn")]


def test_a_removed_negative_feedback_is_no_defect() -> None:
    assert counted(ODR, order(feedback=feedback(1, removed=True))) == [(date(2026, 3, 2), "orders.mfn")]


def test_the_order_defect_rate_is_measured_for_seller_fulfilled_and_fba_apart() -> None:
    sums = {"orders.mfn": 200, "defects.mfn": 3, "claims.mfn": 2, "negativeFeedback.mfn": 1,
            "orders.afn": 50, "defects.afn": 0}

    mfn, afn = ODR.measure(sums, window(ODR))

    assert (mfn.key, mfn.numerator, mfn.denominator, mfn.rate, mfn.status) == (
        "orderDefectRate.mfn", 3, 200, 0.015, Status.BAD)  # 3 / 200 = 1.5% >= 1%
    assert (afn.key, afn.numerator, afn.denominator, afn.rate, afn.status) == (
        "orderDefectRate.afn", 0, 50, 0.0, Status.GOOD)
    assert mfn.title == "Order Defect Rate (seller-fulfilled)" and afn.title == "Order Defect Rate (FBA)"
    assert mfn.metric == afn.metric == "orderDefectRate"
    assert (mfn.window_days, mfn.date_from, mfn.date_to) == (60, date(2026, 1, 31), AS_OF)  # 31 + 28 + 1 days


def test_an_fba_defect_does_not_touch_the_seller_fulfilled_rate() -> None:
    sums = {"orders.mfn": 100, "orders.afn": 100, "defects.afn": 5}

    mfn, afn = ODR.measure(sums, window(ODR))

    assert (mfn.rate, mfn.status) == (0.0, Status.GOOD)
    assert (afn.rate, afn.status) == (0.05, Status.BAD)


def test_a_channel_without_orders_is_measured_as_none() -> None:
    _mfn, afn = ODR.measure({"orders.mfn": 10}, window(ODR))

    assert (afn.denominator, afn.rate, afn.status) == (0, None, Status.NONE)


def test_the_order_defect_rate_section_is_shaped_like_the_marketplace_report() -> None:
    sums = {"orders.mfn": 200, "defects.mfn": 3, "claims.mfn": 2, "chargebacks.mfn": 1, "negativeFeedback.mfn": 1}
    measures = ODR.measure(sums, window(ODR))

    section = ODR.section(measures, sums)

    assert list(section) == ["orderDefectRate"]
    assert section["orderDefectRate"]["mfn"] == {
        "reportingDateRange": {"reportingDateFrom": "2026-01-31T00:00Z", "reportingDateTo": "2026-03-31T23:59Z"},
        "orderCount": 200,
        "orderWithDefects": {"count": 3, "status": "BAD"},
        "claims": {"count": 2, "status": "NONE"},
        "chargebacks": {"count": 1, "status": "NONE"},
        "negativeFeedback": {"count": 1, "status": "NONE"},
        "fulfillmentType": "mfn",
        "status": "BAD", "rate": 0.015, "targetValue": 0.01, "targetCondition": "LESS_THAN",
    }
    afn = section["orderDefectRate"]["afn"]
    assert (afn["orderCount"], afn["status"], afn["rate"], afn["fulfillmentType"]) == (0, "NONE", None, "afn")


# ---- Late Shipment Rate ----


def test_an_order_confirmed_after_its_latest_ship_date_is_late_on_its_ship_by_day() -> None:
    facts = order(shipped_at=SHIP_BY + HOUR, late_shipment=True)

    assert counted(LSR, facts) == [(date(2026, 3, 4), "late"), (date(2026, 3, 4), "orders")]
    assert counted(LSR10, facts) == counted(LSR, facts)


def test_an_order_confirmed_in_time_counts_only_as_an_order_due() -> None:
    assert counted(LSR, order(shipped_at=T0 + DAY)) == [(date(2026, 3, 4), "orders")]


def test_an_order_whose_ship_by_date_passed_unconfirmed_is_not_in_the_rate_until_it_is_confirmed() -> None:
    assert counted(LSR, order(late_shipment=True)) == []
    assert counted(LSR, order(late_shipment=True, shipped_at=SHIP_BY + DAY)) == [
        (date(2026, 3, 4), "late"), (date(2026, 3, 4), "orders")]


def test_an_order_auto_canceled_for_a_missing_confirmation_is_a_cancel_and_not_a_late_shipment() -> None:
    facts = order(late_shipment=True, canceled_at=SHIP_BY + 7 * DAY, canceled_by="marketplace", cancel_counts=True)

    assert counted(LSR, facts) == [] and counted(LSR10, facts) == []
    assert counted(CANCEL, facts) == [(date(2026, 3, 2), "canceled"), (date(2026, 3, 2), "orders")]


def test_an_order_canceled_before_it_was_due_is_not_counted_in_the_late_shipment_rate() -> None:
    facts = order(canceled_at=T0 + HOUR, canceled_by="seller", cancel_counts=True)

    assert counted(LSR, facts) == []


def test_an_order_not_due_yet_or_without_a_ship_by_date_or_fba_is_not_counted_in_the_late_shipment_rate() -> None:
    assert counted(LSR, order()) == []
    assert counted(LSR, order(latest_ship_date=None, shipped_at=T0 + DAY)) == []
    assert counted(LSR, order(channel=AFN, shipped_at=SHIP_BY + HOUR, late_shipment=True)) == []


def test_the_late_shipment_rate_is_late_orders_over_orders_due_under_four_percent() -> None:
    [bad] = LSR.measure({"orders": 40, "late": 2}, window(LSR))  # 2 / 40 = 5%
    [good] = LSR.measure({"orders": 40, "late": 1}, window(LSR))  # 1 / 40 = 2.5%
    [at_target] = LSR10.measure({"orders": 25, "late": 1}, window(LSR10))  # 1 / 25 = 4%: not under 4%

    assert (bad.key, bad.rate, bad.status, bad.window_days) == ("lateShipmentRate", 0.05, Status.BAD, 30)
    assert (good.rate, good.status) == (0.025, Status.GOOD)
    assert (at_target.key, at_target.rate, at_target.status, at_target.window_days) == (
        "lateShipmentRate10Day", 0.04, Status.BAD, 10)
    assert (at_target.date_from, at_target.date_to) == (date(2026, 3, 22), AS_OF)


def test_the_late_shipment_rate_section_has_order_and_late_shipment_counts() -> None:
    sums = {"orders": 40, "late": 2}

    section = LSR.section(LSR.measure(sums, window(LSR)), sums)

    assert section == {"lateShipmentRate": {
        "reportingDateRange": {"reportingDateFrom": "2026-03-02T00:00Z", "reportingDateTo": "2026-03-31T23:59Z"},
        "orderCount": 40, "lateShipmentCount": 2, "status": "BAD", "rate": 0.05, "targetValue": 0.04,
        "targetCondition": "LESS_THAN"}}


# ---- Pre-fulfillment Cancel Rate ----


def test_a_seller_cancel_counts_on_the_order_date() -> None:
    facts = order(canceled_at=T0 + 2 * DAY, canceled_by="seller", cancel_counts=True)

    assert counted(CANCEL, facts) == [(date(2026, 3, 2), "canceled"), (date(2026, 3, 2), "orders")]


def test_a_buyer_requested_cancel_does_not_count_in_the_cancel_rate() -> None:
    facts = order(canceled_at=T0 + HOUR, canceled_by="buyer", cancel_counts=False)

    assert counted(CANCEL, facts) == [(date(2026, 3, 2), "orders")]


def test_an_fba_order_or_one_not_seen_yet_is_not_counted_in_the_cancel_rate() -> None:
    assert counted(CANCEL, order(channel=AFN, canceled_at=T0, cancel_counts=True)) == []
    assert counted(CANCEL, order(purchased_at=None, canceled_at=T0, cancel_counts=True)) == []


def test_the_cancel_rate_is_cancels_over_orders_under_two_and_a_half_percent() -> None:
    [good] = CANCEL.measure({"orders": 50, "canceled": 1}, window(CANCEL))  # 2%
    [at_target] = CANCEL.measure({"orders": 40, "canceled": 1}, window(CANCEL))  # 2.5%: not under

    assert (good.rate, good.status, good.window_days, good.date_from) == (0.02, Status.GOOD, 7, date(2026, 3, 25))
    assert (at_target.rate, at_target.status) == (0.025, Status.BAD)
    body = CANCEL.section([at_target], {})["preFulfillmentCancellationRate"]
    assert (body["orderCount"], body["cancellationCount"], body["status"]) == (40, 1, "BAD")


# ---- Valid Tracking Rate ----


def test_a_package_with_a_scan_or_a_delivery_has_valid_tracking() -> None:
    confirmed = [T0 + DAY, T0 + DAY, T0 + 2 * DAY]
    facts = order(packages=[package(1, confirmed[0], scanned_at=T0 + 2 * DAY),
                            package(2, confirmed[1], delivered_at=T0 + 4 * DAY),
                            package(3, confirmed[2])])

    # all on the promised delivery date (the order's latest delivery date), whatever day each was confirmed
    assert counted(VTR, facts) == [
        (date(2026, 3, 9), "shipments"), (date(2026, 3, 9), "shipments"), (date(2026, 3, 9), "shipments"),
        (date(2026, 3, 9), "valid"), (date(2026, 3, 9), "valid")]
    assert counted(VTR7, facts) == counted(VTR, facts)


def test_a_package_of_an_order_without_a_promised_delivery_counts_on_its_confirmation_day() -> None:
    facts = order(latest_delivery_date=None, packages=[package(1, T0 + 2 * DAY, scanned_at=T0 + 3 * DAY)])

    assert counted(VTR, facts) == [(date(2026, 3, 4), "shipments"), (date(2026, 3, 4), "valid")]


def test_the_valid_tracking_windows_are_seven_and_thirty_days_two_weeks_behind_the_as_of_day() -> None:
    assert [(m.window_days, m.lag_days) for m in (VTR7, VTR)] == [(7, 14), (30, 14)]


def test_fba_packages_are_not_counted_in_the_valid_tracking_rate() -> None:
    assert counted(VTR, order(channel=AFN, packages=[package(scanned_at=T0 + 2 * DAY)])) == []


def test_the_valid_tracking_rate_is_at_least_ninety_five_percent() -> None:
    [at_target] = VTR.measure({"shipments": 20, "valid": 19}, window(VTR))  # exactly 95%: at least
    [bad] = VTR.measure({"shipments": 20, "valid": 18}, window(VTR))  # 90%

    assert (at_target.rate, at_target.status) == (0.95, Status.GOOD)
    assert (bad.rate, bad.status) == (0.9, Status.BAD)
    body = VTR.section([bad], {})["validTrackingRate"]
    assert (body["shipmentCount"], body["validTrackingCount"], body["targetCondition"]) == (20, 18, "GREATER_THAN")


# ---- On-Time Delivery Rate ----


def test_a_package_delivered_by_the_promised_date_is_on_time_on_the_promised_day() -> None:
    facts = order(packages=[package(delivered_at=PROMISED)])  # exactly at the promise

    assert counted(OTDR, facts) == [(date(2026, 3, 9), "onTime"), (date(2026, 3, 9), "tracked")]


def test_a_package_delivered_after_the_promised_date_is_late() -> None:
    facts = order(packages=[package(delivered_at=PROMISED + HOUR)])

    assert counted(OTDR, facts) == [(date(2026, 3, 9), "tracked")]


def test_a_package_not_delivered_yet_is_not_counted_in_the_on_time_delivery_rate() -> None:
    assert counted(OTDR, order(packages=[package(scanned_at=T0 + 2 * DAY)])) == []


def test_a_package_of_an_order_without_a_promise_counts_on_its_delivery_day_as_on_time() -> None:
    facts = order(latest_delivery_date=None, packages=[package(delivered_at=T0 + 5 * DAY)])

    assert counted(OTDR, facts) == [(date(2026, 3, 7), "onTime"), (date(2026, 3, 7), "tracked")]


def test_fba_packages_are_not_counted_in_the_on_time_delivery_rate() -> None:
    assert counted(OTDR, order(channel=AFN, packages=[package(delivered_at=T0 + 2 * DAY)])) == []


def test_the_on_time_delivery_rate_is_at_least_ninety_seven_percent() -> None:
    [at_target] = OTDR.measure({"tracked": 100, "onTime": 97}, window(OTDR))
    [bad] = OTDR.measure({"tracked": 100, "onTime": 96}, window(OTDR))
    [none] = OTDR.measure({}, window(OTDR))

    assert (at_target.rate, at_target.status) == (0.97, Status.GOOD)
    assert (bad.rate, bad.status) == (0.96, Status.BAD)
    assert (none.rate, none.status) == (None, Status.NONE)
    body = OTDR.section([bad], {})["onTimeDeliveryRate"]
    assert (body["shipmentCountWithValidTracking"], body["onTimeDeliveryCount"]) == (100, 96)
    assert OTDR.section([none], {})["onTimeDeliveryRate"]["rate"] is None
