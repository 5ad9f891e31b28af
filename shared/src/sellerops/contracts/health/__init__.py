"""Account health: the market facts it needs beyond orders and claims, the per-order facts metric plugins
count from, the report, and the health service's events and requests (docs/domain.md, "Account health").

The report mirrors the marketplace's account-health report (GET_V2_SELLER_PERFORMANCE_REPORT, schema
accountHealthReport-2020-11-18): camelCase keys, `rate` as a fraction, `status` GOOD | BAD | NONE,
`targetValue` and `targetCondition`, a `reportingDateRange` per metric, so a tool that reads one reads
the other. Metric plugins write their own section of it.
"""

# Every name the module had before it became a package, so `from sellerops.contracts.health import X` keeps working.
from sellerops.contracts.health.events import (
    AccountStatusChanged, MetricBreachForecast, MetricBreached, MetricRecovered,
)
from sellerops.contracts.health.facts import (
    ClaimFacts, Comment, FeedbackFacts, FeedbackReceived, FeedbackRemoved, MessageFacts, OrderFacts,
    OrderPackageScanned, PackageFacts, PolicyWarningReported, PolicyWarningResolved,
)
from sellerops.contracts.health.report import (
    AccountHealth, AccountStatus, AccountStatusReported, Measure, MetricSettings, RatingBand, Status, Target,
    TargetCondition,
)
from sellerops.contracts.health.requests import (
    GetAccountHealth, ListMetrics, MetricCatalog, MetricInfo, OrderHealthRef, OrderHealthView, SetMetricSettings,
)
from sellerops.contracts.market import DEFAULT_MARKETPLACE, FulfillmentChannel, MarketplaceId
from sellerops.contracts.returns import ClaimKind

__all__ = [
    "AccountHealth", "AccountStatus", "AccountStatusChanged", "AccountStatusReported", "ClaimFacts",
    "ClaimKind", "Comment", "DEFAULT_MARKETPLACE", "FeedbackFacts", "FeedbackReceived", "FeedbackRemoved",
    "FulfillmentChannel", "GetAccountHealth", "ListMetrics", "MarketplaceId", "Measure", "MessageFacts",
    "MetricBreachForecast", "MetricBreached", "MetricCatalog", "MetricInfo", "MetricRecovered",
    "MetricSettings", "OrderFacts", "OrderHealthRef", "OrderHealthView", "OrderPackageScanned", "PackageFacts",
    "PolicyWarningReported", "PolicyWarningResolved", "RatingBand", "SetMetricSettings", "Status", "Target",
    "TargetCondition",
]
