"""Time travel: a seller's health as it stood at a past moment, from the events kept in the streams (pure).

Only facts that had happened by then count (`occurred_at` at or before `as_of`), folded exactly as the
live service folds them, so the answer is what the live service would have said that day. Each counter
also names the orders behind it (`why`), so a seller sees which orders made a metric go bad.
"""

from collections.abc import Iterable
from datetime import date, datetime

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import (
    AccountHealth, AccountStatus, AccountStatusReported, MetricSettings, PolicyWarningReported, PolicyWarningResolved,
)
from sellerops.health.domain import facts as order_facts
from sellerops.health.domain.counting import contribution
from sellerops.health.domain.report import RatingRules, account_health, evaluate, window
from sellerops.plugins.metrics import Metric

WHY_LIMIT = 50


def open_warnings(events: Iterable[Event], marketplace_id: str, as_of: datetime) -> list[str]:
    reported: dict[str, tuple[datetime, str]] = {}
    resolved: set[str] = set()
    for e in sorted(events, key=lambda e: e.occurred_at):
        if e.occurred_at > as_of:
            continue
        if isinstance(e, PolicyWarningReported) and e.marketplace_id == marketplace_id:
            reported[e.warning_id] = (e.occurred_at, e.warning_type)
        elif isinstance(e, PolicyWarningResolved):
            resolved.add(e.warning_id)
    return sorted(kind for wid, (_, kind) in reported.items() if wid not in resolved)


def reported_status(events: Iterable[Event], marketplace_id: str,
                    as_of: datetime) -> tuple[AccountStatus, datetime] | None:
    """The account status the marketplace had last reported by `as_of`."""
    found = [(e.occurred_at, e.status) for e in events if isinstance(e, AccountStatusReported)
             and e.marketplace_id == marketplace_id and e.occurred_at <= as_of]
    if not found:
        return None
    at, status = max(found, key=lambda pair: pair[0])
    return status, at


def health_as_of(events: Iterable[Event], *, seller: str, marketplace_id: str, as_of: datetime,
                 metrics: list[Metric], overrides: dict[str, MetricSettings], rules: RatingRules) -> AccountHealth:
    events = [e for e in events if e.occurred_at <= as_of and e.seller == seller]
    states: dict[str, order_facts.OrderState] = {}
    for e in sorted(events, key=lambda e: e.occurred_at):
        if isinstance(e, order_facts.EVENTS) and e.seller == seller:
            states[e.order_id] = order_facts.apply(states.get(e.order_id), e)
    day_counts: dict[date, dict[str, int]] = {}
    behind: dict[str, list[tuple[date, str]]] = {}
    for order_id, state in sorted(states.items()):
        if state.facts.marketplace_id != marketplace_id:
            continue
        for (day, counter), n in contribution(metrics, state.facts).items():
            d = date.fromisoformat(day)
            counts = day_counts.setdefault(d, {})
            counts[counter] = counts.get(counter, 0) + n
            behind.setdefault(counter, []).append((d, order_id))
    evaluated = evaluate(metrics, overrides, day_counts, as_of.date())
    why: dict[str, list[str]] = {}
    for metric in metrics:
        w = window(metric, overrides.get(metric.name), as_of.date())
        if w is None:
            continue
        for counter, found in behind.items():
            if counter.startswith(f"{metric.name}:"):
                inside = list(dict.fromkeys(order for d, order in found if w.date_from <= d <= w.date_to))
                if inside:
                    why[counter] = inside[:WHY_LIMIT]
    return account_health(seller=seller, marketplace_id=marketplace_id, as_of=as_of, from_history=True,
                          evaluated=evaluated, warnings=open_warnings(events, marketplace_id, as_of), rules=rules,
                          why=why, reported=reported_status(events, marketplace_id, as_of))

