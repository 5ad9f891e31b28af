"""Placement strategies on small networks along the equator: center `lon` degrees east of the ship-from point
(0, 0) is `km(lon)` = 111.195 km per degree away."""

import dataclasses
import itertools
import random
from decimal import Decimal

import pytest

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.domain.costs import CostModel, FeeBracket, PlacementFees, SplitKind, TransportRates
from sellerops.fulfillment.domain.network import Center, Network, distance_km
from sellerops.fulfillment.domain.placement import (
    Distributed,
    Minimal,
    Optimal,
    PlacementInfeasible,
    PlacementRequest,
    PlanItem,
    price,
    register,
)
from sellerops.plugins.spec import PLACEMENT, Registry

S, L, B, X = SizeTier.SMALL_STANDARD, SizeTier.LARGE_STANDARD, SizeTier.LARGE_BULKY, SizeTier.EXTRA_LARGE
HERE = (0.0, 0.0)
STRATEGIES = (Minimal(), Distributed(), Optimal())


def fees(minimal: str = "0.30", partial: str = "0.20", optimized_from: int = 4) -> PlacementFees:
    d = Decimal
    return PlacementFees(
        brackets=(FeeBracket(S, None, d(minimal), d(partial)), FeeBracket(L, 1.0, d("0.40"), d("0.25")),
                  FeeBracket(L, None, d("0.60"), d("0.35")), FeeBracket(B, None, d("2.00"), d("1.00")),
                  FeeBracket(X, None, d("0.00"), d("0.00"))),
        region_factor={"WEST": d("1.5")}, optimized_min_centers=optimized_from)


COSTS = CostModel(fees(), TransportRates(base_per_shipment=Decimal("10.00"), per_kg_per_1000km=Decimal("1.00")))


def center(cid: str, lon: float, region: str = "EAST", **capacity: int) -> Center:
    return Center(id=cid, region=region, lat=0.0, lon=lon, capacity={SizeTier[k]: n for k, n in capacity.items()})


def item(sku: str, quantity: int, kg: float = 1.0, tier: SizeTier = S) -> PlanItem:
    return PlanItem(sku=sku, quantity=quantity, unit_weight_kg=kg, size_tier=tier)


def km(lon: float) -> float:
    return distance_km(HERE, (0.0, lon))


def allocation(option) -> dict[str, dict[str, int]]:
    return {s.center_id: dict(s.units) for s in option.shipments}


def random_case(seed: int, skus: int, centers: int, most: int = 40) -> tuple[PlacementRequest, Network]:
    rng = random.Random(seed)
    tiers = (S, S, L, L, B)
    items = [item(f"SKU-{k:03d}", rng.randint(1, most), round(rng.uniform(0.1, 6.0), 2), rng.choice(tiers))
             for k in range(skus)]
    request = PlacementRequest(tuple(items), HERE)
    need = request.demand()
    network = Network(tuple(
        center(f"C{c:02d}X", rng.uniform(-20, 20), rng.choice(("EAST", "WEST")),
               **{t.value: rng.randint(0, need.get(t, 0)) if rng.random() < 0.8 else 0 for t in (S, L, B)})
        for c in range(centers)) + (center("BIG1", 25, **{t.value: n for t, n in need.items()}),))
    return request, network


# ---- minimal ----

def test_minimal_puts_everything_in_one_center_when_one_has_room():
    network = Network((center("NEAR1", 0.5, SMALL_STANDARD=50), center("MID1", 1, SMALL_STANDARD=100),
                       center("FAR1", 2, SMALL_STANDARD=1000)))
    option = Minimal().place(PlacementRequest((item("A-1", 80, kg=0.5),), HERE), network, COSTS)
    assert allocation(option) == {"MID1": {"A-1": 80}}  # the nearest one with room for all 80
    assert option.split is SplitKind.MINIMAL
    shipment = option.shipments[0]
    assert (shipment.total_units, shipment.weight_kg) == (80, 40.0)
    assert shipment.transport_cost == Decimal("14.45")  # 10 + 1.00 x 40 kg x 111.195 km / 1000
    assert option.placement_fee == Decimal("24.00")  # 80 x 0.30
    assert option.total_cost == Decimal("38.45")


