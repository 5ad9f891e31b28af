"""The health service's events (stream HEALTH)."""

from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event
from sellerops.contracts.health.report import AccountStatus, RatingBand, Target


class _MetricEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "health"
    entity: ClassVar[str] = "metric"
    key_field: ClassVar[str] = "key"

    key: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]  # the measure's key
    marketplace_id: str
    title: str
    rate: float | None
    target: Target
    numerator: Count
    denominator: Count
    window_days: int


class MetricBreached(_MetricEvent, frozen=True, kw_only=True, tag="health.metric_breached.v1"):
    """A metric crossed its target (GOOD -> BAD): published once for the crossing."""

    fact: ClassVar[str] = "breached"


class MetricRecovered(_MetricEvent, frozen=True, kw_only=True, tag="health.metric_recovered.v1"):
    """A breached metric is back within its target (BAD -> GOOD or NONE)."""

    fact: ClassVar[str] = "recovered"


class MetricBreachForecast(_MetricEvent, frozen=True, kw_only=True, tag="health.metric_breach_forecast.v1"):
    """At the current trend the metric crosses its target within `within_days` (once per approach)."""

    fact: ClassVar[str] = "breach_forecast"

    within_days: float
    trend_per_day: float  # change of the rate per day over the trend window


class AccountStatusChanged(Event, frozen=True, kw_only=True, tag="health.account_status_changed.v1"):
    """The account status moved (ACCOUNT_STATUS_CHANGED's previous and current status)."""

    source: ClassVar[str] = "health"
    entity: ClassVar[str] = "account"
    fact: ClassVar[str] = "status_changed"
    key_field: ClassVar[str] = "marketplace_id"

    marketplace_id: str
    previous: AccountStatus
    current: AccountStatus
    rating: int
    rating_band: RatingBand
    bad: list[str] = []  # the measures that are BAD
