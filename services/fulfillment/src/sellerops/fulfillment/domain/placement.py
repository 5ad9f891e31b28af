"""Inbound placement: which fulfillment centers receive a plan's units, and what that split costs.

A strategy turns a `PlacementRequest` into one `PlacementOption` (shipments per center, placement fee,
inbound transport) or raises `PlacementInfeasible`. The split kind, and so the fee, follows the number of
centers that receive units (costs.PlacementFees.split_kind), counted over the whole plan, not per size
tier. Built-ins: `minimal`, `distributed` and `optimal` (a mixed-integer program solved by HiGHS). This
module is the `sellerops.placement: builtin` entry point (`register`). Pure: no I/O and no clock (the
optimal strategy reports the solver's own run time); ties are broken by center id, then SKU.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from math import floor
from typing import Protocol

from sellerops.contracts.inbound import Dimensions, SizeTier
from sellerops.fulfillment.domain.costs import CostModel, FeeBracket, SplitKind, money
from sellerops.fulfillment.domain.network import Center, LatLon, Network, distance_km

Allocation = Mapping[str, Mapping[str, int]]  # center id → sku → units


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
    """The units to send (one line per SKU) and where they ship from (lat, lon; see network.locate)."""

    items: tuple[PlanItem, ...]
    ship_from: LatLon

    def __post_init__(self) -> None:
        items = tuple(sorted(self.items, key=lambda i: i.sku))
        if not items:
            raise ValueError("a placement request needs at least one item")
        twice = sorted({a.sku for a, b in zip(items, items[1:]) if a.sku == b.sku})
        if twice:
            raise ValueError(f"each SKU goes on one line; repeated: {', '.join(twice)}")
        object.__setattr__(self, "items", items)

    def demand(self) -> dict[SizeTier, int]:
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
    """One split of the plan. `lower_bound`/`gap`/`solve_seconds` come from a solver (None for heuristics):
    no placement can cost less than `lower_bound`; `gap` = (total_cost - lower_bound) / total_cost."""

    strategy: str
    split: SplitKind
    shipments: tuple[PlannedShipment, ...]
    placement_fee: Decimal
    transport_cost: Decimal
    total_cost: Decimal
    lower_bound: Decimal | None = None
    gap: float | None = None
    solve_seconds: float | None = None

    @property
    def centers(self) -> tuple[str, ...]:
        return tuple(s.center_id for s in self.shipments)


class PlacementInfeasible(Exception):
    """The network cannot receive the plan; `reason` says which tiers do not fit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PlacementStrategy(Protocol):
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
    fees = costs.fees
    return {i.sku: fees.bracket(i.size_tier, fees.fee_weight_kg(i.size_tier, i.unit_weight_kg, i.dimensions))
            for i in request.items}


def by_distance(request: PlacementRequest, centers: tuple[Center, ...] | list[Center]) -> list[Center]:
    return sorted(centers, key=lambda c: (distance_km(request.ship_from, c.location), c.id))


def price(strategy: str, request: PlacementRequest, network: Network, costs: CostModel, allocation: Allocation,
          **solver: object) -> PlacementOption:
    """Cost an allocation exactly as every strategy is judged: fee per unit by the split kind of the whole plan
    and the destination's region, transport per shipment. Refuses allocations that break capacity or demand."""
    items = {i.sku: i for i in request.items}
    used = sorted(cid for cid, units in allocation.items() if any(units.values()))
    kind = costs.fees.split_kind(len(used))
    brackets = fee_brackets(request, costs)
    placed: dict[str, int] = defaultdict(int)
    shipments = []
    for cid in used:
        center = network.by_id[cid]
        units = {sku: n for sku, n in sorted(allocation[cid].items()) if n}
        load: dict[SizeTier, int] = defaultdict(int)
        for sku, n in units.items():
            load[items[sku].size_tier] += n
            placed[sku] += n
        if over := [t.value for t, n in load.items() if n > center.can_receive(t)]:
            raise ValueError(f"allocation exceeds {cid}'s capacity for {', '.join(over)}")
        weight = sum(items[sku].unit_weight_kg * n for sku, n in units.items())
        km = distance_km(request.ship_from, center.location)
        fee = sum((costs.fees.unit_fee(brackets[sku], kind, center.region) * n for sku, n in units.items()),
                  Decimal("0.00"))
        shipments.append(PlannedShipment(cid, units, sum(units.values()), weight, km,
                                         costs.transport.cost(weight, km), money(fee)))
    if wrong := [sku for sku, item in items.items() if placed[sku] != item.quantity]:
        raise ValueError(f"allocation does not place each unit exactly once: {', '.join(wrong[:5])}")
    fee = sum((s.placement_fee for s in shipments), Decimal("0.00"))
    transport = sum((s.transport_cost for s in shipments), Decimal("0.00"))
    return PlacementOption(strategy, kind, tuple(shipments), fee, transport, fee + transport, **solver)


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


