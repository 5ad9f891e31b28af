"""`minimal`: the fewest centers, nearest first (highest placement fee, one shipment when it fits)."""

from collections import defaultdict

from sellerops.fulfillment.domain.costs import CostModel
from sellerops.fulfillment.domain.network import Center, Network
from sellerops.fulfillment.domain.placement.landed import LandedModel
from sellerops.fulfillment.domain.placement.model import (
    PlacementOption, PlacementRequest, by_distance, check_capacity, fill, price, room_of,
)


class Minimal:
    name = "minimal"
    description = ("Fewest centers: the nearest center that can receive the whole plan; otherwise the fewest "
                   "centers picked greedily (most units first, then nearest). Highest placement fee.")

    def place(self, request: PlacementRequest, network: Network, costs: CostModel,
              model: LandedModel | None = None) -> PlacementOption:
        check_capacity(request, network)
        demand = request.demand()
        nearest = by_distance(request, network.centers)
        for center in nearest:
            if all(center.can_receive(tier) >= n for tier, n in demand.items()):
                everything = {center.id: {i.sku: i.quantity for i in request.items}}
                return price(self.name, request, network, costs, everything, model)
        return price(self.name, request, network, costs, self.fewest(request, nearest, network), model)

    @staticmethod
    def fewest(request: PlacementRequest, nearest: list[Center], network: Network) -> dict[str, dict[str, int]]:
        room, allocation = room_of(network), defaultdict[str, dict[str, int]](dict)
        pending = {i.sku: i.quantity for i in request.items}
        left = request.demand()
        while any(left.values()):  # check_capacity guarantees some center has room for what is left
            center = max(nearest, key=lambda c: sum(min(n, room[c.id].get(t, 0)) for t, n in left.items()))
            for item in request.items:  # sku order: a SKU splits only where a center runs out of room
                if pending[item.sku]:
                    rest = fill(item, pending[item.sku], [center], room, allocation)
                    left[item.size_tier] -= pending[item.sku] - rest
                    pending[item.sku] = rest
        return allocation
