"""Red flags: a crossing and a recovery published once each, the account status moving once, the breach
forecast once per approach, and event ids that replicas agree on."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sellerops.contracts.health import (
    AccountHealth, AccountStatus, AccountStatusChanged, Measure, MetricBreached, MetricBreachForecast,
    MetricRecovered, RatingBand, Status, Target, TargetCondition,
)
from sellerops.health.domain.alerts import ForecastRules, Watch, days_to_cross, trends, watch
from sellerops.health.domain.report import RatingRules, rating

UNDER, AT_LEAST = TargetCondition.LESS_THAN, TargetCondition.GREATER_THAN
MKT = "ATVPDKIKX0DER"
AT = datetime(2026, 3, 31, 18, tzinfo=UTC)
HOUR = timedelta(hours=1)
RULES = ForecastRules()
ODR_TARGET = Target(value=0.01, condition=UNDER)
VTR_TARGET = Target(value=0.95, condition=AT_LEAST)


def measure(rate: float | None, key: str = "orderDefectRate.mfn", denominator: int = 200,
            target: Target = ODR_TARGET) -> Measure:
    status = Status.NONE if rate is None else Status.GOOD if target.met(rate) else Status.BAD
    metric = key.split(".")[0]
    return Measure(key=key, metric=metric, title=f"{metric} title", window_days=60, date_from=date(2026, 1, 31),
                   date_to=date(2026, 3, 31), numerator=round((rate or 0) * denominator),
                   denominator=0 if rate is None else denominator, rate=rate, status=status, target=target)


def health(*measures: Measure, seller: str = "acme") -> AccountHealth:
    points, band, status = rating(list(measures), [], RatingRules())
    return AccountHealth(seller=seller, marketplace_id=MKT, as_of=AT, from_history=False, account_status=status,
                         rating=points, rating_band=band, measures=list(measures), report={})


def metric_events(events: list) -> list:
    return [e for e in events if not isinstance(e, AccountStatusChanged)]


def run(*healths: AccountHealth, trend: dict | None = None) -> tuple[Watch, list[list]]:
    """The watch after each health in turn, an hour apart, and the events each produced."""
    w, out = None, []
    for n, h in enumerate(healths):
        w, events = watch(w, h, trend or {}, rules=RULES, at=AT + n * HOUR)
        out.append(events)
    return w, out


# ---- crossings ----


def test_a_metric_seen_good_first_publishes_nothing() -> None:
    w, [events] = run(health(measure(0.005)))

    assert events == [] and w.statuses == {"orderDefectRate.mfn": Status.GOOD}


def test_a_crossing_is_published_once() -> None:
    _, [first, second] = run(health(measure(0.005)), health(measure(0.015)))
    _, [_, _, again] = run(health(measure(0.005)), health(measure(0.015)), health(measure(0.02)))

    [breached] = metric_events(second)
    assert first == [] and metric_events(again) == []
    assert isinstance(breached, MetricBreached)
    assert (breached.key, breached.marketplace_id, breached.title, breached.rate, breached.target) == (
        "orderDefectRate.mfn", MKT, "orderDefectRate title", 0.015, ODR_TARGET)
    assert (breached.numerator, breached.denominator, breached.window_days) == (3, 200, 60)
    assert (breached.seller, breached.occurred_at) == ("acme", AT + HOUR)


def test_evaluating_twice_with_the_metric_bad_publishes_one_breach() -> None:
    bad = health(measure(0.015))

    _, [first, second] = run(bad, bad)

    assert [type(e) for e in metric_events(first)] == [MetricBreached]
    assert metric_events(second) == []


def test_a_metric_with_nothing_to_measure_that_goes_bad_is_a_crossing() -> None:
    _, [_, events] = run(health(measure(None)), health(measure(0.5)))

    assert [type(e) for e in metric_events(events)] == [MetricBreached]


def test_a_recovery_is_published_once() -> None:
    _, [_, recovered, again] = run(health(measure(0.015)), health(measure(0.005)), health(measure(0.004)))

    [event] = metric_events(recovered)
    assert isinstance(event, MetricRecovered) and (event.key, event.rate) == ("orderDefectRate.mfn", 0.005)
    assert metric_events(again) == []


def test_a_bad_metric_left_with_nothing_to_measure_has_recovered() -> None:
    _, [_, events] = run(health(measure(0.5)), health(measure(None)))

    assert [type(e) for e in metric_events(events)] == [MetricRecovered]


def test_a_good_metric_left_with_nothing_to_measure_publishes_nothing() -> None:
    _, [_, events] = run(health(measure(0.005)), health(measure(None)))

    assert events == []


def test_each_measure_crosses_on_its_own() -> None:
    mfn_bad = health(measure(0.015), measure(0.0, "orderDefectRate.afn"))
    both_bad = health(measure(0.015), measure(0.02, "orderDefectRate.afn"))

    _, [first, second] = run(mfn_bad, both_bad)

    assert [e.key for e in metric_events(first)] == ["orderDefectRate.mfn"]
    assert [e.key for e in metric_events(second)] == ["orderDefectRate.afn"]


# ---- the account status ----


def test_an_account_status_change_is_published_once() -> None:
    bad = health(measure(0.015))

    w, [first, second] = run(bad, bad)

    [changed] = [e for e in first if isinstance(e, AccountStatusChanged)]
    assert (changed.marketplace_id, changed.previous, changed.current) == (MKT, AccountStatus.NORMAL,
                                                                            AccountStatus.AT_RISK)
    assert (changed.rating, changed.rating_band, changed.bad) == (150, RatingBand.AT_RISK, ["orderDefectRate.mfn"])
    assert [e for e in second if isinstance(e, AccountStatusChanged)] == []
    assert (w.account, w.account_changes) == (AccountStatus.AT_RISK, 1)


def test_an_account_back_to_normal_is_a_second_change() -> None:
    _, [_, back] = run(health(measure(0.015)), health(measure(0.005)))

    [changed] = [e for e in back if isinstance(e, AccountStatusChanged)]
    assert (changed.previous, changed.current, changed.rating, changed.bad) == (
        AccountStatus.AT_RISK, AccountStatus.NORMAL, 1000, [])


def test_a_normal_account_seen_first_publishes_no_status_change() -> None:
    w, [events] = run(health(measure(0.005)))

    assert events == [] and (w.account, w.account_changes, w.evaluated_at) == (AccountStatus.NORMAL, 0, AT)


# ---- the forecast ----


def test_days_to_cross_are_the_gap_over_the_trend() -> None:
    assert days_to_cross(measure(0.005), 0.001) == pytest.approx(5.0)  # (0.01 - 0.005) / 0.001
    assert days_to_cross(measure(0.99, "validTrackingRate", target=VTR_TARGET), -0.01) == pytest.approx(4.0)


def test_a_measure_not_heading_for_its_target_never_crosses() -> None:
    assert days_to_cross(measure(0.005), 0.0) is None
    assert days_to_cross(measure(0.005), -0.001) is None  # improving
    assert days_to_cross(measure(0.99, "validTrackingRate", target=VTR_TARGET), 0.01) is None
    assert days_to_cross(measure(0.015), 0.001) is None  # already bad
    assert days_to_cross(measure(None), 0.001) is None


def test_a_trend_is_the_change_of_the_rate_per_day() -> None:
    now = [measure(0.008), measure(0.9, "validTrackingRate", target=VTR_TARGET), measure(0.01, "lateShipmentRate")]
    then = [measure(0.001), measure(None, "validTrackingRate", target=VTR_TARGET)]

    found = trends(now, then, 7)

    assert found == {"orderDefectRate.mfn": pytest.approx(0.001)}  # (0.008 - 0.001) / 7; the others unknown


def test_the_forecast_fires_once_while_the_trend_holds() -> None:
    heading = health(measure(0.005))

    w, [first, second] = run(heading, heading, trend={"orderDefectRate.mfn": 0.001})

    [forecast] = first
    assert isinstance(forecast, MetricBreachForecast)
    assert (forecast.key, forecast.within_days, forecast.trend_per_day, forecast.rate) == (
        "orderDefectRate.mfn", 5.0, 0.001, 0.005)
    assert second == [] and w.forecast == ["orderDefectRate.mfn"]


def test_the_forecast_fires_again_only_after_it_stopped_holding_and_came_back() -> None:
    heading, rate = health(measure(0.005)), {"orderDefectRate.mfn": 0.001}
    w, first = watch(None, heading, rate, rules=RULES, at=AT)
    w, again = watch(w, heading, rate, rules=RULES, at=AT + HOUR)
    w, flat = watch(w, heading, {"orderDefectRate.mfn": 0.0}, rules=RULES, at=AT + 2 * HOUR)
    assert w.forecast == []
    w, back = watch(w, heading, rate, rules=RULES, at=AT + 3 * HOUR)

    assert [type(e) for e in first] == [MetricBreachForecast]
    assert again == [] and flat == []
    [second] = back
    assert isinstance(second, MetricBreachForecast) and second.event_id != first[0].event_id
    assert w.forecasts == {"orderDefectRate.mfn": 2}


def test_no_forecast_beyond_the_forecast_days_or_on_too_few_orders() -> None:
    slow = {"orderDefectRate.mfn": 0.0005}  # 10 days away
    _, [far] = run(health(measure(0.005)), trend=slow)
    _, [few] = run(health(measure(0.05, denominator=19, target=Target(value=0.1, condition=UNDER))),
                   trend={"orderDefectRate.mfn": 0.01})

    assert far == [] and few == []


def test_a_forecast_at_exactly_the_forecast_days_fires() -> None:
    half = Target(value=0.5, condition=UNDER)  # binary fractions: (0.5 - 0.0625) / 0.0625 is exactly 7
    _, [events] = run(health(measure(0.0625, target=half)), trend={"orderDefectRate.mfn": 0.0625})

    [event] = events
    assert isinstance(event, MetricBreachForecast) and event.within_days == 7.0


def test_a_falling_rate_with_an_at_least_target_is_forecast() -> None:
    vtr = measure(0.99, "validTrackingRate", target=VTR_TARGET)

    _, [[event]] = run(health(vtr), trend={"validTrackingRate": -0.01})

    assert (event.key, event.within_days, event.trend_per_day) == ("validTrackingRate", 4.0, -0.01)


def test_a_forecast_measure_that_crosses_is_breached_and_no_longer_forecast() -> None:
    rate = {"orderDefectRate.mfn": 0.001}
    w, _ = watch(None, health(measure(0.005)), rate, rules=RULES, at=AT)

    w, events = watch(w, health(measure(0.012)), rate, rules=RULES, at=AT + HOUR)

    assert [type(e) for e in metric_events(events)] == [MetricBreached]
    assert w.forecast == []


# ---- event ids ----


def test_the_same_change_gets_the_same_event_ids() -> None:
    previous, _ = watch(None, health(measure(0.005)), {}, rules=RULES, at=AT)
    bad = health(measure(0.015))

    _, one = watch(previous, bad, {}, rules=RULES, at=AT + HOUR)
    _, other = watch(previous, bad, {}, rules=RULES, at=AT + 2 * HOUR)  # another replica, a little later

    assert [e.event_id for e in one] == [e.event_id for e in other]
    assert len({e.event_id for e in one}) == len(one) == 2  # the breach and the status change


def test_a_second_crossing_and_another_seller_get_other_event_ids() -> None:
    _, batches = run(health(measure(0.015)), health(measure(0.005)), health(measure(0.015)))
    _, [their_batch] = run(health(measure(0.015), seller="other"))

    breaches = [e for batch in batches for e in batch if isinstance(e, MetricBreached)]
    [theirs] = [e for e in their_batch if isinstance(e, MetricBreached)]
    assert len(breaches) == 2 and breaches[0].event_id != breaches[1].event_id
    assert theirs.event_id != breaches[0].event_id
