"""The built-in `nearest` sourcing: one center when one can ship it all, the fewest centers otherwise."""

import pytest

from sellerops.contracts.inventory import Allocation, Shortfall
from sellerops.fulfillment.domain import sourcing
from sellerops.plugins.spec import SOURCING, Registry

CENTERS = {"SMF3": (37.95, -121.29), "MDW2": (41.52, -88.08), "ABE8": (40.21, -74.60)}
NEW_YORK, SEATTLE = (40.71, -74.01), (47.61, -122.33)
nearest = sourcing.Nearest()


def placed(allocations: list[Allocation]) -> list[tuple]:
    return [(a.item_id, a.center_id, a.quantity) for a in allocations]


def test_the_distance_between_two_points_is_the_great_circle_distance():
    assert sourcing.haversine_km(NEW_YORK, NEW_YORK) == 0
    assert sourcing.haversine_km(NEW_YORK, SEATTLE) == pytest.approx(3866, rel=0.01)


def test_the_nearest_center_that_can_ship_the_whole_order_ships_it():
    stock = {"MUG": {"SMF3": 10, "ABE8": 5}, "CUP": {"SMF3": 1, "ABE8": 1}}
    allocations, shortfalls = nearest.choose([("i1", "MUG", 2), ("i2", "CUP", 1)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "ABE8", 2), ("i2", "ABE8", 1)] and shortfalls == []
    allocations, _ = nearest.choose([("i1", "MUG", 2)], stock, CENTERS, SEATTLE)
    assert placed(allocations) == [("i1", "SMF3", 2)]


def test_a_farther_center_holding_it_all_beats_splitting_across_nearer_ones():
    stock = {"MUG": {"ABE8": 2, "MDW2": 2, "SMF3": 4}}
    allocations, _ = nearest.choose([("i1", "MUG", 4)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "SMF3", 4)]


def test_an_order_no_center_can_ship_alone_is_split_across_the_fewest_centers():
    stock = {"MUG": {"ABE8": 1, "MDW2": 3, "SMF3": 2}, "CUP": {"ABE8": 2}}
    allocations, shortfalls = nearest.choose([("i1", "MUG", 5), ("i2", "CUP", 2)], stock, CENTERS, NEW_YORK)
    # ABE8 and MDW2 each cover 3 units and ABE8 is nearer; MDW2 then covers 3 of the 4 MUG left, SMF3 the last.
    assert placed(allocations) == [("i1", "ABE8", 1), ("i2", "ABE8", 2), ("i1", "MDW2", 3), ("i1", "SMF3", 1)]
    assert shortfalls == []


def test_a_split_takes_the_center_covering_most_first_rather_than_walking_out_from_the_nearest():
    stock = {"MUG": {"ABE8": 1, "MDW2": 1, "SMF3": 3}}
    allocations, _ = nearest.choose([("i1", "MUG", 4)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "SMF3", 3), ("i1", "ABE8", 1)]


def test_what_no_center_holds_is_reported_as_a_shortfall():
    stock = {"MUG": {"ABE8": 1, "SMF3": 1}}
    allocations, shortfalls = nearest.choose([("i1", "MUG", 3), ("i2", "LAMP", 1)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "ABE8", 1), ("i1", "SMF3", 1)]
    assert shortfalls == [Shortfall(item_id="i1", sku="MUG", quantity=1), Shortfall(item_id="i2", sku="LAMP",
                                                                                   quantity=1)]


def test_without_a_destination_the_center_holding_the_most_ships_and_ties_go_by_center_id():
    stock = {"MUG": {"ABE8": 3, "SMF3": 9, "MDW2": 9}}
    allocations, _ = nearest.choose([("i1", "MUG", 2)], stock, CENTERS, None)
    assert placed(allocations) == [("i1", "MDW2", 2)]


def test_two_lines_of_the_same_sku_share_a_centers_stock():
    stock = {"MUG": {"ABE8": 3, "SMF3": 5}}
    allocations, shortfalls = nearest.choose([("i1", "MUG", 2), ("i2", "MUG", 2)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "SMF3", 2), ("i2", "SMF3", 2)] and shortfalls == []


def test_a_center_with_stock_but_no_known_location_ranks_last():
    stock = {"MUG": {"ZZZ9": 5, "SMF3": 5}}
    allocations, _ = nearest.choose([("i1", "MUG", 1)], stock, CENTERS, NEW_YORK)
    assert placed(allocations) == [("i1", "SMF3", 1)]


def test_the_module_registers_nearest_in_the_sourcing_registry():
    registry = Registry(SOURCING)
    sourcing.register(registry)
    assert registry.names() == ["nearest"] and isinstance(registry.get("nearest"), sourcing.Nearest)
