"""What every placement strategy shares: the request, the option it returns, and `price`, the one scoring.

`price` is the objective every strategy is judged by, built-in or third-party: placement fee (by the split
kind of the whole plan and the destination's region) + inbound transport (per shipment) + expected
outbound cost to the buyers and holding (landed.py, when the cost model knows where buyers are). Pure.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, TypedDict, Unpack

from sellerops.contracts.inbound import Dimensions, SizeTier, SplitKind
from sellerops.fulfillment.domain.costs import CostModel, FeeBracket, money
from sellerops.fulfillment.domain.network import Center, LatLon, Network, distance_km
from sellerops.fulfillment.domain.placement import landed

Allocation = Mapping[str, Mapping[str, int]]  # center id → sku → units
ZERO = Decimal("0.00")


class SolverFacts(TypedDict, total=False):
    """What a solver reports with its option (PlacementOption's fields of the same names)."""

    lower_bound: Decimal | None
    gap: float | None
    solve_seconds: float | None


@dataclass(frozen=True, slots=True)
class PlanItem:
    sku: str
    quantity: int
    unit_weight_kg: float
    size_tier: SizeTier
    dimensions: Dimensions | None = None

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError(f"{self.sku}: quantity must be >= 1, got {self.quantity}")
        if not self.unit_weight_kg > 0:
            raise ValueError(f"{self.sku}: unit_weight_kg must be > 0, got {self.unit_weight_kg}")


@dataclass(frozen=True)
class PlacementRequest:
    """The units to send (one line per SKU), where they ship from (lat, lon; see network.locate), where
    their buyers are (`buyers`: size tier → ZIP3 → weight, learned from the seller's orders, see demand.py;
    a tier left out gets the default, population) and how fast they must reach them (`speed`, or None)."""

    items: tuple[PlanItem, ...]
    ship_from: LatLon
    buyers: Mapping[SizeTier, Mapping[str, float]] | None = None
    speed: landed.SpeedTarget | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # fee brackets per fee table (fee_brackets)

    def __post_init__(self) -> None:
        items = tuple(sorted(self.items, key=lambda i: i.sku))
        if not items:
            raise ValueError("a placement request needs at least one item")
        twice = sorted({a.sku for a, b in zip(items, items[1:]) if a.sku == b.sku})
        if twice:
            raise ValueError(f"each SKU goes on one line; repeated: {', '.join(twice)}")
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "buyers", dict(self.buyers or {}))

    def demand(self) -> dict[SizeTier, int]:
        """Units to place per size tier."""
        units: dict[SizeTier, int] = defaultdict(int)
        for item in self.items:
            units[item.size_tier] += item.quantity
        return dict(units)


@dataclass(frozen=True)
class PlannedShipment:
    center_id: str
    units: Mapping[str, int]  # sku → units, in sku order
    total_units: int
    weight_kg: float
    distance_km: float
    transport_cost: Decimal
    placement_fee: Decimal


@dataclass(frozen=True)
class PlacementOption:
    """One split of the plan. `total_cost` = placement fee + inbound transport; `landed_cost` adds the
    expected outbound cost and holding (equal to total_cost when the cost model has no buyer regions).
    `lower_bound`/`gap`/`solve_seconds` come from a solver (None for heuristics) and refer to the landed
    cost: no placement can cost less than `lower_bound`; `gap` = (landed_cost - lower_bound) / landed_cost."""

    strategy: str
    split: SplitKind
    shipments: tuple[PlannedShipment, ...]
    placement_fee: Decimal
    transport_cost: Decimal
    total_cost: Decimal
    lower_bound: Decimal | None = None
    gap: float | None = None
    solve_seconds: float | None = None
    outbound_cost: Decimal = ZERO
    holding_cost: Decimal = ZERO
    landed_cost: Decimal = ZERO
    speed: landed.Speed | None = None

    @property
    def centers(self) -> tuple[str, ...]:
        return tuple(s.center_id for s in self.shipments)

    def allocation(self) -> dict[str, dict[str, int]]:
        return {s.center_id: dict(s.units) for s in self.shipments}