def test_minimal_pays_the_higher_fee_when_its_center_is_in_the_west():
    network = Network((center("WEST1", 1, "WEST", SMALL_STANDARD=100), center("EAST1", 2, SMALL_STANDARD=100)))
    option = Minimal().place(PlacementRequest((item("A-1", 10),), HERE), network, COSTS)
    assert option.centers == ("WEST1",)
    assert option.placement_fee == Decimal("4.50")  # 10 x 0.30 x 1.5


def test_minimal_uses_the_fewest_centers_greedily_when_none_can_take_everything():
    network = Network((center("AAA1", 1, SMALL_STANDARD=100), center("BBB1", 2, SMALL_STANDARD=60),
                       center("CCC1", 3, SMALL_STANDARD=80)))
    option = Minimal().place(PlacementRequest((item("A", 90), item("B", 60)), HERE), network, COSTS)
    # AAA1 takes the most (100); BBB1 and CCC1 could each take the last 50: the nearer one does
    assert allocation(option) == {"AAA1": {"A": 90, "B": 10}, "BBB1": {"B": 50}}
    assert option.split is SplitKind.PARTIAL
    assert option.placement_fee == Decimal("30.00")  # 150 x 0.20


# ---- fees follow the number of centers ----

@pytest.mark.parametrize(("centers", "kind", "fee", "transport"), [
    (1, SplitKind.MINIMAL, "12.00", "14.45"),  # 40 x 0.30; 10 + 40 kg x 111.195 km / 1000
    (2, SplitKind.PARTIAL, "8.00", "26.67"),  # 40 x 0.20; (10 + 20 x 0.111) + (10 + 20 x 0.222)
    (3, SplitKind.PARTIAL, "8.00", "37.78"),  # 12.22 + 12.22 + 13.34
    (4, SplitKind.OPTIMIZED, "0.00", "51.12"),  # 11.11 + 12.22 + 13.34 + 14.45
])
def test_the_fee_tier_follows_the_number_of_centers(centers, kind, fee, transport):
    network = Network(tuple(center(f"C{c}X1", c + 1, SMALL_STANDARD=40) for c in range(4)))
    request = PlacementRequest(tuple(item(f"S{k}", 10) for k in range(4)), HERE)
    plan = {f"C{c}X1": {} for c in range(centers)}
    for k in range(4):
        plan[f"C{k % centers}X1"][f"S{k}"] = 10
    option = price("test", request, network, COSTS, plan)
    assert (option.split, option.placement_fee, option.transport_cost) == (kind, Decimal(fee), Decimal(transport))


# ---- distributed ----

SHARED = {"A": 0.4, "B": 0.3, "C": 0.2, "D": 0.1}


def test_distributed_splits_each_sku_by_regional_demand_share_with_no_fee():
    network = Network(tuple(center(f"{r}1X", lon, r, SMALL_STANDARD=1000) for lon, r in enumerate("ABCD", 1)), SHARED)
    option = Distributed().place(PlacementRequest((item("A-1", 100),), HERE), network, COSTS)
    assert allocation(option) == {"A1X": {"A-1": 40}, "B1X": {"A-1": 30}, "C1X": {"A-1": 20}, "D1X": {"A-1": 10}}
    assert (option.split, option.placement_fee) == (SplitKind.OPTIMIZED, Decimal("0.00"))


def test_distributed_rotates_single_units_across_regions():
    network = Network(tuple(center(f"{r}1X", lon, r, SMALL_STANDARD=1000) for lon, r in enumerate("ABCD", 1)), SHARED)
    option = Distributed().place(PlacementRequest(tuple(item(f"S{k}", 1) for k in range(10)), HERE), network, COSTS)
    assert {s.center_id: s.total_units for s in option.shipments} == {"A1X": 4, "B1X": 3, "C1X": 2, "D1X": 1}


