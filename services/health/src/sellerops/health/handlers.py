"""Use cases as short recipes.

A fact about an order: fold it into the order's facts, and in the same revision-checked write keep the
change it made to the day counters as a pending effect (runtime.effects); then add the change to each day
(at most once per change id) and clear it. The message is acknowledged only after that, so a process
dying in between gets the message again, finds it applied, and finishes the change.

A question: load the counters of the window's days (one read per day, whatever the number of orders),
evaluate the metrics, rate. An as-of in the past is answered from history (the streams) instead.
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

import msgspec
import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import (
    AccountHealth, AccountStatus, AccountStatusReported, GetAccountHealth, ListMetrics, MetricCatalog, MetricInfo, MetricSettings,
    OrderHealthRef,
    OrderHealthView, PolicyWarningReported, PolicyWarningResolved, SetMetricSettings, Target,
)
from sellerops.contracts.requests import RequestError
from sellerops.runtime.clock import MIN_TIME
from sellerops.runtime.effects import Origin, PendingEffects
from sellerops.health.domain.records import SettingsRecord, Warnings
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.alerts import ForecastRules, trends, watch
from sellerops.health.domain.counting import contribution, days_back, delta
from sellerops.health.domain.history import health_as_of
from sellerops.health.domain.report import RatingRules, account_health, evaluate, lag_of, longest_window
from sellerops.health.ports import Clock, Days, History, Store, Touch
from sellerops.plugins.metrics import Metric

log = structlog.get_logger("sellerops.health")


# ---- facts about orders ----


def _changes(before: order_facts.OrderState | None, after: order_facts.OrderState,
             metrics: Iterable[Metric]) -> dict[str, dict[str, int]]:
    """The day counters one message moved, keyed "<marketplace>.<day>" (an order may change marketplace when
    its record arrives after its feedback)."""

    def placed(state: order_facts.OrderState | None) -> Counter:
        if state is None:
            return Counter()
        mkt = state.facts.marketplace_id
        return Counter({(f"{mkt}.{day}", counter): n for (day, counter), n in contribution(metrics, state.facts).items()})

    return delta(placed(before), placed(after))


async def on_order_fact(evt: Event, *, orders: PendingEffects[order_facts.OrderState, order_facts.Delta],
                        metrics: list[Metric], touch: Touch) -> None:
    """Fold the fact into the order's; the change to its day counters is a pending effect of the same write."""
    if not isinstance(evt, order_facts.EVENTS):
        raise TypeError(f"order health facts do not take {type(evt).__name__}")

    def decide(state: order_facts.OrderState | None
               ) -> tuple[order_facts.OrderState, list[Event], list[order_facts.Delta]]:
        new = order_facts.apply(state, evt)
        changed = _changes(state, new, metrics)
        return new, [], [order_facts.Delta(days=changed)] if changed else []

    applied = await orders.apply(evt.seller, evt.order_id, str(evt.event_id), decide, new=evt.opens_aggregate)
    if applied.state is not None:
        touch(evt.seller, applied.state.facts.marketplace_id)


async def add_to_days(origin: Origin, change: order_facts.Delta, *, days: Days) -> None:
    """Carry out an order's pending change: add it to each day it moved, at most once per origin."""
    for marketplace_day, counts in change.days.items():
        await days.add(origin.seller, marketplace_day, origin.id, counts)


async def release_days(origin: Origin, change: order_facts.Delta, *, days: Days) -> None:
    """The order's record cleared the change: the days it moved may forget its id in time."""
    for marketplace_day in change.days:
        days.release(origin.seller, marketplace_day, origin.id)


async def on_warning(evt: PolicyWarningReported | PolicyWarningResolved, *, warnings: Store, touch: Touch) -> None:
    """Open and resolved policy warnings, per marketplace (a resolution names only the warning)."""
    marketplace = evt.marketplace_id

    def decide(found: Warnings | None) -> tuple[Warnings, list[Event]]:
        found = found or Warnings()
        if isinstance(evt, PolicyWarningReported):
            if evt.warning_id in found.resolved:
                return found, []
            return msgspec.structs.replace(found, open={**found.open, evt.warning_id: evt.warning_type}), []
        rest = {k: v for k, v in found.open.items() if k != evt.warning_id}
        return msgspec.structs.replace(found, open=rest, resolved=[*found.resolved, evt.warning_id][-500:]), []

    await warnings.apply(evt.seller, marketplace, str(evt.event_id), decide)
    touch(evt.seller, marketplace)


