"""Account health: the market facts it needs beyond orders and claims, the per-order facts metric plugins
count from, the report, and the health service's events and requests (docs/domain.md, "Account health").

The report mirrors the marketplace's account-health report (GET_V2_SELLER_PERFORMANCE_REPORT, schema
accountHealthReport-2020-11-18): camelCase keys, `rate` as a fraction, `status` GOOD | BAD | NONE,
`targetValue` and `targetCondition`, a `reportingDateRange` per metric, so a tool that reads one reads
the other. Metric plugins write their own section of it.
"""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, Timestamp
from sellerops.contracts.market import DEFAULT_MARKETPLACE, FulfillmentChannel, MarketplaceId
from sellerops.contracts.returns import ClaimKind
from sellerops.contracts.schema import SchemaStruct

Comment = Annotated[str, msgspec.Meta(max_length=4000)]


# ---- market facts ----


class FeedbackReceived(Event, frozen=True, kw_only=True, tag="market.feedback_received.v1"):
    """A buyer left seller feedback on an order (1-5 stars; 1-2 is negative). One per order: a later one
    replaces it (GET_SELLER_FEEDBACK_DATA)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "feedback"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Comment | None = None
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE


class FeedbackRemoved(Event, frozen=True, kw_only=True, tag="market.feedback_removed.v1"):
    """The feedback on an order was removed (by the buyer, or by Amazon): it no longer counts."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "feedback"
    fact: ClassVar[str] = "removed"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    reason: Comment | None = None


class OrderPackageScanned(Event, frozen=True, kw_only=True, tag="market.order_package_scanned.v1"):
    """A carrier scanned a package of an order: its tracking number is valid (the Valid Tracking Rate)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "package_scanned"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    carrier_code: str | None = None
    scan: Annotated[str, msgspec.Meta(max_length=64)] | None = None  # the carrier's event, e.g. "In transit"


class PolicyWarningReported(Event, frozen=True, kw_only=True, tag="market.policy_warning_reported.v1"):
    """The marketplace reported a policy warning (the report's warningStates / listing-violation metrics)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "policy_warning"
    fact: ClassVar[str] = "reported"
    key_field: ClassVar[str] = "warning_id"

    warning_id: Id
    warning_type: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]  # e.g. listingPolicyViolations
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    detail: Comment | None = None


class PolicyWarningResolved(Event, frozen=True, kw_only=True, tag="market.policy_warning_resolved.v1"):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "policy_warning"
    fact: ClassVar[str] = "resolved"
    key_field: ClassVar[str] = "warning_id"

    warning_id: Id
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE


# ---- what metric plugins count from ----


class PackageFacts(SchemaStruct, frozen=True, kw_only=True):
    number: int
    tracking_number: str
    carrier_code: str
    confirmed_at: datetime
    scanned_at: datetime | None = None  # first carrier scan seen: the tracking is valid
    delivered_at: datetime | None = None


class ClaimFacts(SchemaStruct, frozen=True, kw_only=True):
    claim_id: str
    kind: ClaimKind
    counts_as_defect: bool
    filed_at: datetime


class FeedbackFacts(SchemaStruct, frozen=True, kw_only=True):
    rating: int
    at: datetime
    comment: str | None = None
    removed_at: datetime | None = None


class MessageFacts(SchemaStruct, frozen=True, kw_only=True):
    """A buyer message about the order and what became of its reply clock (the notifications service's
    buyer_message events)."""

    message_id: str
    received_at: datetime
    reply_due_at: datetime
    replied_at: datetime | None = None
    response_seconds: int | None = None  # from receipt to the reply
    within_deadline: bool | None = None  # the reply came by the seller's reply deadline
    no_response_needed: bool = False  # marked so by the seller: it leaves the contact-response metric
    missed: bool = False  # the deadline passed with no reply (it may still come, late)


class OrderFacts(SchemaStruct, frozen=True, kw_only=True):
    """Everything the health service has seen about one order, as metric plugins read it."""

    order_id: str
    seller: str
    marketplace_id: str = DEFAULT_MARKETPLACE
    channel: FulfillmentChannel | None = None
    purchased_at: datetime | None = None  # the order date; None until the order itself is seen
    latest_ship_date: datetime | None = None
    latest_delivery_date: datetime | None = None  # the promised delivery date
    shipped_at: datetime | None = None  # first package confirmed
    late_shipment: bool = False  # confirmed after the latest ship date, or the date passed unconfirmed
    canceled_at: datetime | None = None
    canceled_by: str | None = None
    cancel_counts: bool = False  # seller-faulted: enters the cancel rate
    packages: list[PackageFacts] = []
    claims: list[ClaimFacts] = []
    feedback: FeedbackFacts | None = None
    messages: list[MessageFacts] = []  # by message id

    def negative_feedback(self) -> bool:
        return self.feedback is not None and self.feedback.removed_at is None and self.feedback.rating <= 2

    def claims_counting(self, kind: ClaimKind) -> list[ClaimFacts]:
        return [c for c in self.claims if c.kind is kind and c.counts_as_defect]


# ---- the report ----


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


# ---- events (stream HEALTH) ----


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


# ---- requests ----


class GetAccountHealth(SchemaStruct, frozen=True, kw_only=True):
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    as_of: Timestamp | None = None  # None: now; a past time: computed from history (time travel)


class MetricInfo(SchemaStruct, frozen=True, kw_only=True):
    name: str
    title: str
    definition: str
    window_days: int
    target: Target
    enabled: bool
    overridden: bool
    lag_days: int = 0  # the window ends this many days before the as-of day


class MetricCatalog(SchemaStruct, frozen=True, kw_only=True):
    seller: str
    marketplace_id: str
    metrics: list[MetricInfo]


class ListMetrics(SchemaStruct, frozen=True, kw_only=True):
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE


class SetMetricSettings(SchemaStruct, frozen=True, kw_only=True):
    """Override metric windows and targets for the seller in one marketplace (replaces earlier overrides)."""

    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    metrics: dict[str, MetricSettings]


class OrderHealthRef(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id


class OrderHealthView(SchemaStruct, frozen=True, kw_only=True):
    facts: OrderFacts
    counted: list[tuple[date, str]]  # the counters this order adds to, by day