def test_distributed_uses_the_nearest_center_of_a_region_and_spills_what_does_not_fit():
    network = Network((center("A1X", 5, "A", SMALL_STANDARD=5), center("A2X", 9, "A", SMALL_STANDARD=0),
                       center("B1X", 1, "B", SMALL_STANDARD=1000), center("B2X", 7, "B", SMALL_STANDARD=1000),
                       center("C1X", 2, "C", SMALL_STANDARD=1000), center("D1X", 3, "D", SMALL_STANDARD=1000)), SHARED)
    option = Distributed().place(PlacementRequest((item("A-1", 100),), HERE), network, COSTS)
    # region A's share is 40 but it can receive 5: the other 35 go to the nearest center with room (B1X)
    assert {s.center_id: s.total_units for s in option.shipments} == {"A1X": 5, "B1X": 65, "C1X": 20, "D1X": 10}


# ---- every strategy ----

@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_every_strategy_places_each_unit_once_within_capacity(strategy):
    for seed in range(3):
        request, network = random_case(seed, skus=25, centers=5)
        option = strategy.place(request, network, COSTS)
        placed = {i.sku: 0 for i in request.items}
        tiers = {i.sku: i.size_tier for i in request.items}
        for shipment in option.shipments:
            load = dict.fromkeys(SizeTier, 0)
            for sku, n in shipment.units.items():
                placed[sku] += n
                load[tiers[sku]] += n
            assert all(n <= network.by_id[shipment.center_id].can_receive(t) for t, n in load.items())
        assert placed == {i.sku: i.quantity for i in request.items}
        assert option.split is COSTS.fees.split_kind(len(option.shipments))
        assert option.total_cost == option.placement_fee + option.transport_cost
        assert option.transport_cost == sum(s.transport_cost for s in option.shipments)


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_a_plan_the_network_cannot_receive_is_refused_naming_the_tier(strategy):
    network = Network((center("AAA1", 1, SMALL_STANDARD=10_000, LARGE_BULKY=700),
                       center("BBB1", 2, LARGE_BULKY=500)))
    request = PlacementRequest((item("BIG", 5000, kg=20, tier=B), item("S", 10), item("XL", 2, kg=40, tier=X)), HERE)
    with pytest.raises(PlacementInfeasible) as refused:
        strategy.place(request, network, COSTS)
    assert refused.value.reason == ("LARGE_BULKY: 5,000 units but the network can receive 1,200; "
                                    "EXTRA_LARGE: 2 units but the network can receive 0")


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_a_strategy_gives_the_same_plan_for_the_same_input(strategy):
    request, network = random_case(7, skus=30, centers=6)
    first, again = strategy.place(request, network, COSTS), strategy.place(request, network, COSTS)
    assert dataclasses.replace(first, solve_seconds=None) == dataclasses.replace(again, solve_seconds=None)


def test_register_adds_the_three_built_in_strategies():
    registry = Registry(PLACEMENT)
    register(registry)
    assert registry.names() == ["distributed", "minimal", "optimal"]
    assert all(registry.get(name).description for name in registry.names())


# ---- optimal ----

def test_optimal_never_costs_more_than_minimal_or_distributed():
    for seed in range(8):
        request, network = random_case(seed, skus=30, centers=6, most=400 if seed % 2 else 20)
        best = Optimal().place(request, network, COSTS)
        assert best.total_cost <= Minimal().place(request, network, COSTS).total_cost
        assert best.total_cost <= Distributed().place(request, network, COSTS).total_cost


def brute_force(request: PlacementRequest, network: Network, costs: CostModel) -> Decimal:
    """The cheapest of every way to place every unit within capacity."""
    per_sku = []
    for it in request.items:
        able = [c.id for c in network.centers if c.can_receive(it.size_tier)]
        splits = [dict(zip(able, parts)) for parts in itertools.product(range(it.quantity + 1), repeat=len(able))
                  if sum(parts) == it.quantity]
        per_sku.append((it, splits))
    best = None
    for choice in itertools.product(*(splits for _, splits in per_sku)):
        plan: dict[str, dict[str, int]] = {}
        for (it, _), split in zip(per_sku, choice):
            for cid, n in split.items():
                plan.setdefault(cid, {})[it.sku] = n
        try:
            total = price("brute", request, network, costs, plan).total_cost
        except ValueError:  # over capacity
            continue
        best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("seed", range(6))  # optimum: 3 (optimized) centers in seeds 0 and 4, 2 in 1-3, 1 in 5