def _room(network: Network) -> dict[str, dict[SizeTier, int]]:
    return {c.id: dict(c.capacity) for c in network.centers}


# ---- minimal ----

class Minimal:
    name = "minimal"
    description = ("Fewest centers: the nearest center that can receive the whole plan; otherwise the fewest "
                   "centers picked greedily (most units first, then nearest). Highest placement fee.")

    def place(self, request: PlacementRequest, network: Network, costs: CostModel) -> PlacementOption:
        check_capacity(request, network)
        demand = request.demand()
        nearest = by_distance(request, network.centers)
        for center in nearest:
            if all(center.can_receive(tier) >= n for tier, n in demand.items()):
                everything = {center.id: {i.sku: i.quantity for i in request.items}}
                return price(self.name, request, network, costs, everything)
        return price(self.name, request, network, costs, self.fewest(request, nearest, network))

    @staticmethod
    def fewest(request: PlacementRequest, nearest: list[Center], network: Network) -> dict[str, dict[str, int]]:
        room, allocation = _room(network), defaultdict(dict)
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


# ---- distributed ----

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

    def place(self, request: PlacementRequest, network: Network, costs: CostModel) -> PlacementOption:
        return price(self.name, request, network, costs, self.allocate(request, network))

    @staticmethod
    def allocate(request: PlacementRequest, network: Network) -> dict[str, dict[str, int]]:
        check_capacity(request, network)
        shares = network.shares()
        regions = list(shares)
        local = {r: by_distance(request, [c for c in network.centers if c.region == r]) for r in regions}
        room, allocation = _room(network), defaultdict(dict)
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


# ---- optimal ----

KINDS = (SplitKind.MINIMAL, SplitKind.PARTIAL, SplitKind.OPTIMIZED)


class Optimal:
    """Least placement fee + inbound transport under the capacity limits, as a mixed-integer program (HiGHS).

    The cheaper of `minimal` and `distributed` is the first incumbent, so it never returns a dearer plan.
    Stops once within `mip_rel_gap` of the solver's lower bound or after `time_limit_s` of solver time
    (building the model, about 0.1 s at 2,000 SKUs x 30 centers, comes on top) and reports the bound and
    the gap. Deterministic when it stops on the gap; a plan cut short by the time limit depends on the
    machine's speed."""

    name = "optimal"
    description = ("Least placement fee + inbound transport within capacity: a mixed-integer program solved by "
                   "HiGHS; reports its lower bound and gap.")

    def __init__(self, time_limit_s: float = 2.0, mip_rel_gap: float = 0.005) -> None:
        self.time_limit_s, self.mip_rel_gap = time_limit_s, mip_rel_gap

    def place(self, request: PlacementRequest, network: Network, costs: CostModel) -> PlacementOption:
        check_capacity(request, network)
        heuristics = (Minimal().place(request, network, costs), Distributed().place(request, network, costs))
        best = min(heuristics, key=lambda o: o.total_cost)
        start = {s.center_id: s.units for s in best.shipments}
        solved = _Mip(request, network, costs).solve(start, self.time_limit_s, self.mip_rel_gap)
        if solved is None:
            return price(self.name, request, network, costs, start)
        allocation, bound_cents, seconds = solved
        option = price(self.name, request, network, costs, allocation)
        if option.total_cost > best.total_cost:  # only per-shipment cent rounding can make it so
            option = price(self.name, request, network, costs, start)
        lower = min(Decimal(floor(bound_cents + 1e-6)) / 100, option.total_cost).quantize(Decimal("0.01"))
        gap = float((option.total_cost - lower) / option.total_cost) if option.total_cost else 0.0
        return replace(option, lower_bound=lower, gap=gap, solve_seconds=seconds)


