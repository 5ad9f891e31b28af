"""`optimal`: the least landed cost within capacity and the plan's speed target (mip.py, HiGHS)."""

from dataclasses import replace
from decimal import Decimal
from math import floor

from sellerops.fulfillment.domain.costs import CostModel
from sellerops.fulfillment.domain.network import Network
from sellerops.fulfillment.domain.placement import landed
from sellerops.fulfillment.domain.placement.distributed import Distributed
from sellerops.fulfillment.domain.placement.minimal import Minimal
from sellerops.fulfillment.domain.placement.lines import Problem
from sellerops.fulfillment.domain.placement.mip import Mip
from sellerops.fulfillment.domain.placement.model import (
    PlacementInfeasible, PlacementOption, PlacementRequest, check_capacity, price,
)


def meets_target(option: PlacementOption) -> bool:
    return option.speed is None or option.speed.meets_target is not False


class Optimal:
    """Least landed cost (placement fee + inbound transport + expected outbound + holding) under the capacity
    limits and the plan's speed target, as a mixed-integer program (HiGHS).

    The cheaper of `minimal` and `distributed` (among those meeting the speed target) is the first incumbent,
    so it never returns a dearer plan. Stops once within `mip_rel_gap` of the solver's lower bound or after
    `time_limit_s` of solver time (building the model comes on top) and reports the bound and the gap.
    Deterministic when it stops on the gap; a plan cut short by the time limit depends on the machine."""

    name = "optimal"
    description = ("Least landed cost (placement fee + inbound transport + expected outbound to the buyers) within "
                   "capacity and the plan's speed target: a mixed-integer program solved by HiGHS; reports its "
                   "lower bound and gap.")

    def __init__(self, time_limit_s: float = 2.0, mip_rel_gap: float = 0.005, *, aggregate: bool = True,
                 warm_start: bool = True) -> None:
        """`aggregate` False gives every SKU its own line and `warm_start` False gives the solver no heuristic
        incumbent: both only for measuring what each technique is worth (bench/bench_placement.py --variants)."""
        self.time_limit_s, self.mip_rel_gap = time_limit_s, mip_rel_gap
        self.aggregate, self.warm_start = aggregate, warm_start

    def place(self, request: PlacementRequest, network: Network, costs: CostModel) -> PlacementOption:
        check_capacity(request, network)
        model = landed.LandedModel.build(request, network, costs) if costs.buyers is not None else None
        heuristics = [strategy.place(request, network, costs, model) for strategy in (Minimal(), Distributed())]
        eligible = [o for o in heuristics if meets_target(o)]
        best = min(eligible, key=lambda o: o.landed_cost) if eligible else None
        start = best.allocation() if best is not None else None
        problem = Problem(request, costs, model, aggregate=self.aggregate)
        solved = Mip(problem, network.centers).solve(start if self.warm_start else None, self.time_limit_s,
                                                     self.mip_rel_gap)
        if solved is None:
            if start is None:
                raise _out_of_reach(request)
            return price(self.name, request, network, costs, start, model)
        allocation, bound_cents, seconds = solved
        option = price(self.name, request, network, costs, allocation, model)
        if best is None and not meets_target(option):  # the MIP's rounded units miss the target the model met
            raise _out_of_reach(request)
        if best is not None and (option.landed_cost > best.landed_cost or not meets_target(option)):
            assert start is not None, "start is the allocation of best"
            option = price(self.name, request, network, costs, start, model)  # rounding made it dearer
        lower = min(Decimal(floor(bound_cents + 1e-6)) / 100, option.landed_cost).quantize(Decimal("0.01"))
        gap = float((option.landed_cost - lower) / option.landed_cost) if option.landed_cost else 0.0
        return replace(option, lower_bound=lower, gap=gap, solve_seconds=seconds)


def _out_of_reach(request: PlacementRequest) -> PlacementInfeasible:
    assert request.speed is not None, "only a speed target puts every plan out of reach"
    return PlacementInfeasible(f"no placement reaches {request.speed.share:.0%} of the expected units within "
                               f"{request.speed.within_days} days")