def test_optimal_matches_a_brute_force_optimum_on_tiny_plans(seed):
    rng = random.Random(seed)
    costs = CostModel(fees(minimal="1.00", partial="0.60", optimized_from=3),
                      TransportRates(base_per_shipment=Decimal(rng.choice(("0.50", "3.00", "9.00"))),
                                     per_kg_per_1000km=Decimal("5.00")))
    network = Network(tuple(center(f"C{c}X1", rng.uniform(-8, 8), rng.choice(("EAST", "WEST")),
                                   SMALL_STANDARD=rng.randint(1, 5), LARGE_STANDARD=rng.randint(0, 4))
                            for c in range(3)) + (center("LAST1", 9, SMALL_STANDARD=6, LARGE_STANDARD=6),))
    request = PlacementRequest((item("A", rng.randint(1, 3), rng.uniform(0.2, 3)),
                                item("B", rng.randint(1, 3), rng.uniform(0.2, 3), L),
                                item("C", rng.randint(1, 2), rng.uniform(0.2, 3))), HERE)
    option = Optimal(mip_rel_gap=0.0).place(request, network, costs)
    cheapest = brute_force(request, network, costs)
    tolerance = Decimal("0.01") * len(network.centers)  # the solver works in unrounded cents
    assert cheapest - tolerance <= option.total_cost <= cheapest
    assert option.lower_bound <= cheapest + tolerance


def test_optimal_reports_its_lower_bound_gap_and_solve_time():
    request, network = random_case(3, skus=40, centers=6, most=300)
    option = Optimal().place(request, network, COSTS)
    assert option.lower_bound <= option.total_cost
    assert 0 <= option.gap <= 0.005
    assert option.gap == pytest.approx(float((option.total_cost - option.lower_bound) / option.total_cost))
    assert option.solve_seconds > 0
    heuristic = Minimal().place(request, network, COSTS)
    assert (heuristic.lower_bound, heuristic.gap, heuristic.solve_seconds) == (None, None, None)


def test_optimal_keeps_a_small_plan_in_one_center_when_base_charges_outweigh_the_fee():
    network = Network(tuple(center(f"C{c}X1", c + 1, SMALL_STANDARD=1000) for c in range(5)))
    request = PlacementRequest((item("A", 10), item("B", 5)), HERE)
    option = Optimal().place(request, network, COSTS)
    assert allocation(option) == {"C0X1": {"A": 10, "B": 5}}
    assert option == dataclasses.replace(Minimal().place(request, network, COSTS), strategy="optimal",
                                         lower_bound=option.lower_bound, gap=option.gap,
                                         solve_seconds=option.solve_seconds)


def test_optimal_opens_the_fewest_centers_that_waive_the_fee_when_that_is_cheaper():
    network = Network(tuple(center(f"C{c}X1", c + 1, SMALL_STANDARD=5000) for c in range(6)))
    option = Optimal().place(PlacementRequest((item("A", 1000, kg=0.2),), HERE), network, COSTS)
    # 1000 x 0.30 in fees against three more base charges of 10.00: four centers, the nearest, with a
    # single unit in each of the three extra ones (the cost model has no minimum shipment size)
    assert option.split is SplitKind.OPTIMIZED and option.placement_fee == 0
    assert {s.center_id: s.total_units for s in option.shipments} == {"C0X1": 997, "C1X1": 1, "C2X1": 1, "C3X1": 1}


def test_optimal_honours_a_short_time_limit_and_still_returns_a_plan():
    request, network = random_case(11, skus=300, centers=8, most=500)
    option = Optimal(time_limit_s=0.05).place(request, network, COSTS)
    assert option.solve_seconds < 1.0
    assert option.total_cost <= Minimal().place(request, network, COSTS).total_cost


# ---- requests ----

def test_a_request_lists_each_sku_once_with_units_and_weight():
    with pytest.raises(ValueError, match="repeated: A"):
        PlacementRequest((item("A", 1), item("B", 1), item("A", 2)), HERE)
    with pytest.raises(ValueError, match="A: quantity must be >= 1"):
        item("A", 0)
    with pytest.raises(ValueError, match="A: unit_weight_kg must be > 0"):
        item("A", 1, kg=0)
    with pytest.raises(ValueError, match="at least one item"):
        PlacementRequest((), HERE)
