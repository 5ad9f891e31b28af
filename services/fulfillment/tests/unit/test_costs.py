import json
from pathlib import Path
from decimal import Decimal

import pytest

from sellerops.contracts.inbound import Dimensions, SizeTier
from sellerops.fulfillment.adapters import (
    ConfigError, costs_from_bytes, costs_from_file, default_costs, default_fees, fees_from_bytes, fees_from_file,
)
from sellerops.fulfillment.domain.costs import SplitKind, TransportRates, money

S, L, B, X = SizeTier.SMALL_STANDARD, SizeTier.LARGE_STANDARD, SizeTier.LARGE_BULKY, SizeTier.EXTRA_LARGE


def bracket(tier="SMALL_STANDARD", up_to_kg=None, minimal="0.30", partial="0.20", **more):
    return {"size_tier": tier, "up_to_kg": up_to_kg, "minimal": minimal, "partial": partial, **more}


def one_per_tier():
    return [bracket(tier.value) for tier in SizeTier]


def load(brackets, **top):
    return fees_from_bytes(json.dumps({"brackets": brackets, **top}).encode(), "fees.json")


def test_the_default_fee_table_covers_every_size_tier_from_light_to_heavy():
    fees = default_fees()
    assert {b.size_tier for b in fees.brackets} == set(SizeTier)
    assert (fees.partial_min_centers, fees.optimized_min_centers, fees.currency) == (2, 4, "USD")
    for tier in SizeTier:
        rows = [b for b in fees.brackets if b.size_tier is tier]
        assert rows[-1].up_to_kg is None
        assert all(a.minimal >= a.partial for a in rows)


def test_the_split_kind_follows_the_number_of_centers():
    fees = default_fees()
    kinds = [fees.split_kind(n) for n in (1, 2, 3, 4, 9)]
    assert kinds == [SplitKind.MINIMAL, SplitKind.PARTIAL, SplitKind.PARTIAL, SplitKind.OPTIMIZED, SplitKind.OPTIMIZED]


def test_the_default_minimal_fee_is_highest_and_higher_still_for_west_destinations():
    fees = default_fees()
    small = fees.bracket(S, 0.2)
    assert fees.unit_fee(small, SplitKind.MINIMAL, "SOUTH") == Decimal("0.21")
    assert fees.unit_fee(small, SplitKind.MINIMAL, "WEST") == Decimal("0.29")  # 0.21 x 1.40 = 0.294
    assert fees.unit_fee(small, SplitKind.PARTIAL, "SOUTH") == Decimal("0.15")
    assert fees.unit_fee(small, SplitKind.OPTIMIZED, "WEST") == Decimal("0.00")


def test_extra_large_units_pay_no_placement_fee_by_default():
    fees = default_fees()
    assert fees.unit_fee(fees.bracket(X, 40.0), SplitKind.MINIMAL, "WEST") == Decimal("0.00")


def test_the_bracket_is_chosen_by_fee_weight():
    fees = default_fees()
    labels = [fees.bracket(L, kg).label for kg in (0.34, 0.35, 0.6804, 1.0, 9.0, 50.0)]
    assert labels == ["12 oz or less", "12+ oz to 1.5 lb", "12+ oz to 1.5 lb", "1.5+ lb to 3 lb", "over 3 lb",
                      "over 3 lb"]


def test_dimensional_weight_counts_for_large_standard_but_not_for_small_standard():
    fees = default_fees()
    box = Dimensions(length_cm=40, width_cm=30, height_cm=20)  # 24,000 cm3 / 5022 = 4.78 kg
    assert fees.fee_weight_kg(L, 0.5, box) == pytest.approx(24000 / 5022)
    assert fees.fee_weight_kg(L, 6.0, box) == 6.0
    assert fees.fee_weight_kg(S, 0.5, box) == 0.5
    assert fees.fee_weight_kg(L, 0.5) == 0.5


def test_transport_is_a_base_charge_plus_a_rate_per_kg_per_1000_km():
    rates = TransportRates(base_per_shipment=Decimal("150.00"), per_kg_per_1000km=Decimal("0.25"))
    assert rates.cost(200, 1000) == Decimal("200.00")  # 150 + 0.25 x 200 kg x 1
    assert rates.cost(3, 333) == Decimal("150.25")  # 150 + 0.25 x 3 x 0.333 = 150.24975
    assert rates.cost(0, 0) == Decimal("150.00")


