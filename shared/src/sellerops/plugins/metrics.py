"""The `sellerops.metrics` extension point: an account-health metric.

A metric says which counters each order adds to (one, or n), and on which day (`counts`), and how the sums of
its counters over its window become its measures (`measure`) and its section of the report (`section`).
The health service keeps the counters per seller, marketplace and day, so answering costs one read per
day of the window whatever the number of orders, and a fact that arrives late (a claim 80 days after
the order) moves its order's counters on its order's day.

A plugin module exposes `register(registry)` and adds `Metric` objects under their names; the window
and target a seller sees may be overridden per seller and marketplace, so `measure` gets them passed in.
`RatioMetric` covers the common shape: one numerator over one denominator.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sellerops.contracts.health import Measure, OrderFacts, Status, Target
from sellerops.plugins.spec import METRICS, Registry

__all__ = ["METRICS", "Counted", "Metric", "RatioMetric", "Window", "date_range", "measure_of", "rate_of"]


Counted = tuple[date, str] | tuple[date, str, int]  # what `Metric.counts` yields


@dataclass(frozen=True)
class Window:
    """The days a metric covers, and the target in force (defaults or the seller's overrides)."""

    days: int
    date_from: date
    date_to: date  # inclusive
    target: Target


class Metric(Protocol):
    # Read-only, so a frozen dataclass (or a plain class) implements it.
    @property
    def name(self) -> str: ...  # the report key: "lateShipmentRate"
    @property
    def title(self) -> str: ...
    @property
    def definition(self) -> str: ...
    @property
    def window_days(self) -> int: ...  # default
    @property
    def target(self) -> Target: ...  # default
    # Optional: `lag_days` (int, default 0) ends the window that many days before the as-of day, for a
    # metric whose facts take days to arrive (a carrier's first scan); a seller may override it.

    def counts(self, order: OrderFacts) -> Iterable[Counted]:
        """The counters this order adds to, with the day each belongs to: (day, counter) adds one,
        (day, counter, n) adds n (a sum, e.g. of response seconds)."""
        ...

    def measure(self, sums: Mapping[str, int], window: Window) -> list[Measure]:
        """The measures, from the counters summed over the window."""
        ...

    def section(self, measures: list[Measure], sums: Mapping[str, int]) -> dict[str, Any]:
        """This metric's part of the report's performanceMetrics entry: {report key: body}."""
        ...


def rate_of(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def measure_of(*, key: str, metric: Metric, title: str, numerator: int, denominator: int,
               window: Window) -> Measure:
    rate = rate_of(numerator, denominator)
    status = Status.NONE if rate is None else (Status.GOOD if window.target.met(rate) else Status.BAD)
    return Measure(key=key, metric=metric.name, title=title, window_days=window.days, date_from=window.date_from,
                   date_to=window.date_to, numerator=numerator, denominator=denominator, rate=rate, status=status,
                   target=window.target)


def date_range(measure: Measure) -> dict[str, str]:
    """The report's reportingDateRange: whole UTC days, written as the marketplace writes them."""
    return {"reportingDateFrom": f"{measure.date_from.isoformat()}T00:00Z",
            "reportingDateTo": f"{measure.date_to.isoformat()}T23:59Z"}


def report_body(measure: Measure, **counts: int) -> dict[str, Any]:
    """A measure's report section; `rate` is null when nothing was counted (no orders is not a 0% rate)."""
    return {"reportingDateRange": date_range(measure), **counts, "status": measure.status.value,
            "rate": measure.rate, "targetValue": measure.target.value,
            "targetCondition": measure.target.condition.value}


@dataclass(frozen=True)
class RatioMetric:
    """A metric that is one count over another: `count(order)` names the counters an order adds to."""

    name: str
    title: str
    definition: str
    window_days: int
    target: Target
    count: Callable[[OrderFacts], Iterable[tuple[date, str]]]
    numerator: str  # counter names
    denominator: str
    numerator_field: str  # the report's names for them: "lateShipmentCount"
    denominator_field: str  # "orderCount"
    lag_days: int = 0  # the window ends this many days before the as-of day (facts that take days to arrive)

    def counts(self, order: OrderFacts) -> Iterable[tuple[date, str]]:
        return self.count(order)

    def measure(self, sums: Mapping[str, int], window: Window) -> list[Measure]:
        return [measure_of(key=self.name, metric=self, title=self.title, numerator=sums.get(self.numerator, 0),
                           denominator=sums.get(self.denominator, 0), window=window)]

    def section(self, measures: list[Measure], sums: Mapping[str, int]) -> dict[str, Any]:
        [m] = measures
        return {self.name: report_body(m, **{self.denominator_field: m.denominator, self.numerator_field: m.numerator})}


def registry() -> Registry[Metric]:
    return Registry(METRICS)
