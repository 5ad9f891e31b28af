"""The composition root: binds handlers to real adapters, or to the fakes a test passes in."""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from nats.js.errors import NoKeysError
from prometheus_client import CollectorRegistry, Gauge

from sellerops.contracts.health import AccountHealth, GetAccountHealth, Status
from sellerops.health import handlers
from sellerops.health.adapters import WATCHES, history_reader, stores
from sellerops.health.domain.alerts import ForecastRules, Watch
from sellerops.health.domain.facts import Delta
from sellerops.health.domain.report import RatingRules
from sellerops.health.ports import Clock, History, Publisher
from sellerops.health.settings import HealthSettings
from sellerops.plugins.loader import load
from sellerops.plugins.metrics import Metric, registry
from sellerops.runtime.effects import PendingEffects
from sellerops.runtime.host import Resources
from sellerops.runtime.observability import HttpRoute, request_route
from sellerops.runtime.routes import Dependencies
from sellerops.runtime.service import Built

STATUS_VALUE = {Status.GOOD: 0.0, Status.BAD: 1.0, Status.NONE: -1.0}


def load_metrics(allow: list[str] | None = None) -> list[Metric]:
    return list(load(registry().group, registry(), allow=allow or ()))


def rules_of(settings: HealthSettings) -> tuple[RatingRules, ForecastRules]:
    r, f = settings.rating, settings.forecast
    return (RatingRules(start=r.start, penalties=r.penalties, default_penalty=r.default_penalty,
                        warning_penalty=r.warning_penalty, healthy_from=r.healthy_from, at_risk_from=r.at_risk_from,
                        at_risk_metrics=r.at_risk_metrics),
            ForecastRules(forecast_days=f.forecast_days, trend_days=f.trend_days, min_denominator=f.min_denominator))


def build(*, stores: dict, publish: Publisher, clock: Clock, metrics: list[Metric], rules: RatingRules,
          forecast: ForecastRules, history: History, history_after: timedelta = timedelta(minutes=5),
          deadline_clock: Clock | None = None, gauges: Callable[[AccountHealth], None] | None = None,
          every_s: float = 2.0, all_every_s: float = 3600.0,
          known: Callable[[], Awaitable[list[tuple[str, str]]]] | None = None) -> tuple[Dependencies, handlers.Checker]:
    """What the handlers take, by parameter name, and the checker of red flags. `clock` answers questions; red
    flags are checked by `deadline_clock` (event time). The orders' day changes and the watches' red flags are
    pending effects of their records (runtime.effects)."""
    days = stores["days"]
    deps = Dependencies(days=days, settings=stores["settings"], warnings=stores["warnings"], metrics=metrics,
                        rules=rules, forecast=forecast, clock=clock, history=history, history_after=history_after,
                        gauges=gauges)
    orders = PendingEffects(stores["orders"], publish, clock, effect_type=Delta,
                            carry_out=deps.bind_effect(handlers.add_to_days),
                            release=deps.bind_effect(handlers.release_days))
    watches: PendingEffects[Watch, object] = PendingEffects(stores["watches"], publish, clock)
    deps = deps.but(orders=orders, watches=watches)
    check = deps.but(clock=deadline_clock or clock).bind_request(handlers.check)  # as (seller, marketplace_id)
    checker = handlers.Checker(check, every_s=every_s, all_every_s=all_every_s, known=known)
    return deps.but(touch=checker.touch), checker


def prometheus_gauges(registry_: CollectorRegistry) -> Callable[[AccountHealth], None]:
    """Per seller and measure: the rate and its status (0 GOOD, 1 BAD, -1 NONE); per seller: the rating."""
    rate = Gauge("sellerops_account_health_rate", "A health metric's rate (a fraction)",
                 ["seller", "marketplace", "measure"], registry=registry_)
    status = Gauge("sellerops_account_health_status", "A health metric's status: 0 GOOD, 1 BAD, -1 NONE",
                   ["seller", "marketplace", "measure"], registry=registry_)
    rating = Gauge("sellerops_account_health_rating", "The Account Health Rating (0-1000)",
                   ["seller", "marketplace"], registry=registry_)

    def update(health: AccountHealth) -> None:
        for m in health.measures:
            labels = (health.seller, health.marketplace_id, m.key)
            rate.labels(*labels).set(m.rate if m.rate is not None else float("nan"))
            status.labels(*labels).set(STATUS_VALUE[m.status])
        rating.labels(health.seller, health.marketplace_id).set(health.rating)

    return update


def build_from(resources: Resources, settings: HealthSettings) -> Built:
    """Real adapters; the dependencies, the background job that checks for red flags, and
    `GET /health/<seller>?marketplace=&as_of=` (the get_account_health answer over HTTP)."""
    found = stores(resources.buckets, keep=settings.keep_processed, keep_day=settings.keep_day_deltas)
    rules, forecast = rules_of(settings)
    watch_kv = resources.buckets[WATCHES]

    async def known() -> list[tuple[str, str]]:
        try:
            keys = await watch_kv.keys()
        except NoKeysError:
            return []
        split = (k.partition(".") for k in keys)
        return [(seller, marketplace) for seller, dot, marketplace in split if dot]

    gauges = prometheus_gauges(resources.metrics.registry) if resources.metrics else None
    deps, checker = build(
        stores=found, publish=resources.publisher, clock=resources.clock, metrics=load_metrics(settings.metrics),
        rules=rules, forecast=forecast, history=history_reader(resources.js),
        history_after=timedelta(seconds=settings.history_after_s), deadline_clock=resources.stream_clock,
        gauges=gauges, every_s=settings.evaluate_every_s, all_every_s=settings.evaluate_all_every_s, known=known)
    return Built(deps, [checker.run], http=http_routes(deps))


def http_routes(deps: Dependencies) -> dict[str, HttpRoute]:
    return {"/health/": request_route(deps.bind_request(handlers.get_account_health), GetAccountHealth,
                                      {"marketplace": "marketplace_id", "as_of": "as_of"})}
