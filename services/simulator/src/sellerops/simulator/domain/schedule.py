"""One seller's schedule: its randomness, ids and queue of future steps, and its local time."""

import heapq
import math
import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import ShipFrom
from sellerops.simulator.domain.chance import seller_rng
from sellerops.simulator.domain.config import SIM_IDS, SellerRequest, SimConfig
from sellerops.simulator.domain.tracking import ALNUM
from sellerops.simulator.domain.world import PRODUCTS, WAREHOUSES, Product


class Schedule:
    """One seller's RNG, counters, catalog and queue of steps: what every part of the model schedules on."""

    def __init__(self, config: SimConfig, seller: str) -> None:
        self.config = config
        self.seller = seller
        self.rng = seller_rng(config.seed, seller)
        self.counter = 0  # event ids and request ids
        self.orders = 0
        self.heap: list[tuple[datetime, int, str, Any]] = []
        self.seq = 0
        self.shipper = "".join(self.rng.choice(ALNUM) for _ in range(6))
        self.tz = config.start.tzinfo
        self.products = [Product(sku, f"B0{self.rng.randrange(10**8):08d}", title, Decimal(price), weight, tier)
                         for sku, title, price, weight, tier in PRODUCTS]
        # inbound has its own stream of randomness, so switching it on or off leaves the orders as they were
        self.inbound_rng = random.Random(f"sellerops-sim/{config.seed}/{seller}/inbound")
        name, street, city, state, postal = self.inbound_rng.choice(WAREHOUSES)
        self.ship_from = ShipFrom(name=f"{seller} {name.lower()}", address_line1=street, city=city,
                                  state_or_region=state, postal_code=postal)
        self.plans = 0

    # -- scheduling --

    def _next_id(self) -> uuid.UUID:
        self.counter += 1
        return uuid.uuid5(SIM_IDS, f"{self.config.seed}/{self.seller}/{self.counter}")

    def fact(self, cls: type[Event], at: datetime, **fields: Any) -> None:
        event = cls(event_id=self._next_id(), seller=self.seller, occurred_at=at, **fields)
        self._push(at, "fact", event)

    def request(self, at: datetime, service: str, verb: str, body: Any, *, kind: str = "request",
                follow: str | None = None, **context: Any) -> None:
        self._push(at, kind, SellerRequest(service=service, verb=verb, body=body, follow=follow, context=context))

    def request_id(self) -> str:
        return f"sim-{self._next_id().hex}"

    def _push(self, at: datetime, kind: str, payload: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, payload))

    def due(self, until: datetime | None) -> Iterator[tuple[datetime, int, str, Any]]:
        """Pop every scheduled step at or before `until` (all of them when None)."""
        while self.heap and (until is None or self.heap[0][0] <= until):
            yield heapq.heappop(self.heap)

    # -- time --

    def day_of(self, at: datetime) -> int:
        return math.floor((at - self.config.start) / timedelta(days=1))

    def end_of_local_day(self, at: datetime, plus_days: int) -> datetime:
        local = at.astimezone(self.tz)
        return local.replace(hour=23, minute=59, second=59, microsecond=0) + timedelta(days=plus_days)

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low, high) * 60))

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=round(self.rng.uniform(low, high) * 3600))
