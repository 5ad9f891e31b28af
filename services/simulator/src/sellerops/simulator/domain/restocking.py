"""Restocking the network: an inbound plan every `inbound_every_days`, and the warehouse's damage."""

import math
from datetime import datetime, timedelta

from sellerops.contracts.inbound import CreateInboundPlan, PlanItem
from sellerops.contracts.inventory import Bucket, InventoryAdjustmentReported
from sellerops.simulator.domain.schedule import Schedule
from sellerops.simulator.domain.world import CENTERS, UNITS_PER_ORDER


class Restocking(Schedule):
    """Inbound plans (the followups confirm, ship and receive them) and inventory adjustments."""

    def plan_times(self, day_start: datetime) -> list[datetime]:
        """The inbound plans of this day: one every `inbound_every_days`, the first an hour after the start."""
        every = self.config.inbound_every_days
        if every == 0:
            return []
        first = self.config.start + timedelta(hours=1)
        day_end = day_start + timedelta(days=1)
        n = max(0, math.ceil((day_start - first) / timedelta(days=every)))
        times = []
        while (at := first + timedelta(days=every) * n) < day_end:
            times.append(at)
            n += 1
        return times

    def inbound(self, at: datetime) -> None:
        """Send enough units of every product to cover the network's expected sales until the next plan; the
        fulfillment service answers with placement options (followups: confirm the cheapest, ship, receive)."""
        c, rng = self.config, self.inbound_rng
        self.plans += 1
        per_sku = c.orders_per_day * c.afn_share * c.inbound_every_days * UNITS_PER_ORDER / len(self.products)
        items = [PlanItem(sku=p.sku, quantity=max(6, round(per_sku * c.inbound_cover * rng.uniform(0.85, 1.15))),
                          unit_weight_kg=p.unit_weight_kg, size_tier=p.size_tier) for p in self.products]
        plan_id = f"sim-{self.seller}-plan-{self.plans:03d}"
        self.request(at, "fulfillment", "create_inbound_plan",
                     CreateInboundPlan(plan_id=plan_id, items=items, ship_from=self.ship_from,
                                       name=f"Restock {self.plans} ({at.date().isoformat()})"),
                     follow="inbound.confirm", plan_id=plan_id)

    def adjust(self, at: datetime) -> None:
        rng = self.rng
        self.fact(InventoryAdjustmentReported, at, adjustment_id=f"ADJ-{self._next_id().hex[:12]}",
                  sku=rng.choice(self.products).sku, center_id=rng.choice(CENTERS), quantity=rng.randint(1, 2),
                  from_bucket=Bucket.FULFILLABLE, to_bucket=Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED, reason="E")
