"""A seller's health from the day counters: windows, statuses, the rating and its bands, the report document."""

from datetime import UTC, date, datetime, timedelta

import msgspec

from sellerops.contracts.health import (
    AccountHealth, AccountStatus, Measure, MetricSettings, RatingBand, Status, Target, TargetCondition,
)
from sellerops.health.domain.report import RatingRules, account_health, evaluate, longest_window, rating, window
from sellerops.health.metrics import BUILT_IN

UNDER, AT_LEAST, EQUALS = TargetCondition.LESS_THAN, TargetCondition.GREATER_THAN, TargetCondition.EQUALS
AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 18, tzinfo=UTC)
MKT = "ATVPDKIKX0DER"
METRIC = {m.name: m for m in BUILT_IN}
ODR = METRIC["orderDefectRate"]
RULES = RatingRules()


def measure(metric: str, status: Status, key: str | None = None) -> Measure:
    rate = {Status.GOOD: 0.0, Status.BAD: 0.5, Status.NONE: None}[status]
    return Measure(key=key or metric, metric=metric, title=metric, window_days=30, date_from=date(2026, 3, 2),
                   date_to=AS_OF, numerator=1 if status is Status.BAD else 0,
                   denominator=0 if status is Status.NONE else 2, rate=rate, status=status,
                   target=Target(value=0.04, condition=UNDER))


def measures_by_key(day_counts: dict, overrides: dict | None = None, as_of: date = AS_OF) -> dict[str, Measure]:
    return {m.key: m for _, ms, _ in evaluate(list(BUILT_IN), overrides or {}, day_counts, as_of) for m in ms}


# ---- targets ----


def test_at_least_is_met_by_a_rate_exactly_at_the_target() -> None:
    assert Target(value=0.95, condition=AT_LEAST).met(0.95) is True
    assert Target(value=0.95, condition=AT_LEAST).met(0.9499) is False


def test_under_is_not_met_by_a_rate_exactly_at_the_target() -> None:
    assert Target(value=0.01, condition=UNDER).met(0.01) is False
    assert Target(value=0.01, condition=UNDER).met(0.0099) is True


def test_equals_is_met_only_by_the_target_itself() -> None:
    assert Target(value=1.0, condition=EQUALS).met(1.0) is True
    assert Target(value=1.0, condition=EQUALS).met(0.99) is False


def test_a_valid_tracking_rate_of_exactly_ninety_five_percent_is_good() -> None:
    m = measures_by_key({AS_OF - timedelta(days=14): {"validTrackingRate:shipments": 20,
                                                      "validTrackingRate:valid": 19}})

    assert (m["validTrackingRate"].rate, m["validTrackingRate"].status) == (0.95, Status.GOOD)


def test_an_order_defect_rate_of_exactly_one_percent_is_bad() -> None:
    m = measures_by_key({AS_OF: {"orderDefectRate:orders.mfn": 100, "orderDefectRate:defects.mfn": 1}})

    assert (m["orderDefectRate.mfn"].rate, m["orderDefectRate.mfn"].status) == (0.01, Status.BAD)


def test_a_measure_with_nothing_to_count_is_none() -> None:
    m = measures_by_key({})

    assert {k: (x.denominator, x.rate, x.status) for k, x in m.items()} == {
        k: (0, None, Status.NONE) for k in (
            "orderDefectRate.mfn", "orderDefectRate.afn", "lateShipmentRate", "lateShipmentRate10Day",
            "preFulfillmentCancellationRate", "validTrackingRate", "validTrackingRate7Day", "onTimeDeliveryRate",
            "contactResponseRate7Day", "contactResponseRate30Day", "contactResponseRate90Day")}


def test_a_measure_with_no_orders_reads_null_in_the_report_as_in_the_measures() -> None:
    h = account_health(seller="acme", marketplace_id=MKT, as_of=NOW, from_history=False,
                       evaluated=evaluate(list(BUILT_IN), {}, {}, AS_OF), warnings=[], rules=RULES)
    doc = h.report["performanceMetrics"][0]

    assert {m.key: m.rate for m in h.measures} == {m.key: None for m in h.measures}
    sections = [doc[k] for k in doc if k not in ("marketplaceId", "warningStates", "accountHealthRating",
                                                  "orderDefectRate")]
    sections += list(doc["orderDefectRate"].values())
    assert len(sections) == 11 and all(section["rate"] is None for section in sections)
    assert '"rate":null' in msgspec.json.encode(h.report).decode()


