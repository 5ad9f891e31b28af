"""The account-health report, shaped like the marketplace's (accountHealthReport-2020-11-18)."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event
from sellerops.contracts.market import DEFAULT_MARKETPLACE, MarketplaceId
from sellerops.contracts.schema import SchemaStruct


class Status(str, Enum):
    GOOD = "GOOD"
    BAD = "BAD"
    NONE = "NONE"  # nothing to measure in the window


class TargetCondition(str, Enum):
    LESS_THAN = "LESS_THAN"
    GREATER_THAN = "GREATER_THAN"
    EQUALS = "EQUALS"


class Target(SchemaStruct, frozen=True, kw_only=True):
    """Seller Central states targets as "under 1%" and "at least 95%": LESS_THAN is strict, GREATER_THAN
    is read as at least (a Valid Tracking Rate of exactly 95% is GOOD)."""

    value: float
    condition: TargetCondition

    def met(self, rate: float) -> bool:
        if self.condition is TargetCondition.LESS_THAN:
            return rate < self.value
        if self.condition is TargetCondition.GREATER_THAN:
            return rate >= self.value
        return rate == self.value


class AccountStatus(str, Enum):
    NORMAL = "NORMAL"
    AT_RISK = "AT_RISK"
    DEACTIVATED = "DEACTIVATED"


class AccountStatusReported(Event, frozen=True, kw_only=True, tag="market.account_status_reported.v1"):
    """The marketplace reported the account's status (SP-API ACCOUNT_STATUS_CHANGED, the report's
    accountStatuses): the marketplace's own decision, which may differ from the status sellerops computes
    from the metrics (a policy matter the metrics do not show, a review, a reinstatement)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "account"
    fact: ClassVar[str] = "status_reported"
    key_field: ClassVar[str] = "marketplace_id"

    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    status: AccountStatus
    previous: AccountStatus | None = None


class RatingBand(str, Enum):
    HEALTHY = "Healthy"  # 200-1000
    AT_RISK = "AtRisk"  # 100-199
    UNHEALTHY = "Unhealthy"  # 0-99


class Measure(SchemaStruct, frozen=True, kw_only=True):
    """One number with a status: a metric, or one part of it (ODR is measured for mfn and afn apart)."""

    key: str  # "orderDefectRate.mfn", "lateShipmentRate", ...
    metric: str  # the plugin's name
    title: str
    window_days: int
    date_from: date
    date_to: date  # inclusive
    numerator: Count
    denominator: Count
    rate: float | None  # None when the denominator is 0
    status: Status
    target: Target


class MetricSettings(SchemaStruct, frozen=True, kw_only=True):
    """A seller's (and marketplace's) override of a metric's defaults; unset fields keep the default."""

    window_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    # the window ends this many days before the as-of day (the marketplace's own delay, e.g. ~2 weeks for
    # Valid Tracking Rate); None keeps the metric's default
    lag_days: Annotated[int, msgspec.Meta(ge=0, le=90)] | None = None
    target_value: float | None = None
    target_condition: TargetCondition | None = None
    enabled: bool | None = None


class AccountHealth(SchemaStruct, frozen=True, kw_only=True):
    """A seller's health in one marketplace: the report-shaped document plus what sellerops adds."""

    seller: str
    marketplace_id: str
    as_of: datetime
    from_history: bool  # computed by replaying the streams (time travel), not from the live counters
    account_status: AccountStatus  # computed from the metrics and warnings by the rating rules
    rating: Annotated[int, msgspec.Meta(ge=0, le=1000)]
    rating_band: RatingBand
    measures: list[Measure]
    warnings: list[str] = []  # open policy warning types
    report: dict[str, Any]  # {"accountStatuses": [...], "performanceMetrics": [...]} as the marketplace writes it
    why: dict[str, list[str]] = {}  # time travel: counter ("orderDefectRate:defects.mfn") -> its orders (first 50)
    marketplace_status: AccountStatus | None = None  # the status the marketplace last reported, if it has
    marketplace_status_at: datetime | None = None
