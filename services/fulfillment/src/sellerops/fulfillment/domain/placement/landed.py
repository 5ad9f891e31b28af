"""The landed-cost model: what an allocation costs once its units reach the buyers, and how fast they do.

Buyers sit in destination regions (3-digit ZIP prefixes, network.BuyerRegions); each size tier of the plan
has a demand share per region (the request's learned `buyers`, else the table's population). The plan's
units of a tier are expected to sell in those shares. Regions are grouped by their nearest center into
catchments (at most one per center), and the expected outbound cost is that of the cheapest way to ship each
tier's expected demand per catchment from where the allocation put the tier's units: a transportation
problem (one LP, HiGHS), with per-unit costs and days by distance band (costs.OutboundRates) averaged over
the catchment's regions by their demand. Units of one size tier are interchangeable for this purpose (demand
is per seller and size tier, not per SKU). A `SpeedTarget` (at least `share` of the expected units within
`within_days`) becomes one more row of that LP; an allocation that cannot meet it is reported with
`meets_target` False. Pure: numbers in, numbers out; the optimal strategy's MIP uses the same arrays.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.domain.costs import CostModel, money
from sellerops.fulfillment.domain.network import EARTH_RADIUS_KM, BuyerRegions, Network

Array = Any  # a numpy array (numpy is imported when a plan is priced)

FAST_DAYS = 2  # every option reports the share of expected units delivered within this many days


@dataclass(frozen=True)
class SpeedTarget:
    """At least `share` (0-1) of the plan's expected units reach their buyers within `within_days`."""

    share: float
    within_days: int = FAST_DAYS

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1 or self.within_days < 0:
            raise ValueError(f"a speed target needs 0 <= share <= 1 and within_days >= 0, got {self}")


@dataclass(frozen=True)
class Speed:
    """Expected days to the buyer, over the plan's expected units: median, 90th percentile, share within 2."""

    days_p50: int
    days_p90: int
    share_within_2_days: float
    meets_target: bool | None = None  # None: the plan set no target


@dataclass(frozen=True)
class Scored:
    outbound: Decimal
    holding: Decimal
    speed: Speed
    flows: Any = field(default=None, compare=False, repr=False)  # numpy (pool, center, catchment) units