# ---- windows ----


def test_a_metrics_window_is_its_days_ending_on_the_day_asked_with_its_target() -> None:
    w = window(ODR, None, AS_OF)

    assert (w.days, w.date_from, w.date_to, w.target) == (60, date(2026, 1, 31), AS_OF, ODR.target)


def test_a_sellers_override_changes_the_window_and_target_and_keeps_the_rest() -> None:
    w = window(ODR, MetricSettings(window_days=90, target_value=0.0), AS_OF)
    only_condition = window(ODR, MetricSettings(target_condition=EQUALS), AS_OF)

    assert (w.days, w.date_from, w.target) == (90, date(2026, 1, 1), Target(value=0.0, condition=UNDER))
    assert (only_condition.days, only_condition.target) == (60, Target(value=0.01, condition=EQUALS))


def test_a_metric_turned_off_has_no_window_and_is_not_evaluated() -> None:
    off = {"orderDefectRate": MetricSettings(enabled=False)}

    assert window(ODR, off["orderDefectRate"], AS_OF) is None
    assert [metric.name for metric, _, _ in evaluate(list(BUILT_IN), off, {}, AS_OF)] == [
        "lateShipmentRate", "lateShipmentRate10Day", "preFulfillmentCancellationRate", "validTrackingRate",
        "validTrackingRate7Day", "onTimeDeliveryRate", "contactResponseRate7Day", "contactResponseRate30Day",
        "contactResponseRate90Day"]


def test_the_valid_tracking_windows_end_two_weeks_before_the_as_of_day() -> None:
    recent = measures_by_key({AS_OF - timedelta(days=13): {"validTrackingRate:shipments": 5,
                                                          "validTrackingRate7Day:shipments": 5}})
    lagged = measures_by_key({AS_OF - timedelta(days=14): {"validTrackingRate:shipments": 5,
                                                          "validTrackingRate7Day:shipments": 5}})

    assert (recent["validTrackingRate"].denominator, recent["validTrackingRate7Day"].denominator) == (0, 0)
    assert (lagged["validTrackingRate"].denominator, lagged["validTrackingRate7Day"].denominator) == (5, 5)
    month, week = lagged["validTrackingRate"], lagged["validTrackingRate7Day"]
    assert (month.date_from, month.date_to) == (AS_OF - timedelta(days=43), AS_OF - timedelta(days=14))
    assert (week.date_from, week.date_to) == (AS_OF - timedelta(days=20), AS_OF - timedelta(days=14))


def test_a_seller_sets_the_valid_tracking_lag_and_window_like_any_window() -> None:
    mine = {"validTrackingRate7Day": MetricSettings(lag_days=7, window_days=14)}
    m = measures_by_key({AS_OF - timedelta(days=10): {"validTrackingRate7Day:shipments": 5,
                                                     "validTrackingRate:shipments": 5}}, mine)

    week = m["validTrackingRate7Day"]
    assert (week.denominator, week.window_days, week.date_to) == (5, 14, AS_OF - timedelta(days=7))
    assert m["validTrackingRate"].denominator == 0  # the other window keeps the default lag
    assert longest_window(list(BUILT_IN), {"validTrackingRate": MetricSettings(lag_days=80)}) == 110


def test_an_order_on_the_first_day_of_the_window_counts_and_the_day_before_does_not() -> None:
    first = AS_OF - timedelta(days=59)  # 60 days: 2026-01-31 .. 2026-03-31
    day_counts = {
        first - timedelta(days=1): {"orderDefectRate:orders.mfn": 1, "orderDefectRate:defects.mfn": 1},
        first: {"orderDefectRate:orders.mfn": 1, "orderDefectRate:defects.mfn": 1},
        AS_OF: {"orderDefectRate:orders.mfn": 1},
        AS_OF + timedelta(days=1): {"orderDefectRate:orders.mfn": 1, "orderDefectRate:defects.mfn": 1},
    }

    m = measures_by_key(day_counts)["orderDefectRate.mfn"]

    assert first == date(2026, 1, 31)
    assert (m.date_from, m.date_to, m.numerator, m.denominator, m.rate) == (first, AS_OF, 1, 2, 0.5)


