"""Day counters: what each order adds, and what one message changed (pure).

A counter is named `<metric>:<counter>` and kept per seller, marketplace and day. An order's contribution
is recomputed from its facts after every message, and the difference from before is the message's delta:
so a fact that changes an old order (a claim 80 days later, a removed feedback) moves that order's
counters on the days they belong to, and applying the same facts twice changes nothing.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from sellerops.contracts.health import OrderFacts
from sellerops.plugins.metrics import Metric

# (ISO day, "<metric>:<counter>") -> count (or sum: a metric may yield (day, counter, n))
Contribution = Counter[tuple[str, str]]


def contribution(metrics: Iterable[Metric], facts: OrderFacts | None) -> Contribution:
    found: Contribution = Counter()
    if facts is None:
        return found
    for metric in metrics:
        for day, counter, *n in metric.counts(facts):
            found[(day.isoformat(), f"{metric.name}:{counter}")] += n[0] if n else 1
    return found


def delta(before: Contribution, after: Contribution) -> dict[str, dict[str, int]]:
    """ISO day -> counter -> change, without the zeros."""
    changes: dict[str, dict[str, int]] = {}
    for key in before.keys() | after.keys():
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            day, counter = key
            changes.setdefault(day, {})[counter] = change
    return changes


def add(counts: dict[str, int], change: dict[str, int]) -> dict[str, int]:
    merged = dict(counts)
    for counter, n in change.items():
        merged[counter] = merged.get(counter, 0) + n
        if merged[counter] == 0:
            del merged[counter]
    return merged


def days_back(to: date, days: int) -> list[date]:
    """The `days` days ending on `to`, oldest first."""
    return [to - timedelta(days=n) for n in range(days - 1, -1, -1)]


def sums(day_counts: dict[date, dict[str, int]], metric: str, start: date, end: date) -> dict[str, int]:
    """A metric's counters summed over [start, end], with the metric prefix taken off."""
    prefix = f"{metric}:"
    total: dict[str, int] = {}
    for day, counts in day_counts.items():
        if start <= day <= end:
            for counter, n in counts.items():
                if counter.startswith(prefix):
                    name = counter[len(prefix):]
                    total[name] = total.get(name, 0) + n
    return total
