import json
import subprocess
import sys

import pytest

from sellerops.contracts.inbound import SizeTier
from sellerops.fulfillment.adapters import ConfigError, default_network, locate, network_from_bytes, network_from_file
from sellerops.fulfillment.domain.network import Center, Network, distance_km

S, L, B, X = SizeTier.SMALL_STANDARD, SizeTier.LARGE_STANDARD, SizeTier.LARGE_BULKY, SizeTier.EXTRA_LARGE


def center_doc(**changes):
    doc = {"id": "AAA1", "region": "WEST", "lat": 34.0, "lon": -117.0, "capacity": {"SMALL_STANDARD": 10}}
    return doc | changes


def load(*centers, **top):
    return network_from_bytes(json.dumps({"centers": list(centers), **top}).encode(), "net.json")


def test_default_network_has_dozens_of_real_centers_in_the_four_census_regions():
    network = default_network()
    assert 30 <= len(network.centers) <= 40
    assert network.regions == ("MIDWEST", "NORTHEAST", "SOUTH", "WEST")
    ont8 = network.by_id["ONT8"]
    assert (ont8.city, ont8.state, ont8.postal_code, ont8.region) == ("Moreno Valley", "CA", "92551", "WEST")
    assert network.by_id["ABE8"].region == "NORTHEAST" and network.by_id["MDW2"].region == "MIDWEST"
    assert sum(network.shares().values()) == pytest.approx(1.0)


def test_default_network_receives_bulky_and_extra_large_units_only_at_some_centers():
    network = default_network()
    bulky = {c.id for c in network.centers if c.can_receive(B)}
    extra_large = {c.id for c in network.centers if c.can_receive(X)}
    assert 0 < len(extra_large) < len(bulky) < len(network.centers) / 3
    assert extra_large <= bulky
    assert all(c.can_receive(S) and c.can_receive(L) for c in network.centers)


def test_default_network_centers_sit_at_their_zip_code():
    for center in default_network().centers:
        assert distance_km(center.location, locate(center.postal_code)) < 5, center.id


def test_a_replacement_network_is_read_from_a_json_file(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"regions": {"WEST": 3, "SOUTH": 1}, "centers": [
        center_doc(), center_doc(id="BBB2", region="SOUTH", capacity={"LARGE_BULKY": 5, "SMALL_STANDARD": 0})]}))
    network = network_from_file(path)
    assert [c.id for c in network.centers] == ["AAA1", "BBB2"]
    assert network.by_id["BBB2"].capacity == {B: 5, S: 0}
    assert network.by_id["BBB2"].can_receive(L) == 0
    assert network.shares() == {"SOUTH": 0.25, "WEST": 0.75}


@pytest.mark.parametrize(("centers", "top", "message"), [
    ([*(center_doc(id=f"AAA{i}") for i in range(3)), center_doc(id="DDD4", capacity={"LARGE_BULKY": -1})], {},
     "net.json: centers[3].capacity.LARGE_BULKY: must be >= 0, got -1"),
    ([center_doc(capacity={"HUGE": 1})], {}, "centers[0].capacity.HUGE: unknown size tier"),
    ([center_doc(capacity={"SMALL_STANDARD": 2.5})], {}, "centers[0].capacity.SMALL_STANDARD: must be a whole number"),
    ([center_doc(capacity={"SMALL_STANDARD": True})], {}, "centers[0].capacity.SMALL_STANDARD: must be a whole number"),
    ([center_doc(lat=91)], {}, "centers[0].lat: expected `float` <= 90"),
    ([center_doc(), {"region": "WEST", "lat": 1, "lon": 1, "capacity": {}}], {},
     "centers[1].id: required field is missing"),
    ([center_doc(id="ont8")], {}, "centers[0].id: expected `str` matching regex"),
    ([center_doc(colour="blue")], {}, "centers[0].colour: unknown field"),
    ([center_doc(), center_doc(id="BBB2"), center_doc()], {},
     "centers[2].id: duplicate center id AAA1 (also centers[0])"),
    ([center_doc(region="WSET")], {"regions": {"WEST": 1}}, "centers[0].region: WSET is not one of regions (WEST)"),
    ([center_doc()], {"regions": {"WEST": 0}}, "regions.WEST: must be > 0"),
    ([], {}, "centers: must list at least one center"),
])
def test_a_bad_network_file_is_answered_with_the_field_at_fault(centers, top, message):
    with pytest.raises(ConfigError, match="net.json: ") as refused:
        load(*centers, **top)
    assert message.removeprefix("net.json: ") in str(refused.value)


def test_a_network_file_that_is_not_json_is_refused_with_its_name():
    with pytest.raises(ConfigError, match=r"^broken\.json: not valid JSON"):
        network_from_bytes(b'{"centers": [', "broken.json")


def test_a_network_built_in_code_refuses_duplicate_center_ids_and_keeps_id_order():
    a = Center(id="BBB1", region="WEST", lat=0, lon=0, capacity={S: 1})
    b = Center(id="AAA1", region="EAST", lat=0, lon=1, capacity={S: 1})
    assert [c.id for c in Network((a, b)).centers] == ["AAA1", "BBB1"]
    with pytest.raises(ValueError, match="duplicate center ids: BBB1"):
        Network((a, b, a))


def test_regions_without_a_demand_share_get_equal_shares():
    centers = tuple(Center(id=f"C{i}X1", region=r, lat=0, lon=i, capacity={}) for i, r in enumerate("ABC"))
    assert Network(centers).shares() == pytest.approx({"A": 1 / 3, "B": 1 / 3, "C": 1 / 3})


def test_locate_finds_real_zip_codes_and_accepts_zip_plus_four():
    assert locate("92551") == pytest.approx((33.8814, -117.2261))
    assert locate("92551-4321") == locate("92551")
    assert locate(" 08518 ") == pytest.approx((40.118, -74.8055), abs=1e-3)


def test_locate_falls_back_to_the_nearest_known_zip_with_the_same_prefix():
    assert locate("10999") == locate("10998")  # 10999 is not a ZIP code; 10998 is the nearest with prefix 109


@pytest.mark.parametrize(("code", "country", "why"), [
    ("00000", "US", "cannot locate postal code '00000': unknown ZIP code and ZIP prefix 000"),
    ("ABCDE", "US", "cannot locate postal code 'ABCDE': not a US ZIP code"),
    ("10115", "DE", "cannot locate postal code '10115': country 'DE' is not supported"),
])
def test_locate_names_a_postal_code_it_cannot_place(code, country, why):
    with pytest.raises(ValueError, match="cannot locate") as refused:
        locate(code, country)
    assert why in str(refused.value)


def test_locate_caches_its_lookups():
    locate("60601")
    hits = locate.cache_info().hits
    locate("60601")
    assert locate.cache_info().hits == hits + 1


def test_distance_km_is_the_great_circle_distance():
    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.195, abs=1e-3)
    assert distance_km((40.7128, -74.0060), (34.0522, -118.2437)) == pytest.approx(3936, abs=5)  # NYC to LA
    assert distance_km((51.5, -0.1), (51.5, -0.1)) == 0


def test_importing_the_placement_domain_loads_no_zip_data_and_no_solver():
    probe = ("import sys, sellerops.fulfillment.domain.placement as p; "
             "print(sorted(m for m in ('zipcodes', 'highspy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