def test_each_metric_sums_its_own_window() -> None:
    eight_days_ago = AS_OF - timedelta(days=8)
    day_counts = {eight_days_ago: {"lateShipmentRate:orders": 4, "lateShipmentRate:late": 1,
                                   "lateShipmentRate10Day:orders": 4, "lateShipmentRate10Day:late": 1,
                                   "preFulfillmentCancellationRate:orders": 4}}

    m = measures_by_key(day_counts)

    assert (m["lateShipmentRate"].denominator, m["lateShipmentRate10Day"].denominator) == (4, 4)
    assert m["preFulfillmentCancellationRate"].denominator == 0  # 7 days: eight days ago is out


def test_evaluate_returns_each_metrics_sums_beside_its_measures() -> None:
    day_counts = {AS_OF: {"lateShipmentRate:orders": 4, "lateShipmentRate:late": 1},
                  AS_OF - timedelta(days=14): {"validTrackingRate:valid": 1}}

    found = {metric.name: totals for metric, _, totals in evaluate(list(BUILT_IN), {}, day_counts, AS_OF)}

    assert found["lateShipmentRate"] == {"orders": 4, "late": 1}
    assert found["validTrackingRate"] == {"valid": 1}


# ---- the rating ----


def test_nothing_bad_rates_a_thousand_healthy_and_normal() -> None:
    found = rating([measure("orderDefectRate", Status.GOOD, "orderDefectRate.mfn"),
                    measure("lateShipmentRate", Status.NONE)], [], RULES)

    assert found == (1000, RatingBand.HEALTHY, AccountStatus.NORMAL)


def test_a_bad_order_defect_rate_alone_rates_150_at_risk() -> None:
    found = rating([measure("orderDefectRate", Status.BAD, "orderDefectRate.mfn"),
                    measure("orderDefectRate", Status.GOOD, "orderDefectRate.afn")], [], RULES)

    assert found == (150, RatingBand.AT_RISK, AccountStatus.AT_RISK)


def test_a_metric_bad_in_both_channels_loses_its_penalty_once() -> None:
    found = rating([measure("orderDefectRate", Status.BAD, "orderDefectRate.mfn"),
                    measure("orderDefectRate", Status.BAD, "orderDefectRate.afn")], [], RULES)

    assert found[0] == 150


def test_a_bad_late_shipment_rate_alone_rates_700_healthy_but_puts_the_account_at_risk() -> None:
    assert rating([measure("lateShipmentRate", Status.BAD)], [], RULES) == (
        700, RatingBand.HEALTHY, AccountStatus.AT_RISK)


def test_a_bad_metric_that_is_not_an_at_risk_metric_leaves_the_account_normal() -> None:
    assert rating([measure("lateShipmentRate10Day", Status.BAD)], [], RULES) == (
        850, RatingBand.HEALTHY, AccountStatus.NORMAL)
    assert rating([measure("validTrackingRate", Status.BAD), measure("onTimeDeliveryRate", Status.BAD)], [],
                  RULES) == (750, RatingBand.HEALTHY, AccountStatus.NORMAL)


def test_a_third_party_metric_loses_the_default_penalty() -> None:
    assert rating([measure("returnDissatisfactionRate", Status.BAD)], [], RULES)[0] == 900


def test_the_rating_floors_at_zero_and_unhealthy_deactivates() -> None:
    bad = [measure(name, Status.BAD) for name in ("orderDefectRate", "lateShipmentRate",
                                                  "preFulfillmentCancellationRate")]  # 1000 - 1450

    assert rating(bad, [], RULES) == (0, RatingBand.UNHEALTHY, AccountStatus.DEACTIVATED)


def test_each_open_policy_warning_costs_its_penalty() -> None:
    assert rating([], ["listingPolicyViolations", "intellectualProperty"], RULES) == (
        800, RatingBand.HEALTHY, AccountStatus.NORMAL)
    assert rating([measure("orderDefectRate", Status.BAD)], ["listingPolicyViolations"], RULES) == (
        50, RatingBand.UNHEALTHY, AccountStatus.DEACTIVATED)


