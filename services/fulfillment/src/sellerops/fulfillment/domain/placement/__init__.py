"""Inbound placement: which fulfillment centers receive a plan's units, and what that split costs landed.

A strategy turns a `PlacementRequest` into one `PlacementOption` or raises `PlacementInfeasible`. Every
option is judged by one objective, `model.price`, whichever strategy (or third-party plugin) chose it:

    landed cost = placement fee     (per unit, by the split kind of the whole plan and the center's region)
                + inbound transport (per shipment: base + rate x kg x km from the ship-from point)
                + expected outbound (the plan's units reach buyers in their demand shares by ZIP3; per unit
                                     by distance band from the center, costs.OutboundRates; landed.py)
                + holding           (per unit by center region, if configured)

and reports the expected days to the buyer (p50, p90) and the share within 2 days, against the plan's
speed target if it has one. The outbound and holding terms apply when the cost model knows where the
buyers are (`CostModel.buyers`); without it the landed cost is fee + transport. A third-party strategy
implements `PlacementStrategy` (name, description, place) and builds its option with `price`; the service
re-prices every option with `price` anyway, so options compare on the same figures.

Built-ins, one module each: `minimal`, `distributed` (heuristics, scored with the same model) and
`optimal` (minimizes the landed cost: a mixed-integer program, mip.py, solved by HiGHS). This package is the
`sellerops.placement: builtin` entry point (`register`). Pure: no I/O and no clock (the optimal strategy
reports the solver's own run time); ties are broken by center id, then SKU.
"""

from typing import TYPE_CHECKING

from sellerops.fulfillment.domain.placement.distributed import Distributed, split_by_share
from sellerops.fulfillment.domain.placement.landed import LandedModel, Speed, SpeedTarget
from sellerops.fulfillment.domain.placement.minimal import Minimal
from sellerops.fulfillment.domain.placement.model import (
    Allocation, PlacementInfeasible, PlacementOption, PlacementRequest, PlacementStrategy, PlannedShipment, PlanItem,
    by_distance, check_capacity, fee_brackets, fill, price,
)
from sellerops.fulfillment.domain.placement.optimal import Optimal

if TYPE_CHECKING:
    from sellerops.plugins.spec import Registry

__all__ = [
    "Allocation", "Distributed", "LandedModel", "Minimal", "Optimal", "PlacementInfeasible", "PlacementOption",
    "PlacementRequest", "PlacementStrategy", "PlanItem", "PlannedShipment", "Speed", "SpeedTarget", "by_distance",
    "check_capacity", "fee_brackets", "fill", "price", "register", "split_by_share",
]


def register(registry: "Registry[PlacementStrategy]") -> None:
    for strategy in (Minimal(), Distributed(), Optimal()):
        registry.add(strategy.name, strategy)