class LandedModel:
    """The arrays of one request on one network. Pools are the plan's size tiers (`tiers`); centers are the
    network's in id order; catchments are indexed like the centers (catchment k = regions nearest center k).
      demand[p, k]   expected units of pool p bought in catchment k (sums to the pool's units);
      cost[p, c, k]  cents to ship one unit of pool p from center c to catchment k;
      band[p, c, k, b] share of catchment k's demand that is in distance band b from center c;
      fast[p, c, k]  share within the speed target's days (FAST_DAYS without a target);
      holding[c]     cents to hold one unit at center c."""

    def __init__(self, request: Any, network: Network, costs: CostModel) -> None:
        import numpy as np

        self.np, self.target = np, request.speed
        buyers, rates = costs.buyers, costs.outbound
        assert buyers is not None, "a landed model is built only for a cost model with buyer regions"
        units = request.demand()
        self.tiers = [t for t in SizeTier if t in units]
        self.units = np.array([units[t] for t in self.tiers], dtype=float)
        self.centers = list(network.centers)
        self.center_index = {c.id: k for k, c in enumerate(self.centers)}
        m = len(self.centers)
        km = _distances(np, [c.lat for c in self.centers], [c.lon for c in self.centers], buyers.lat, buyers.lon)
        limits = [b.up_to_km for b in rates.bands[:-1]]
        in_band = np.searchsorted(np.array(limits, dtype=float), km, side="left")  # (center, region)
        catchment = np.argmin(km, axis=0)
        self.days = np.array([b.days for b in rates.bands])
        per_unit = np.array([float(b.per_unit) * 100 for b in rates.bands])
        centers_at: Array = np.arange(m)  # Array: numpy's stubs find no meshgrid overload for arange's dtype
        cc, zz = np.meshgrid(centers_at, np.arange(len(buyers.codes)), indexing="ij")
        self.demand = np.zeros((len(self.tiers), m))
        self.band = np.zeros((len(self.tiers), m, m, len(rates.bands)))
        for p, tier in enumerate(self.tiers):
            weight = _weights(np, buyers, request.buyers.get(tier))
            per_catchment = np.bincount(catchment, weights=weight, minlength=m)
            self.demand[p] = self.units[p] * per_catchment / per_catchment.sum()
            np.add.at(self.band[p], (cc.ravel(), catchment[zz.ravel()], in_band.ravel()), weight[zz.ravel()])
            self.band[p] /= np.where(per_catchment > 0, per_catchment, 1.0)[None, :, None]
        factor = np.array([float(rates.tier_factor.get(t, 1)) for t in self.tiers])
        self.cost = factor[:, None, None] * (self.band @ per_unit)
        within = self.target.within_days if self.target else FAST_DAYS
        self.fast = self.band[..., self.days <= within].sum(axis=-1)
        self.fast2 = self.band[..., self.days <= FAST_DAYS].sum(axis=-1)
        self.holding = np.array([float(rates.holding_per_unit.get(c.region, 0)) * 100 for c in self.centers])

    @classmethod
    def build(cls, request: Any, network: Network, costs: CostModel) -> "LandedModel":
        return cls(request, network, costs)

    def supply(self, by_tier: Mapping[SizeTier, Mapping[str, int]]) -> Array:  # (pool, center)
        supply = self.np.zeros((len(self.tiers), len(self.centers)))
        for p, tier in enumerate(self.tiers):
            for cid, n in by_tier.get(tier, {}).items():
                supply[p, self.center_index[cid]] += n
        return supply

    def score(self, by_tier: Mapping[SizeTier, Mapping[str, int]]) -> Scored:
        """Outbound cost, holding and speed of an allocation given as units per tier per center id."""
        supply = self.supply(by_tier)
        flows, meets = None, None
        if self.target is not None:
            flows = self.flows(supply, with_target=True)
            meets = flows is not None
        if flows is None:
            flows = self.flows(supply, with_target=False)
        outbound = money(float((flows * self.cost).sum()) / 100)
        holding = money(float((supply.sum(axis=0) * self.holding).sum()) / 100)
        return Scored(outbound, holding, self.speed(flows, meets), flows)

    def speed(self, flows: Array, meets: bool | None) -> Speed:
        np = self.np
        by_band = np.einsum("pck,pckb->b", flows, self.band)
        total = by_band.sum()
        order = np.argsort(self.days, kind="stable")
        cumulative = np.cumsum(by_band[order]) / total
        p50 = int(self.days[order][min(np.searchsorted(cumulative, 0.5 - 1e-9), len(order) - 1)])
        p90 = int(self.days[order][min(np.searchsorted(cumulative, 0.9 - 1e-9), len(order) - 1)])
        share = float((flows * self.fast2).sum() / total)
        return Speed(p50, p90, round(share, 6), meets)

    def flow_columns(self, centers: list[int] | None = None) -> list[tuple[int, int, int]]:
        """(pool, center, catchment) triples worth a flow: demand there and the center can hold the pool."""
        np = self.np
        allowed = range(len(self.centers)) if centers is None else centers
        return [(p, c, k) for p, tier in enumerate(self.tiers) for c in allowed
                if self.centers[c].can_receive(tier) for k in np.nonzero(self.demand[p] > 0)[0]]

    def flows(self, supply: Array, with_target: bool) -> Array | None:  # None if infeasible
        """The cheapest shipping of each pool's expected demand from its supply (a transportation LP)."""
        import highspy

        np = self.np
        columns = [(p, c, k) for p, c, k in self.flow_columns() if supply[p, c] > 0]
        pc = sorted({(p, c) for p, c, _ in columns})
        pk = sorted({(p, k) for p, _, k in columns})
        pc_row, pk_row = {key: r for r, key in enumerate(pc)}, {key: len(pc) + r for r, key in enumerate(pk)}
        speed_row = len(pc) + len(pk)
        rows = speed_row + (1 if with_target else 0)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(columns), rows
        lp.col_cost_ = np.array([self.cost[col] for col in columns])
        lp.col_lower_, lp.col_upper_ = np.zeros(len(columns)), np.full(len(columns), highspy.kHighsInf)
        bounds = [supply[key] for key in pc] + [self.demand[key] for key in pk]
        lower, upper = list(bounds), list(bounds)
        if with_target:
            lower.append(self.target.share * float(self.units.sum()) * (1 - 1e-9))
            upper.append(highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = np.array(lower, dtype=float), np.array(upper, dtype=float)
        index, value = [], []
        for p, c, k in columns:
            index += [pc_row[p, c], pk_row[p, k]] + ([speed_row] if with_target else [])
            value += [1.0, 1.0] + ([self.fast[p, c, k]] if with_target else [])
        per = 3 if with_target else 2
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(columns), rows
        lp.a_matrix_.start_ = np.arange(0, per * len(columns) + 1, per, dtype=np.int32)
        lp.a_matrix_.index_, lp.a_matrix_.value_ = np.array(index, dtype=np.int32), np.array(value, dtype=float)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        flows = np.zeros(self.cost.shape)
        for (p, c, k), x in zip(columns, h.getSolution().col_value):
            flows[p, c, k] = x
        return flows


def _distances(np: ModuleType, lat1: Array, lon1: Array, lat2: Array, lon2: Array) -> Array:
    """Haversine km, shaped (len(lat1), len(lat2))."""
    a1, o1 = np.radians(np.asarray(lat1))[:, None], np.radians(np.asarray(lon1))[:, None]
    a2, o2 = np.radians(np.asarray(lat2))[None, :], np.radians(np.asarray(lon2))[None, :]
    h = np.sin((a2 - a1) / 2) ** 2 + np.cos(a1) * np.cos(a2) * np.sin((o2 - o1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _weights(np: ModuleType, buyers: BuyerRegions, learned: Mapping[str, float] | None) -> Array:
    """A tier's demand weight per region: the learned one, else population (also when it names no known region)."""
    if learned:
        weight = np.zeros(len(buyers.codes))
        for code, w in learned.items():
            if code in buyers.index and w > 0:
                weight[buyers.index[code]] += w
        if weight.sum() > 0:
            return weight
    return np.asarray(buyers.weight, dtype=float)
