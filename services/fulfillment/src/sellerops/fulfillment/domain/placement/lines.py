"""SKUs aggregated by profile for the optimal strategy's MIP (mip.py).

A line is every SKU of one size tier, fee bracket and 1 % weight band: they pay the same fee, count as the
same size tier's demand, and differ in transport by under 1 %, so 20,000 SKUs make about a thousand lines
(measured: 967 on the benchmark plan) and the MIP has lines x centers columns instead of SKUs x centers.
A line enters the model at its units-weighted mean weight; the bound allows for the difference (Mip.slack).
"""

from collections import defaultdict
from math import log
from typing import Any

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.domain.costs import CostModel
from sellerops.fulfillment.domain.placement.model import PlacementRequest, PlanItem, fee_brackets

WEIGHT_STEP = 1.01  # SKUs whose weights differ by under 1 % share a line


class Problem:
    """What every sub-model shares: the plan's lines (SKUs aggregated by profile) and the landed arrays."""

    def __init__(self, request: PlacementRequest, costs: CostModel, landed: Any, *, aggregate: bool = True) -> None:
        import numpy as np

        self.np, self.request, self.costs, self.landed = np, request, costs, landed
        units = request.demand()
        self.tiers = [t for t in SizeTier if t in units]
        brackets = fee_brackets(request, costs)
        self.classes = sorted(set(brackets.values()), key=costs.fees.brackets.index)
        class_index = {b: f for f, b in enumerate(self.classes)}
        groups = defaultdict(list)
        for n, i in enumerate(request.items):
            bucket = round(log(i.unit_weight_kg) / log(WEIGHT_STEP)) if aggregate else n
            groups[(self.tiers.index(i.size_tier), class_index[brackets[i.sku]], bucket)].append(i)
        keys = sorted(groups)
        self.members = [sorted(groups[k], key=lambda i: (-i.unit_weight_kg, i.sku)) for k in keys]
        self.line_of = {i.sku: g for g, members in enumerate(self.members) for i in members}
        self.qty = np.array([sum(i.quantity for i in g) for g in self.members])
        self.tier_of = np.array([k[0] for k in keys])
        self.class_of = np.array([k[1] for k in keys])
        self.weight = np.array([sum(i.quantity * i.unit_weight_kg for i in g) for g in self.members]) / self.qty
        self.lightest = np.array([min(i.unit_weight_kg for i in g) for g in self.members])
        self.per_kg_km = float(costs.transport.per_kg_per_1000km) * 100 / 1000

    def to_skus(self, per_line: dict[int, list[tuple[float, str, int]]]) -> dict[str, dict[str, int]]:
        """Each line's units per center, (km, center id, units), to its SKUs: heaviest SKU first, nearest center
        first (north-west corner). With costs of the form weight x distance this is the cheapest split."""
        allocation: dict[str, dict[str, int]] = defaultdict(dict)
        for g, at in per_line.items():
            members = iter(self.members[g])
            first = next(members)
            item: PlanItem | None = first
            left = first.quantity
            for _, cid, n in sorted(at):
                while n and item is not None:
                    take = min(n, left)
                    allocation[cid][item.sku] = allocation[cid].get(item.sku, 0) + take
                    n, left = n - take, left - take
                    if not left:
                        item = next(members, None)
                        left = item.quantity if item is not None else 0
        return allocation