class PlacementInfeasible(Exception):
    """The network cannot receive the plan; `reason` says which tiers do not fit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PlacementStrategy(Protocol):
    """A placement plugin. `place` returns the allocation it chose as a PlacementOption built with `price`;
    the service re-prices every option with `price` so that all are judged by the same landed cost."""

    name: str
    description: str

    def place(self, request: PlacementRequest, network: Network, costs: CostModel) -> PlacementOption: ...


# ---- shared steps ----

def check_capacity(request: PlacementRequest, network: Network) -> None:
    short, demand = [], request.demand()
    for tier in SizeTier:
        need = demand.get(tier, 0)
        room = sum(c.can_receive(tier) for c in network.centers)
        if need > room:
            short.append(f"{tier.value}: {need:,} units but the network can receive {room:,}")
    if short:
        raise PlacementInfeasible("; ".join(short))


def fee_brackets(request: PlacementRequest, costs: CostModel) -> dict[str, FeeBracket]:
    """Each SKU's fee bracket; kept on the request for the fee table it was computed with."""
    fees, memo = costs.fees, request.memo.get("brackets")
    if memo is None or memo[0] is not fees:
        memo = (fees, {i.sku: fees.bracket(i.size_tier, fees.fee_weight_kg(i.size_tier, i.unit_weight_kg, i.dimensions))
                       for i in request.items})
        request.memo["brackets"] = memo
    return memo[1]


def by_distance(request: PlacementRequest, centers: tuple[Center, ...] | list[Center]) -> list[Center]:
    return sorted(centers, key=lambda c: (distance_km(request.ship_from, c.location), c.id))


def price(strategy: str, request: PlacementRequest, network: Network, costs: CostModel, allocation: Allocation,
          model: "landed.LandedModel | None" = None, **solver: Unpack[SolverFacts]) -> PlacementOption:
    """Cost an allocation exactly as every strategy is judged: fee per unit by the split kind of the whole plan
    and the destination's region, transport per shipment, then (with buyer regions) the expected outbound
    cost, holding and delivery speed of landed.py. Refuses allocations that break capacity or demand.
    `model` is the request's LandedModel when the caller built it already."""
    items = {i.sku: i for i in request.items}
    used = sorted(cid for cid, units in allocation.items() if any(units.values()))
    kind = costs.fees.split_kind(len(used))
    brackets = fee_brackets(request, costs)
    placed: dict[str, int] = defaultdict(int)
    shipments, supply = [], defaultdict[SizeTier, dict[str, int]](dict)
    for cid in used:
        center = network.by_id[cid]
        unit_fee: dict[int, Decimal] = {}  # bracket id -> fee at this center
        units = {sku: n for sku, n in sorted(allocation[cid].items()) if n}
        load: dict[SizeTier, int] = defaultdict(int)
        fee = ZERO
        for sku, n in units.items():
            load[items[sku].size_tier] += n
            placed[sku] += n
            bracket = brackets[sku]
            rate = unit_fee.get(id(bracket))
            if rate is None:
                rate = unit_fee[id(bracket)] = costs.fees.unit_fee(bracket, kind, center.region)
            fee += rate * n
        if over := [t.value for t, n in load.items() if n > center.can_receive(t)]:
            raise ValueError(f"allocation exceeds {cid}'s capacity for {', '.join(over)}")
        for tier, n in load.items():
            supply[tier][cid] = n
        weight = sum(items[sku].unit_weight_kg * n for sku, n in units.items())
        km = distance_km(request.ship_from, center.location)
        shipments.append(PlannedShipment(cid, units, sum(units.values()), weight, km,
                                         costs.transport.cost(weight, km), money(fee)))
    if wrong := [sku for sku, item in items.items() if placed[sku] != item.quantity]:
        raise ValueError(f"allocation does not place each unit exactly once: {', '.join(wrong[:5])}")
    fee = sum((s.placement_fee for s in shipments), ZERO)
    transport = sum((s.transport_cost for s in shipments), ZERO)
    outbound, holding, speed = ZERO, ZERO, None
    if costs.buyers is not None:
        model = model or landed.LandedModel.build(request, network, costs)
        scored = model.score(supply)
        outbound, holding, speed = scored.outbound, scored.holding, scored.speed
    return PlacementOption(strategy, kind, tuple(shipments), fee, transport, fee + transport,
                           outbound_cost=outbound, holding_cost=holding,
                           landed_cost=fee + transport + outbound + holding, speed=speed, **solver)


def fill(item: PlanItem, units: int, centers: list[Center], room: dict[str, dict[SizeTier, int]],
         allocation: dict[str, dict[str, int]]) -> int:
    """Put up to `units` of `item` into `centers` in order while they have room; returns what did not fit."""
    for center in centers:
        if units == 0:
            break
        take = min(units, room[center.id].get(item.size_tier, 0))
        if take:
            room[center.id][item.size_tier] -= take
            allocation[center.id][item.sku] = allocation[center.id].get(item.sku, 0) + take
            units -= take
    return units


def room_of(network: Network) -> dict[str, dict[SizeTier, int]]:
    return {c.id: dict(c.capacity) for c in network.centers}
