"""A seller's days: orders by hour and weekday, adjustments and inbound plans, in time order; and
`simulate`, every seller's steps merged."""

import heapq
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Literal, TypeGuard

from sellerops.simulator.domain.chance import poisson
from sellerops.simulator.domain.config import SimConfig, Step
from sellerops.simulator.domain.orders import OrderLife
from sellerops.simulator.domain.restocking import Restocking


class Seller(OrderLife, Restocking):
    """One seller's lifecycle generator: its days drawn in turn, each drained of the steps due before it."""

    def run(self) -> Iterator[Step]:
        config = self.config
        hourly = config.hourly_weights
        weekly_mean = sum(config.weekday_factors) / 7
        hourly_total = sum(hourly)
        for day in range(config.days):
            day_start = config.start + timedelta(days=day)
            factor = config.weekday_factors[day_start.weekday()] / weekly_mean if weekly_mean else 0.0
            timeline: list[tuple[datetime, str]] = []  # (at, "order" | "adjustment" | "inbound")
            for hour in range(24):
                lam = config.orders_per_day * factor * hourly[hour] / hourly_total
                for _ in range(poisson(self.rng, lam)):
                    timeline.append((day_start + timedelta(hours=hour, seconds=self.rng.randrange(3600)), "order"))
            for _ in range(poisson(self.rng, config.adjustments_per_day)):
                at = day_start + timedelta(seconds=self.rng.randrange(86400))
                if at >= config.afn_from:  # warehouse damage needs stock in the warehouses
                    timeline.append((at, "adjustment"))
            timeline.extend((at, "inbound") for at in self.plan_times(day_start))
            timeline.sort()
            for at, what in timeline:
                yield from self._steps(self.due(at))
                if what == "order":
                    self.place(at, day)
                elif what == "adjustment":
                    self.adjust(at)
                else:
                    self.inbound(at)
        end = None if config.drain else config.start + timedelta(days=config.days)
        for step in self._steps(self.due(end)):
            if end is not None and step.at >= end:
                break
            yield step

    def _steps(self, due: Iterator[tuple[datetime, int, str, Any]]) -> Iterator[Step]:
        for at, _, kind, payload in due:
            assert _is_step_kind(kind), f"the schedule pushes only a step's kinds, not {kind!r}"
            yield Step(at=at, seller=self.seller, kind=kind, payload=payload)


def _is_step_kind(kind: str) -> TypeGuard[Literal["fact", "request", "lookup"]]:
    return kind in ("fact", "request", "lookup")


def simulate(config: SimConfig) -> Iterator[Step]:
    """Every step for every seller, in non-decreasing `at` (ties: sellers in config order, then the order
    they were scheduled in). Lazy: steps are generated as they are consumed."""
    streams = [Seller(config, seller).run() for seller in config.sellers]
    return heapq.merge(*streams, key=lambda step: step.at)
