"""`distributed`: every SKU split across regions by the network's regional demand share (no placement fee
once the plan reaches the optimized number of centers)."""

from collections import defaultdict
from math import floor

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.domain.costs import CostModel
from sellerops.fulfillment.domain.network import Network
from sellerops.fulfillment.domain.placement.landed import LandedModel
from sellerops.fulfillment.domain.placement.model import (
    PlacementOption, PlacementRequest, by_distance, check_capacity, fill, price, room_of,
)


def split_by_share(units: int, shares: list[float], carry: list[float]) -> list[int]:
    """Largest remainder with carried remainders: each SKU is split by the shares, and what rounding gave or
    took from a region is carried to the next SKU, so small SKUs rotate across regions and every tier's
    regional totals stay within one unit of its shares. Updates `carry` in place."""
    ideal = [units * s + c for s, c in zip(shares, carry)]
    parts = [max(0, floor(x)) for x in ideal]
    regions = range(len(parts))
    while sum(parts) < units:
        parts[max(regions, key=lambda r: (ideal[r] - parts[r], -r))] += 1
    while sum(parts) > units:
        parts[min((r for r in regions if parts[r]), key=lambda r: (ideal[r] - parts[r], r))] -= 1
    carry[:] = [x - p for x, p in zip(ideal, parts)]
    return parts


class Distributed:
    name = "distributed"
    description = ("Amazon-optimized in spirit: every SKU split across regions by the network's regional demand "
                   "share, each region's units to its centers nearest the ship-from point; no placement fee once "
                   "the plan reaches the optimized number of centers.")

    def place(self, request: PlacementRequest, network: Network, costs: CostModel,
              model: LandedModel | None = None) -> PlacementOption:
        return price(self.name, request, network, costs, self.allocate(request, network), model)

    @staticmethod
    def allocate(request: PlacementRequest, network: Network) -> dict[str, dict[str, int]]:
        check_capacity(request, network)
        shares = network.shares()
        regions = list(shares)
        local = {r: by_distance(request, [c for c in network.centers if c.region == r]) for r in regions}
        room, allocation = room_of(network), defaultdict[str, dict[str, int]](dict)
        carry: dict[SizeTier, list[float]] = defaultdict(lambda: [0.0] * len(regions))
        spill = []
        for item in sorted(request.items, key=lambda i: (i.size_tier.value, i.sku)):
            parts = split_by_share(item.quantity, [shares[r] for r in regions], carry[item.size_tier])
            left = sum(fill(item, n, local[r], room, allocation) for r, n in zip(regions, parts))
            if left:
                spill.append((item, left))
        nearest = by_distance(request, network.centers)
        for item, left in spill:  # a region without room for its share: nearest centers anywhere
            fill(item, left, nearest, room, allocation)
        return allocation