async def on_account_status(evt: AccountStatusReported, *, warnings: Store) -> None:
    """The marketplace's own account status, shown beside the computed one; the latest by event time wins."""

    def decide(found: Warnings | None) -> tuple[Warnings, list[Event]]:
        found = found or Warnings()
        if found.status_at is not None and found.status_at > evt.occurred_at:
            return found, []  # an older report, arriving late
        return msgspec.structs.replace(found, status=evt.status, status_at=evt.occurred_at), []

    await warnings.apply(evt.seller, evt.marketplace_id, str(evt.event_id), decide)


# ---- questions ----


async def overrides_of(seller: str, marketplace_id: str, *, settings: Store) -> dict[str, MetricSettings]:
    record = await settings.load(seller, marketplace_id)
    return record.metrics if record is not None else {}


class _Inputs(NamedTuple):
    overrides: dict[str, MetricSettings]
    counts: dict[date, dict[str, int]]
    warnings: list[str]
    reported: tuple[AccountStatus, datetime] | None  # the marketplace's own status and when it said so


async def _inputs(seller: str, marketplace_id: str, as_of: datetime, *, days: Days, settings: Store,
                  warnings: Store, metrics: list[Metric], extra_days: int = 0) -> _Inputs:
    """What an answer reads: one key per day of the longest window (and `extra_days` before it)."""
    overrides = await overrides_of(seller, marketplace_id, settings=settings)
    span = longest_window(metrics, overrides) + extra_days
    counts = await days.load(seller, marketplace_id, days_back(as_of.date(), span))
    found = await warnings.load(seller, marketplace_id) or Warnings()
    reported = (found.status, found.status_at) if found.status is not None and found.status_at is not None else None
    return _Inputs(overrides, counts, sorted(found.open.values()), reported)


def _health(seller: str, marketplace_id: str, as_of: datetime, read: _Inputs, *, metrics: list[Metric],
            rules: RatingRules) -> AccountHealth:
    evaluated = evaluate(metrics, read.overrides, read.counts, as_of.date())
    return account_health(seller=seller, marketplace_id=marketplace_id, as_of=as_of, from_history=False,
                          evaluated=evaluated, warnings=read.warnings, rules=rules, reported=read.reported)


async def live_health(seller: str, marketplace_id: str, as_of: datetime, *, days: Days, settings: Store,
                      warnings: Store, metrics: list[Metric], rules: RatingRules) -> AccountHealth:
    """Health from the day counters."""
    read = await _inputs(seller, marketplace_id, as_of, days=days, settings=settings, warnings=warnings,
                         metrics=metrics)
    return _health(seller, marketplace_id, as_of, read, metrics=metrics, rules=rules)


async def get_account_health(seller: str, query: GetAccountHealth, *, days: Days, settings: Store,
                             warnings: Store, metrics: list[Metric], rules: RatingRules, clock: Clock,
                             history: History, history_after: timedelta) -> AccountHealth:
    now = clock.now()
    if query.as_of is not None and query.as_of > now:
        raise RequestError("invalid", "as_of is in the future", "$.as_of")
    if query.as_of is not None and query.as_of < now - history_after:
        overrides = await overrides_of(seller, query.marketplace_id, settings=settings)
        events = await history(seller)
        return health_as_of(events, seller=seller, marketplace_id=query.marketplace_id, as_of=query.as_of,
                            metrics=metrics, overrides=overrides, rules=rules)
    return await live_health(seller, query.marketplace_id, query.as_of or now, days=days, settings=settings,
                             warnings=warnings, metrics=metrics, rules=rules)


async def list_metrics(seller: str, query: ListMetrics, *, settings: Store, metrics: list[Metric]) -> MetricCatalog:
    overrides = await overrides_of(seller, query.marketplace_id, settings=settings)
    infos = []
    for m in metrics:
        o = overrides.get(m.name) or MetricSettings()
        infos.append(MetricInfo(
            name=m.name, title=m.title, definition=m.definition, window_days=o.window_days or m.window_days,
            target=Target(value=m.target.value if o.target_value is None else o.target_value,
                          condition=o.target_condition or m.target.condition),
            enabled=o.enabled is not False, overridden=m.name in overrides, lag_days=lag_of(m, o)))
    return MetricCatalog(seller=seller, marketplace_id=query.marketplace_id, metrics=infos)


