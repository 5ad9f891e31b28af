"""Red flags: a metric crossing its target, coming back, or heading for it; the account status moving (pure).

The watch remembers each measure's last status, so a crossing is published once (GOOD or NONE to BAD),
not on every later event, and a recovery once when it comes back. The forecast fits the change of the
rate over the last `trend_days`: a GOOD measure whose rate, at that pace, crosses its target within
`forecast_days` is announced once per approach (again only after the forecast stopped holding). Event
ids come from the seller, marketplace, measure and the crossing's number, so replicas evaluating the same
change publish the same ids and JetStream keeps one.
"""

from datetime import datetime
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import (
    AccountHealth, AccountStatus, AccountStatusChanged, Measure, MetricBreached, MetricBreachForecast,
    MetricRecovered, Status, TargetCondition,
)
from sellerops.runtime.decisions import Cause, stamp


class Watch(msgspec.Struct, frozen=True, kw_only=True):
    statuses: dict[str, Status] = {}
    forecast: list[str] = []  # measures announced as heading for their target
    crossings: dict[str, int] = {}  # measure -> number of status changes published (for event ids)
    forecasts: dict[str, int] = {}  # measure -> number of forecasts published
    account: AccountStatus = AccountStatus.NORMAL
    account_changes: int = 0
    evaluated_at: datetime | None = None


class ForecastRules(msgspec.Struct, frozen=True, kw_only=True):
    forecast_days: float = 7.0
    trend_days: int = 7
    min_denominator: int = 20  # fewer orders than this: too noisy to forecast


def days_to_cross(measure: Measure, trend_per_day: float) -> float | None:
    """Days until the rate reaches the target at `trend_per_day`; None when it is not heading there."""
    if measure.rate is None or measure.status is not Status.GOOD:
        return None
    gap = measure.target.value - measure.rate
    if measure.target.condition is TargetCondition.LESS_THAN and trend_per_day > 0:
        return gap / trend_per_day
    if measure.target.condition is TargetCondition.GREATER_THAN and trend_per_day < 0:
        return gap / trend_per_day
    return None


def trends(now: list[Measure], then: list[Measure], days: int) -> dict[str, float]:
    before = {m.key: m.rate for m in then}
    return {m.key: (m.rate - rate) / days for m in now
            if m.rate is not None and (rate := before.get(m.key)) is not None}


def _fields(m: Measure, marketplace_id: str) -> dict[str, Any]:
    return {"key": m.key, "marketplace_id": marketplace_id, "title": m.title, "rate": m.rate, "target": m.target,
            "numerator": m.numerator, "denominator": m.denominator, "window_days": m.window_days}


def watch(previous: Watch | None, health: AccountHealth, trend: dict[str, float], *, rules: ForecastRules,
          at: datetime) -> tuple[Watch, list[Event]]:
    w = previous or Watch()
    seller, mkt = health.seller, health.marketplace_id
    events: list[Event] = []
    statuses, crossings, forecast, forecasts = dict(w.statuses), dict(w.crossings), list(w.forecast), dict(w.forecasts)
    for m in health.measures:
        was = w.statuses.get(m.key, Status.NONE)
        kind = (MetricBreached if m.status is Status.BAD and was is not Status.BAD else
                MetricRecovered if was is Status.BAD and m.status is not Status.BAD else None)
        if kind is not None:
            n = crossings.get(m.key, 0) + 1
            crossings[m.key] = n
            cause = Cause(f"health/{seller}/{mkt}/{m.key}/crossing/{n}")
            events.append(kind(**stamp(cause, kind, seller, at), **_fields(m, mkt)))
        statuses[m.key] = m.status
        days = days_to_cross(m, trend.get(m.key, 0.0)) if m.denominator >= rules.min_denominator else None
        heading = days is not None and days <= rules.forecast_days
        if heading and m.key not in forecast:
            assert days is not None, "heading: a forecast of days"
            forecast.append(m.key)
            forecasts[m.key] = forecasts.get(m.key, 0) + 1
            cause = Cause(f"health/{seller}/{mkt}/{m.key}/forecast/{forecasts[m.key]}")
            events.append(MetricBreachForecast(**stamp(cause, MetricBreachForecast, seller, at), **_fields(m, mkt),
                                               within_days=round(days, 2), trend_per_day=trend[m.key]))
        elif not heading and m.key in forecast:
            forecast.remove(m.key)
    account, changes = w.account, w.account_changes
    if health.account_status is not w.account:
        changes += 1
        cause = Cause(f"health/{seller}/{mkt}/account/{changes}")
        events.append(AccountStatusChanged(
            **stamp(cause, AccountStatusChanged, seller, at), marketplace_id=mkt, previous=w.account,
            current=health.account_status, rating=health.rating, rating_band=health.rating_band,
            bad=[m.key for m in health.measures if m.status is Status.BAD]))
        account = health.account_status
    return Watch(statuses=statuses, forecast=forecast, crossings=crossings, forecasts=forecasts, account=account,
                 account_changes=changes, evaluated_at=at), events