class _Mip:
    """The model, in cents. Columns:
      x[i,c]   units of SKU i to center c (only where c receives i's size tier), cost = transport per unit;
      X[g,c,k] units of fee class g (tier + weight bracket: same fee) to c under split kind k, cost = fee;
      y[c]     binary, c receives units, cost = base charge per shipment;
      z[k]     binary, the plan's split kind.
    Rows: per SKU sum_c x = q; per (g, c) sum_{i in g} x = sum_k X; per (tier, c) sum X <= min(cap, units) * y
    (capacity, and a closed center receives nothing); per (g, c) sum_k X <= room * y, per (g, c, k)
    X <= room * z[k] and per (g, k) sum_c X <= units_g * z[k] (no units under an unchosen kind; these
    disaggregated links keep the relaxation tight); per c sum X >= y (an open center receives a unit); one
    kind; lo_k * z <= sum y <= hi_k * z. SKUs enter only through their own row and their class's rows: no
    row per (SKU, center), about n + 6 x classes x centers rows in all.

    x and X are continuous: once y and z are fixed, what is left is two laminar families of rows (per SKU;
    per (class, center) inside (tier, center) inside center), a totally unimodular matrix with integral
    right-hand sides, so basic solutions are integral. Solutions not at a vertex (heuristic incumbents)
    are rounded down and repaired within capacity (`_integral`); `price` re-checks every plan."""

    def __init__(self, request: PlacementRequest, network: Network, costs: CostModel) -> None:
        import numpy as np

        self.np, self.request, self.costs = np, request, costs
        demand = request.demand()
        self.tiers = [t for t in SizeTier if t in demand]
        self.centers = [c for c in network.centers if any(c.can_receive(t) for t in self.tiers)]
        brackets = fee_brackets(request, costs)
        self.classes = sorted(set(brackets.values()), key=costs.fees.brackets.index)
        items = request.items
        self.qty = np.array([i.quantity for i in items])
        self.tier_of = np.array([self.tiers.index(i.size_tier) for i in items])
        class_index = {b: g for g, b in enumerate(self.classes)}
        self.class_of = np.array([class_index[brackets[i.sku]] for i in items])
        self.cap = np.array([[c.can_receive(t) for c in self.centers] for t in self.tiers])
        self.km = np.array([distance_km(request.ship_from, c.location) for c in self.centers])

    def solve(self, start: Allocation, time_limit_s: float, gap: float) -> tuple[Allocation, float, float] | None:
        """Relax, round, then branch: the LP relaxation gives a lower bound; fixing y and z (`_improve`) gives
        integral plans; only if the best of those and `start` is not within `gap` of the bound does HiGHS
        branch and cut (`_branch`) for the time left. Returns (allocation, lower bound in cents, solver seconds)."""
        import highspy

        lp, start_values = self._model(start)
        h = _highs(lp, time_limit_s, gap)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution, bound = h.getSolution(), h.getInfo().objective_function_value
        relaxed, reduced = self.np.asarray(solution.col_value), self.np.asarray(solution.col_dual)
        best = self._improve(h, relaxed, (float(lp.col_cost_ @ start_values), start_values), bound, gap,
                             until=time_limit_s / 2)
        allocation, seconds = self._allocation(self._integral(best[1][: len(self.x_item)])), h.getRunTime()
        if best[0] - bound > gap * abs(best[0]) and seconds < time_limit_s - 0.05:
            reduced_y = reduced[self.binaries[: len(self.centers)]]
            allocation, bound, more = self._branch(allocation, best[0], bound, reduced_y, time_limit_s - seconds, gap)
            seconds += more
        return allocation, bound, seconds

    def _improve(self, h, relaxed, best, bound: float, gap: float, until: float):  # noqa: ANN001, ANN202
        """Open every center the relaxation sends units to (topped up with the nearest ones when it leans to the
        optimized kind with too few), then close them one at a time, smallest flow first, keeping each closing
        that makes the plan cheaper: the relaxation opens centers for a few units."""
        np, fees, m = self.np, self.costs.fees, len(self.centers)
        flow = np.bincount(self.x_center, weights=relaxed[: len(self.x_item)], minlength=m)
        opened = [int(c) for c in np.nonzero(flow > 1e-6)[0]]
        if KINDS[int(np.argmax(relaxed[-len(KINDS):]))] is SplitKind.OPTIMIZED:
            nearest = [int(c) for c in np.argsort(self.km, kind="stable") if c not in opened]
            opened += nearest[: max(0, min(fees.optimized_min_centers, m) - len(opened))]
        opened.sort(key=lambda c: (flow[c], self.km[c], c))
        keep, current = opened, None
        for closed in (None, *opened):
            trial = [c for c in keep if c != closed]
            found = self._with_open(h, trial) if trial else None
            if found is not None and (current is None or found[0] < current[0]):
                keep, current, best = trial, found, min(best, found, key=lambda b: b[0])
            if best[0] - bound <= gap * abs(best[0]) or h.getRunTime() > until:
                break
        return best

    def _with_open(self, h, keep: list[int]):  # noqa: ANN001, ANN202 - (cost, column values) or None
        import highspy

        fixed = self.np.zeros(len(self.centers) + len(KINDS))
        fixed[keep] = 1
        fixed[len(self.centers) + KINDS.index(self.costs.fees.split_kind(len(keep)))] = 1
        h.changeColsBounds(len(fixed), self.binaries, fixed, fixed)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return h.getInfo().objective_function_value, self.np.asarray(h.getSolution().col_value)

    def _branch(self, allocation: Allocation, incumbent: float, bound: float, reduced, time_left: float,
                gap: float) -> tuple[Allocation, float, float]:  # noqa: ANN001 - reduced: numpy array
        """Branch and cut on a smaller model. Reduced-cost fixing on the relaxation: opening a center whose
        reduced cost exceeds incumbent - bound cannot beat the incumbent, so its columns are dropped (the
        optimum is unchanged and the sub-model's bound stays valid); a center whose closing would cost that
        much stays open. Typically two thirds of the centers go, and HiGHS branches on the rest."""
        import highspy

        np, slack = self.np, incumbent - bound + 1e-6 * abs(incumbent) + 1.0
        used = {cid for cid, units in allocation.items() if any(units.values())}
        kept = tuple(c for c, r in zip(self.centers, reduced) if r <= slack or c.id in used)
        sub = _Mip(self.request, Network(kept), self.costs)
        lp, start_values = sub._model(allocation)
        h, n = _highs(lp, time_left, gap), len(sub.binaries)
        for heuristic in ("rins", "rens", "feasibility_jump", "root_reduced_cost"):  # the incumbent is good:
            h.setOptionValue(f"mip_heuristic_run_{heuristic}", False)  # spend the time on the bound
        h.setOptionValue("mip_heuristic_effort", 0.0)
        forced = dict(zip((c.id for c in self.centers), reduced < -slack))
        lower = np.array([float(forced[c.id]) for c in sub.centers] + [0.0] * len(KINDS))
        h.changeColsBounds(n, sub.binaries, lower, np.ones(n))
        h.changeColsIntegrality(n, sub.binaries, np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8))
        h.setSolution(sub.n_cols, np.arange(sub.n_cols, dtype=np.int32), start_values)
        h.run()
        info = h.getInfo()
        if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value:
            if info.objective_function_value < incumbent:
                allocation = sub._allocation(sub._integral(np.asarray(h.getSolution().col_value)[: len(sub.x_item)]))
            if np.isfinite(info.mip_dual_bound):
                bound = max(bound, info.mip_dual_bound)
        return allocation, bound, h.getRunTime()

    def _model(self, start: Allocation):  # noqa: ANN202 - (highspy.HighsLp, start column values)
        import highspy

        np, fees, centers = self.np, self.costs.fees, self.centers
        m, kinds, inf = len(centers), len(KINDS), highspy.kHighsInf
        class_tier = np.array([self.tiers.index(b.size_tier) for b in self.classes])
        class_units = np.bincount(self.class_of, weights=self.qty, minlength=len(self.classes))
        gc, tc = np.argwhere(self.cap[class_tier] > 0), np.argwhere(self.cap > 0)  # (class, center) pairs
        pair_of = np.full((len(self.classes), m), -1)
        pair_of[gc[:, 0], gc[:, 1]] = np.arange(len(gc))
        room = np.minimum(self.cap[class_tier[gc[:, 0]], gc[:, 1]], class_units[gc[:, 0]])
        lower, upper_row = [self.qty], [self.qty]

        def rows(count: int, low: float, high: float):  # noqa: ANN202
            first = sum(len(b) for b in lower)
            lower.append(np.full(count, low)), upper_row.append(np.full(count, high))
            return np.arange(first, first + count)

        pair_row = rows(len(gc), 0, 0)
        cap_row = np.full(self.cap.shape, -1)
        cap_row[tc[:, 0], tc[:, 1]] = rows(len(tc), -inf, 0)
        y_link, z_link = rows(len(gc), -inf, 0), rows(len(gc) * kinds, -inf, 0).reshape(-1, kinds)
        class_kind, center_row = rows(len(self.classes) * kinds, -inf, 0).reshape(-1, kinds), rows(m, 0, inf)
        tier_units = np.bincount(self.tier_of, weights=self.qty, minlength=len(self.tiers))
        tier_room = np.minimum(self.cap, tier_units[:, None])
        one_kind, at_least, at_most = rows(1, 1, 1)[0], rows(1, 0, inf)[0], rows(1, -inf, 0)[0]

        ii, cc = np.nonzero(self.cap[self.tier_of] > 0)  # x columns, SKU-major
        self.x_item, self.x_center, self.pair_of = ii, cc, pair_of
        per_kg_km = float(self.costs.transport.per_kg_per_1000km) * 100 / 1000
        weight = np.array([i.unit_weight_kg for i in self.request.items])
        cost = [per_kg_km * weight[ii] * self.km[cc]]
        upper = [np.minimum(self.qty[ii], self.cap[self.tier_of[ii], cc])]
        index = [np.column_stack([ii, pair_row[pair_of[self.class_of[ii], cc]]]).ravel()]
        value, counts = [np.ones(2 * len(ii))], [np.full(len(ii), 2)]

        def column(at: list, values: list, col_cost: float, col_upper: float) -> None:
            index.append(np.array(at)), value.append(np.array(values, dtype=float))
            cost.append([col_cost]), upper.append([col_upper]), counts.append([len(at)])

        for p, (g, c) in enumerate(gc):
            for k, kind in enumerate(KINDS):
                fee = float(fees.unit_fee(self.classes[g], kind, centers[c].region)) * 100
                column([pair_row[p], cap_row[class_tier[g], c], y_link[p], z_link[p, k], class_kind[g, k],
                        center_row[c]], [-1, 1, 1, 1, 1, 1], fee, room[p])
        base = float(self.costs.transport.base_per_shipment) * 100
        for c in range(m):
            pairs, tiers = np.nonzero(gc[:, 1] == c)[0], np.nonzero(self.cap[:, c] > 0)[0]
            column([*cap_row[tiers, c], *y_link[pairs], center_row[c], at_least, at_most],
                   [*-tier_room[tiers, c], *-room[pairs], -1, 1, 1], base, 1)
        lo = (1, fees.partial_min_centers, fees.optimized_min_centers)
        hi = (fees.partial_min_centers - 1, fees.optimized_min_centers - 1, m)
        for k in range(kinds):
            column([*z_link[:, k], *class_kind[:, k], one_kind, at_least, at_most],
                   [*-room, *-class_units, 1, -lo[k], -hi[k]], 0.0, 1)

        self.n_cols = len(ii) + len(gc) * kinds + m + kinds
        self.binaries = np.arange(self.n_cols - m - kinds, self.n_cols, dtype=np.int32)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, at_most + 1
        lp.col_cost_, lp.col_lower_ = np.concatenate(cost), np.zeros(self.n_cols)
        lp.col_upper_ = np.concatenate(upper).astype(float)
        lp.row_lower_, lp.row_upper_ = np.concatenate(lower).astype(float), np.concatenate(upper_row).astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n_cols, at_most + 1
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.int32)
        lp.a_matrix_.index_ = np.concatenate(index).astype(np.int32)
        lp.a_matrix_.value_ = np.concatenate(value)
        return lp, self._start(start)

    def _start(self, start: Allocation):  # noqa: ANN202 - numpy array of column values
        np, m, kinds = self.np, len(self.centers), len(KINDS)
        column_of = np.full((len(self.qty), m), -1)
        column_of[self.x_item, self.x_center] = np.arange(len(self.x_item))
        sku_index = {item.sku: i for i, item in enumerate(self.request.items)}
        center_index = {c.id: k for k, c in enumerate(self.centers)}
        values = np.zeros(self.n_cols)
        used = sorted({center_index[cid] for cid, units in start.items() if any(units.values())})
        kind = KINDS.index(self.costs.fees.split_kind(len(used)))
        first_y = self.n_cols - m - kinds
        for cid, units in start.items():
            c = center_index[cid]
            for sku, n in units.items():
                i = sku_index[sku]
                values[column_of[i, c]] += n
                values[len(self.x_item) + self.pair_of[self.class_of[i], c] * kinds + kind] += n
        values[first_y + np.array(used, dtype=int)] = 1
        values[first_y + m + kind] = 1
        return values

    def _integral(self, x):  # noqa: ANN001, ANN202 - numpy arrays
        np = self.np
        units = np.floor(x + 1e-6).astype(np.int64)
        placed = np.bincount(self.x_item, weights=units, minlength=len(self.qty)).astype(np.int64)
        if (placed == self.qty).all():
            return units
        room = self.cap.copy()
        np.subtract.at(room, (self.tier_of[self.x_item], self.x_center), units)
        for i in np.nonzero(placed != self.qty)[0]:
            cols, t = np.nonzero(self.x_item == i)[0], self.tier_of[i]
            frac = x[cols] - units[cols]
            short = int(self.qty[i] - placed[i])
            order = np.lexsort((self.km[self.x_center[cols]], -frac if short > 0 else frac))
            for col in cols[order]:
                c = self.x_center[col]
                step = min(short, room[t, c]) if short > 0 else -min(-short, units[col])
                units[col] += step
                room[t, c] -= step
                short -= step
        return units

    def _allocation(self, units) -> dict[str, dict[str, int]]:  # noqa: ANN001
        allocation: dict[str, dict[str, int]] = defaultdict(dict)
        for col in self.np.nonzero(units)[0]:
            sku = self.request.items[self.x_item[col]].sku
            allocation[self.centers[self.x_center[col]].id][sku] = int(units[col])
        return allocation


def _highs(lp, time_limit_s: float, gap: float):  # noqa: ANN001, ANN202 - highspy objects
    import highspy

    h = highspy.Highs()
    for option, value in (("output_flag", False), ("mip_rel_gap", float(gap)), ("time_limit", float(time_limit_s)),
                          ("presolve", "off")):  # presolve removes nothing here (measured) and costs ~0.4 s
        h.setOptionValue(option, value)
    h.passModel(lp)
    return h


def register(registry) -> None:  # noqa: ANN001 - sellerops.plugins.spec.Registry[PlacementStrategy]
    for strategy in (Minimal(), Distributed(), Optimal()):
        registry.add(strategy.name, strategy)