def test_the_default_cost_model_uses_the_documented_transport_defaults():
    costs = default_costs()
    assert costs.transport == TransportRates() == TransportRates(Decimal("150.00"), Decimal("0.25"))
    assert costs.fees is default_fees()


def test_an_operator_file_can_set_transport_rates_too(tmp_path):
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"brackets": one_per_tier(), "transport": {"per_kg_per_1000km": "0.40"}}))
    costs = costs_from_file(path)
    assert costs.transport == TransportRates(Decimal("150.00"), Decimal("0.40"))
    assert fees_from_file(path) == costs.fees


def test_money_rounds_half_up_to_cents():
    assert money(Decimal("0.125")) == Decimal("0.13")
    assert money(2.675) == Decimal("2.68")  # from repr("2.675"), not the binary float below it
    assert money(Decimal("-0.005")) == Decimal("-0.01")


def test_an_operator_fee_table_is_read_from_a_json_file(tmp_path):
    path = tmp_path / "fees.json"
    rows = [bracket("SMALL_STANDARD", minimal="1.00", partial="0.50"), *one_per_tier()[1:]]
    path.write_text(json.dumps({"brackets": rows, "region_factor": {"WEST": "2"}, "optimized_min_centers": 5}))
    fees = fees_from_file(path)
    small = fees.bracket(S, 0.1)
    assert fees.unit_fee(small, SplitKind.MINIMAL, "WEST") == Decimal("2.00")
    assert fees.split_kind(4) is SplitKind.PARTIAL and fees.split_kind(5) is SplitKind.OPTIMIZED


@pytest.mark.parametrize(("brackets", "top", "message"), [
    ([bracket(minimal="-0.10"), *one_per_tier()[1:]], {}, "brackets[0].minimal: must be >= 0, got -0.10"),
    (one_per_tier()[:3], {}, "brackets: no bracket for size tier EXTRA_LARGE"),
    ([bracket(up_to_kg=1.0), bracket(up_to_kg=0.5), *one_per_tier()], {},
     "brackets[1].up_to_kg: must be above brackets[0].up_to_kg (1.0)"),
    ([bracket(up_to_kg=1.0), *one_per_tier()[1:]], {},
     "brackets[0].up_to_kg: the heaviest SMALL_STANDARD bracket must be null"),
    ([bracket(up_to_kg=0), *one_per_tier()], {}, "brackets[0].up_to_kg: must be > 0 or null"),
    ([bracket(tier="HUGE")], {}, "brackets[0].size_tier: invalid enum value 'HUGE'"),
    ([bracket(minimal="abc")], {}, "brackets[0].minimal: invalid decimal string"),
    ([bracket(colour="blue")], {}, "brackets[0].colour: unknown field"),
    (one_per_tier(), {"region_factor": {"WEST": "0"}}, "region_factor.WEST: must be > 0"),
    (one_per_tier(), {"partial_min_centers": 4, "optimized_min_centers": 4}, "optimized_min_centers: need 1 <"),
    (one_per_tier(), {"transport": {"base_per_shipment": "-5"}}, "transport.base_per_shipment: must be >= 0"),
    (one_per_tier(), {"transport": {"per_kg": "1"}}, "transport.per_kg: unknown field"),
])
def test_a_bad_fee_file_is_answered_with_the_field_at_fault(brackets, top, message):
    with pytest.raises(ConfigError) as refused:
        load(brackets, **top)
    assert str(refused.value).startswith("fees.json: ")
    assert message in str(refused.value)


def test_the_packaged_outbound_rates_are_the_documented_defaults():
    from sellerops.fulfillment.domain.costs import OutboundRates

    assert default_costs().outbound == OutboundRates()


def test_an_outbound_band_out_of_order_is_refused_naming_it():

    packaged = json.loads((Path(__file__).parents[2] / "src/sellerops/fulfillment/data/placement_fees.json").read_text())
    packaged["outbound"]["bands"][2]["up_to_km"] = 100
    with pytest.raises(ConfigError, match=r"outbound.bands\[2\].up_to_km: must be above 483"):
        costs_from_bytes(json.dumps(packaged).encode(), "fees.json")
