"""A seller's health from the day counters: measures, the Account Health Rating, the account status and
the report-shaped document (pure).

The rating rules are ours (Amazon publishes the bands, not the points; docs/domain.md, "Account Health Rating"): the rating starts at
`start` and loses a metric's penalty while any of its measures is BAD, and `warning_penalty` per open
policy warning, never below 0. Bands: `healthy_from` (200) and up is Healthy, `at_risk_from` (100) and
up At risk, below that Unhealthy. Status: DEACTIVATED when Unhealthy, AT_RISK when At risk or when one of
`at_risk_metrics` is BAD, else NORMAL. Every number is a setting (SELLEROPS_HEALTH_RATING__*).
"""

from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from sellerops.contracts.health import (
    AccountHealth, AccountStatus, Measure, MetricSettings, RatingBand, Status, Target,
)
from sellerops.health.domain.counting import sums
from sellerops.plugins.metrics import Metric, Window


class RatingRules(msgspec.Struct, frozen=True, kw_only=True):
    start: int = 1000
    penalties: dict[str, int] = msgspec.field(default_factory=lambda: {
        "orderDefectRate": 850, "lateShipmentRate": 300, "lateShipmentRate10Day": 150,
        "preFulfillmentCancellationRate": 300, "validTrackingRate": 150, "validTrackingRate7Day": 0,
        "onTimeDeliveryRate": 100,
        # Contact response is shown on the page but not part of the rating (Seller Central): no points.
        "contactResponseRate7Day": 0, "contactResponseRate30Day": 0, "contactResponseRate90Day": 0,
    })
    default_penalty: int = 100  # a metric without its own (a third-party plugin's)
    warning_penalty: int = 100
    healthy_from: int = 200
    at_risk_from: int = 100
    at_risk_metrics: list[str] = msgspec.field(
        default_factory=lambda: ["orderDefectRate", "preFulfillmentCancellationRate", "lateShipmentRate"])


def window(metric: Metric, override: MetricSettings | None, as_of: date) -> Window | None:
    """The metric's days ending on `as_of` and its target, with the seller's override; None if turned off."""
    o = override or MetricSettings()
    if o.enabled is False:
        return None
    days = o.window_days or metric.window_days
    target = Target(value=metric.target.value if o.target_value is None else o.target_value,
                    condition=o.target_condition or metric.target.condition)
    end = as_of - timedelta(days=lag_of(metric, o))
    return Window(days=days, date_from=end - timedelta(days=days - 1), date_to=end, target=target)


def lag_of(metric: Metric, override: MetricSettings | None) -> int:
    """Days between the as-of day and the window's end: the seller's override, else the metric's default."""
    lag = (override or MetricSettings()).lag_days
    return getattr(metric, "lag_days", 0) if lag is None else lag


def longest_window(metrics: list[Metric], overrides: dict[str, MetricSettings]) -> int:
    """The days an answer reads: the longest window, lag included."""
    return max(((overrides.get(m.name) or MetricSettings()).window_days or m.window_days)
               + lag_of(m, overrides.get(m.name)) for m in metrics) if metrics else 1


def evaluate(metrics: list[Metric], overrides: dict[str, MetricSettings], day_counts: dict[date, dict[str, int]],
             as_of: date) -> list[tuple[Metric, list[Measure], dict[str, int]]]:
    found = []
    for metric in metrics:
        w = window(metric, overrides.get(metric.name), as_of)
        if w is None:
            continue
        totals = sums(day_counts, metric.name, w.date_from, w.date_to)
        found.append((metric, metric.measure(totals, w), totals))
    return found


def rating(measures: list[Measure], warnings: list[str], rules: RatingRules) -> tuple[int, RatingBand, AccountStatus]:
    bad_metrics = {m.metric for m in measures if m.status is Status.BAD}
    points = rules.start - sum(rules.penalties.get(name, rules.default_penalty) for name in bad_metrics)
    points = max(0, min(1000, points - rules.warning_penalty * len(warnings)))
    if points >= rules.healthy_from:
        band = RatingBand.HEALTHY
    elif points >= rules.at_risk_from:
        band = RatingBand.AT_RISK
    else:
        band = RatingBand.UNHEALTHY
    if band is RatingBand.UNHEALTHY:
        status = AccountStatus.DEACTIVATED
    elif band is RatingBand.AT_RISK or bad_metrics & set(rules.at_risk_metrics):
        status = AccountStatus.AT_RISK
    else:
        status = AccountStatus.NORMAL
    return points, band, status


def account_health(*, seller: str, marketplace_id: str, as_of: datetime, from_history: bool,
                   evaluated: list[tuple[Metric, list[Measure], dict[str, int]]], warnings: list[str],
                   rules: RatingRules, why: dict[str, list[str]] | None = None,
                   reported: tuple[AccountStatus, datetime] | None = None) -> AccountHealth:
    """The health document. `reported` is the status the marketplace last reported: the report's
    accountStatuses show it, as the marketplace's own report would, and the computed status stays beside it."""
    measures = [m for _, ms, _ in evaluated for m in ms]
    points, band, status = rating(measures, warnings, rules)
    metrics_doc: dict[str, Any] = {"marketplaceId": marketplace_id}
    for metric, ms, totals in evaluated:
        metrics_doc.update(metric.section(ms, totals))
    start = min((m.date_from for m in measures), default=as_of.date())
    metrics_doc["warningStates"] = [{"warningType": w, "status": "BAD"} for w in warnings]
    metrics_doc["accountHealthRating"] = {
        "accountHealthRatingStatus": "GREAT" if band is RatingBand.HEALTHY and not warnings else "WARNED",
        "reportingDateRange": {"reportingDateFrom": f"{start.isoformat()}T00:00Z",
                               "reportingDateTo": f"{as_of.date().isoformat()}T23:59Z"},
    }
    shown = reported[0] if reported is not None else status
    report = {"accountStatuses": [{"marketplaceId": marketplace_id, "status": shown.value}],
              "performanceMetrics": [metrics_doc]}
    return AccountHealth(seller=seller, marketplace_id=marketplace_id, as_of=as_of, from_history=from_history,
                         account_status=status, rating=points, rating_band=band, measures=measures,
                         warnings=warnings, report=report, why=why or {},
                         marketplace_status=reported[0] if reported else None,
                         marketplace_status_at=reported[1] if reported else None)
