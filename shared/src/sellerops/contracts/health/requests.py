"""Requests served by the health service."""

from datetime import date

from sellerops.contracts.envelope import Id, Timestamp
from sellerops.contracts.health.facts import OrderFacts
from sellerops.contracts.health.report import MetricSettings, Target
from sellerops.contracts.market import DEFAULT_MARKETPLACE, MarketplaceId
from sellerops.contracts.schema import SchemaStruct


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