async def set_metric_settings(seller: str, request: SetMetricSettings, *, settings: Store, metrics: list[Metric],
                              clock: Clock, touch: Touch) -> MetricCatalog:
    known = {m.name for m in metrics}
    for name in request.metrics:
        if name not in known:
            raise RequestError("invalid", f"no metric named {name!r} (installed: {', '.join(sorted(known))})",
                               f"$.metrics.{name}")
    now = clock.now()
    await settings.apply(seller, request.marketplace_id, f"settings/{now.isoformat()}",
                         lambda _: (SettingsRecord(request.metrics, now), []))
    touch(seller, request.marketplace_id)
    return await list_metrics(seller, ListMetrics(marketplace_id=request.marketplace_id), settings=settings,
                              metrics=metrics)


async def get_order_health(seller: str, query: OrderHealthRef, *, orders: Store,
                           metrics: list[Metric]) -> OrderHealthView:
    state = await orders.load(seller, query.order_id)
    if state is None:
        raise RequestError("not_found", f"no health facts for order {query.order_id}", "$.order_id")
    counted = sorted(contribution(metrics, state.facts))
    return OrderHealthView(facts=state.facts, counted=[(date.fromisoformat(d), c) for d, c in counted])


# ---- red flags ----


async def check(seller: str, marketplace_id: str, *, days: Days, settings: Store, warnings: Store,
                watches: Store, metrics: list[Metric], rules: RatingRules, forecast: ForecastRules, clock: Clock,
                gauges: Any = None) -> AccountHealth:
    """Evaluate now and a trend ago; publish a crossing, a recovery, a forecast or a status change once (the
    watch store keeps them with the watch until published: a crash in between publishes them next check)."""
    now = clock.now()
    if now == MIN_TIME:  # a consumer is replaying a backlog and has processed nothing yet: no event time to judge by
        raise EventTimeUnknown
    # One read covers both answers: the window now, and the same window a trend ago.
    read = await _inputs(seller, marketplace_id, now, days=days, settings=settings, warnings=warnings,
                         metrics=metrics, extra_days=forecast.trend_days)
    health = _health(seller, marketplace_id, now, read, metrics=metrics, rules=rules)
    before = _health(seller, marketplace_id, now - timedelta(days=forecast.trend_days), read, metrics=metrics,
                     rules=rules)
    trend = trends(health.measures, before.measures, forecast.trend_days)

    decide = partial(watch, health=health, trend=trend, rules=forecast, at=now)
    applied = await watches.apply(seller, marketplace_id, f"check/{now.isoformat()}", decide)
    if gauges is not None:
        gauges(health)
    for event in applied.events:
        log.info("health_red_flag", seller=seller, marketplace=marketplace_id, type=event.type_tag(),
                 key=getattr(event, "key", None))
    return health


class EventTimeUnknown(Exception):
    """The check waits: the stream clock does not know what time it is yet (see runtime.clock.StreamClock)."""


class Checker:
    """Checks the sellers whose facts changed every `every_s`, and every known seller every `all_every_s`
    (windows move on as days pass, with no event to say so)."""

    def __init__(self, check_one: Callable[[str, str], Awaitable[object]], *, every_s: float, all_every_s: float,
                 known: Callable[[], Awaitable[Iterable[tuple[str, str]]]] | None = None) -> None:
        self.check = check_one  # one seller and marketplace, now
        self._every_s = every_s
        self._all_every_s = all_every_s
        self._known_source = known
        self.touched: set[tuple[str, str]] = set()
        self.known: set[tuple[str, str]] = set()

    def touch(self, seller: str, marketplace_id: str) -> None:
        self.touched.add((seller, marketplace_id))

    async def run(self) -> None:
        if self._known_source is not None:
            self.known |= set(await self._known_source())
        # Checked in the first round, not an hour from now: after a restart the gauges of every seller seen
        # before are back within `every_s`, whether or not a new event comes.
        self.touched |= self.known
        last_all = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(self._every_s)
            due, self.touched = self.touched, set()
            if asyncio.get_running_loop().time() - last_all >= self._all_every_s:
                due |= self.known
                last_all = asyncio.get_running_loop().time()
            for seller, marketplace_id in sorted(due):
                self.known.add((seller, marketplace_id))
                try:
                    await self.check(seller, marketplace_id)
                except EventTimeUnknown:
                    self.touched.add((seller, marketplace_id))
                except Exception as exc:  # noqa: BLE001  (checked again next round: keep it touched)
                    log.error("health_check_failed", seller=seller, marketplace=marketplace_id,
                              error=f"{type(exc).__name__}: {exc}")
                    self.touched.add((seller, marketplace_id))