def test_the_band_edges_are_200_healthy_and_100_at_risk() -> None:
    def with_warnings(n: int) -> tuple:
        return rating([], ["w"] * n, RULES)

    assert with_warnings(8) == (200, RatingBand.HEALTHY, AccountStatus.NORMAL)
    assert with_warnings(9) == (100, RatingBand.AT_RISK, AccountStatus.AT_RISK)
    assert with_warnings(10) == (0, RatingBand.UNHEALTHY, AccountStatus.DEACTIVATED)
    assert with_warnings(20) == (0, RatingBand.UNHEALTHY, AccountStatus.DEACTIVATED)


def test_the_rules_are_settings() -> None:
    rules = RatingRules(start=900, penalties={"lateShipmentRate": 50}, at_risk_metrics=[])

    assert rating([measure("lateShipmentRate", Status.BAD)], [], rules) == (
        850, RatingBand.HEALTHY, AccountStatus.NORMAL)
    assert RatingRules().penalties["orderDefectRate"] == 850  # the defaults are not shared with `rules`


# ---- the report ----


def health(day_counts: dict, warnings: list[str] | None = None) -> AccountHealth:
    return account_health(seller="acme", marketplace_id=MKT, as_of=NOW, from_history=False,
                          evaluated=evaluate(list(BUILT_IN), {}, day_counts, AS_OF), warnings=warnings or [],
                          rules=RULES)


DAY_COUNTS = {AS_OF - timedelta(days=2): {
    "orderDefectRate:orders.mfn": 200, "orderDefectRate:defects.mfn": 3, "orderDefectRate:claims.mfn": 2,
    "orderDefectRate:negativeFeedback.mfn": 1, "orderDefectRate:orders.afn": 50,
    "lateShipmentRate:orders": 40, "lateShipmentRate:late": 1,
    "lateShipmentRate10Day:orders": 40, "lateShipmentRate10Day:late": 1,
    "preFulfillmentCancellationRate:orders": 50, "preFulfillmentCancellationRate:canceled": 1,
    "onTimeDeliveryRate:tracked": 10, "onTimeDeliveryRate:onTime": 10,
}, AS_OF - timedelta(days=16): {"validTrackingRate:shipments": 20, "validTrackingRate:valid": 19}}


def test_the_account_health_carries_the_rating_status_and_every_measure() -> None:
    h = health(DAY_COUNTS)

    assert (h.seller, h.marketplace_id, h.as_of, h.from_history) == ("acme", MKT, NOW, False)
    assert (h.rating, h.rating_band, h.account_status) == (150, RatingBand.AT_RISK, AccountStatus.AT_RISK)
    assert [(m.key, m.status) for m in h.measures] == [
        ("orderDefectRate.mfn", Status.BAD), ("orderDefectRate.afn", Status.GOOD),
        ("lateShipmentRate", Status.GOOD), ("lateShipmentRate10Day", Status.GOOD),
        ("preFulfillmentCancellationRate", Status.GOOD), ("validTrackingRate", Status.GOOD),
        ("validTrackingRate7Day", Status.NONE), ("onTimeDeliveryRate", Status.GOOD), ("contactResponseRate7Day", Status.NONE),
        ("contactResponseRate30Day", Status.NONE), ("contactResponseRate90Day", Status.NONE)]


def test_the_report_is_shaped_like_the_marketplaces_account_health_report() -> None:
    report = health(DAY_COUNTS).report

    assert report["accountStatuses"] == [{"marketplaceId": MKT, "status": "AT_RISK"}]
    [doc] = report["performanceMetrics"]
    assert set(doc) == {"marketplaceId", "orderDefectRate", "lateShipmentRate", "lateShipmentRate10Day",
                        "preFulfillmentCancellationRate", "validTrackingRate", "validTrackingRate7Day",
                        "onTimeDeliveryRate",
                        "contactResponseRate7Day", "contactResponseRate30Day", "contactResponseRate90Day",
                        "warningStates", "accountHealthRating"}
    assert doc["marketplaceId"] == MKT
    mfn, afn = doc["orderDefectRate"]["mfn"], doc["orderDefectRate"]["afn"]
    assert mfn["reportingDateRange"] == {"reportingDateFrom": "2026-01-31T00:00Z",
                                         "reportingDateTo": "2026-03-31T23:59Z"}
    assert (mfn["orderCount"], mfn["orderWithDefects"], mfn["claims"]["count"], mfn["negativeFeedback"]["count"],
            mfn["chargebacks"]["count"]) == (200, {"count": 3, "status": "BAD"}, 2, 1, 0)
    assert (mfn["status"], mfn["rate"], mfn["targetValue"], mfn["targetCondition"], mfn["fulfillmentType"]) == (
        "BAD", 0.015, 0.01, "LESS_THAN", "mfn")
    assert (afn["orderCount"], afn["orderWithDefects"], afn["status"], afn["rate"], afn["fulfillmentType"]) == (
        50, {"count": 0, "status": "GOOD"}, "GOOD", 0.0, "afn")
    assert doc["lateShipmentRate"] == {
        "reportingDateRange": {"reportingDateFrom": "2026-03-02T00:00Z", "reportingDateTo": "2026-03-31T23:59Z"},
        "orderCount": 40, "lateShipmentCount": 1, "status": "GOOD", "rate": 0.025, "targetValue": 0.04,
        "targetCondition": "LESS_THAN"}
    assert doc["lateShipmentRate10Day"]["reportingDateRange"]["reportingDateFrom"] == "2026-03-22T00:00Z"
    cancel = doc["preFulfillmentCancellationRate"]
    assert (cancel["orderCount"], cancel["cancellationCount"], cancel["rate"], cancel["status"]) == (
        50, 1, 0.02, "GOOD")
    assert cancel["reportingDateRange"]["reportingDateFrom"] == "2026-03-25T00:00Z"
    vtr = doc["validTrackingRate"]
    assert (vtr["shipmentCount"], vtr["validTrackingCount"], vtr["rate"], vtr["status"], vtr["targetValue"],
            vtr["targetCondition"]) == (20, 19, 0.95, "GOOD", 0.95, "GREATER_THAN")
    otdr = doc["onTimeDeliveryRate"]
    assert (otdr["shipmentCountWithValidTracking"], otdr["onTimeDeliveryCount"], otdr["rate"], otdr["status"]) == (
        10, 10, 1.0, "GOOD")
    assert doc["warningStates"] == []
    assert doc["accountHealthRating"] == {
        "accountHealthRatingStatus": "WARNED",
        "reportingDateRange": {"reportingDateFrom": "2026-01-01T00:00Z",  # the 90-day contact response rate
                               "reportingDateTo": "2026-03-31T23:59Z"}}


def test_a_healthy_account_without_warnings_is_great_and_normal() -> None:
    h = health({})
    doc = h.report["performanceMetrics"][0]

    assert (h.rating, h.account_status) == (1000, AccountStatus.NORMAL)
    assert h.report["accountStatuses"] == [{"marketplaceId": MKT, "status": "NORMAL"}]
    assert doc["accountHealthRating"]["accountHealthRatingStatus"] == "GREAT"
    assert (doc["lateShipmentRate"]["status"], doc["lateShipmentRate"]["rate"]) == ("NONE", None)


def test_open_policy_warnings_are_the_reports_warning_states() -> None:
    h = health({}, warnings=["listingPolicyViolations"])
    doc = h.report["performanceMetrics"][0]

    assert (h.rating, h.warnings) == (900, ["listingPolicyViolations"])
    assert doc["warningStates"] == [{"warningType": "listingPolicyViolations", "status": "BAD"}]
    assert doc["accountHealthRating"]["accountHealthRatingStatus"] == "WARNED"


def test_an_account_with_every_metric_turned_off_reports_its_day_alone() -> None:
    off = {m.name: MetricSettings(enabled=False) for m in BUILT_IN}
    h = account_health(seller="acme", marketplace_id=MKT, as_of=NOW, from_history=False,
                       evaluated=evaluate(list(BUILT_IN), off, {}, AS_OF), warnings=[], rules=RULES)

    assert h.measures == [] and h.rating == 1000
    assert h.report["performanceMetrics"][0]["accountHealthRating"]["reportingDateRange"] == {
        "reportingDateFrom": "2026-03-31T00:00Z", "reportingDateTo": "2026-03-31T23:59Z"}


def test_the_account_health_survives_a_round_trip_through_json() -> None:
    h = health(DAY_COUNTS, warnings=["listingPolicyViolations"])

    assert msgspec.json.decode(msgspec.json.encode(h), type=AccountHealth) == h
