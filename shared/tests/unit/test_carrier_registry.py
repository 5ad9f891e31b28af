"""The carriers registry: lookup by code or alias, the check of a package's carrier and tracking number, Other."""

import re

import pytest

from sellerops.plugins import loader
from sellerops.plugins.carriers import OTHER, Carrier, CarrierRegistry, normalize_tracking
from sellerops.plugins.spec import CARRIERS


def reason_of(refusal):
    """The reason of a (field, reason) refusal, or None when accepted."""
    return None if refusal is None else refusal[1]


def acme_format(number: str) -> str | None:
    return None if re.fullmatch(r"AC\d{4}", number) else "expected AC and 4 digits"


def fake(code: str, *aliases: str) -> Carrier:
    return Carrier(code, f"{code} Parcels", frozenset({"US"}), acme_format, frozenset(aliases))


@pytest.fixture
def registry() -> CarrierRegistry:
    registry = CarrierRegistry()
    registry.add("Acme", fake("Acme", "Acme Parcel Co"))
    return registry


def test_a_new_registry_knows_only_other():
    registry = CarrierRegistry()

    assert (registry.group, registry.names()) == (CARRIERS, [OTHER])
    assert registry.lookup("OTHER").code == OTHER


@pytest.mark.parametrize("typed", ["Acme", "ACME", "acme", " a-c-m-e ", "Acme Parcel Co", "acme_parcel-co"])
def test_lookup_matches_the_code_or_an_alias_in_any_case_and_spacing(registry, typed):
    assert registry.lookup(typed).code == "Acme"


@pytest.mark.parametrize("typed", ["Acm", "Acme Parcels", ""])
def test_lookup_of_an_unknown_code_gives_none(registry, typed):
    assert registry.lookup(typed) is None


def test_normalizing_removes_spaces_and_dashes_and_upper_cases():
    assert normalize_tracking(" 1z 999-aa1\t01--2345 ") == "1Z999AA1012345"


def test_check_accepts_a_number_the_carrier_accepts_once_normalized(registry):
    assert reason_of(registry.check("acme", " ac-12 34 ")) is None


def test_check_refuses_with_the_carrier_name_the_number_as_typed_and_the_carriers_reason(registry):
    assert reason_of(registry.check("Acme", "ac 123")) == (
        "'ac 123' is not a valid Acme Parcels tracking number: expected AC and 4 digits")


def test_check_refuses_an_empty_tracking_number(registry):
    assert reason_of(registry.check("Acme", " - ")) == "the tracking number is empty"


def test_an_unknown_code_is_refused_listing_the_known_codes_and_other(registry):
    assert reason_of(registry.check("Zip", "AC1234")) == "unknown carrier code 'Zip': use one of Acme, Other with a carrier_name"


def test_an_unknown_code_lists_only_the_first_eight_codes_in_registration_order():
    registry = CarrierRegistry()
    for n in range(10):
        registry.add(f"C{n}", fake(f"C{n}"))

    assert reason_of(registry.check("Zip", "AC1234")) == (
        "unknown carrier code 'Zip': use one of C0, C1, C2, C3, C4, C5, C6, C7, ..., Other with a carrier_name")


@pytest.mark.parametrize("carrier_name", [None, "", "   ", "x" * 51])
def test_other_without_a_carrier_name_of_1_to_50_characters_is_refused(registry, carrier_name):
    assert reason_of(registry.check("Other", "ABC123", carrier_name)) == (
        "carrier_name (1 to 50 characters) is required when the carrier code is Other")


@pytest.mark.parametrize(("tracking", "carrier_name"), [("abc-123", "Acme Couriers"), ("x" * 64, "x" * 50), ("1", "Z")])
def test_other_with_a_carrier_name_takes_1_to_64_letters_or_digits(registry, tracking, carrier_name):
    assert reason_of(registry.check("other", tracking, carrier_name)) is None


@pytest.mark.parametrize("tracking", ["x" * 65, "AB/123", "ÄB123"])
def test_other_refuses_a_tracking_number_that_is_not_1_to_64_letters_or_digits(registry, tracking):
    assert reason_of(registry.check("Other", tracking, "Acme Couriers")).endswith("expected 1 to 64 letters or digits")


def test_a_carrier_reusing_a_code_or_alias_of_another_is_refused_naming_it(registry):
    with pytest.raises(ValueError) as caught:
        registry.add("Acme2", fake("Acme2", "ACME PARCEL CO"))

    assert str(caught.value) == "sellerops.carriers: carrier 'Acme2' reuses a code or alias of Acme"
    assert registry.names() == ["Acme", OTHER]


def test_a_carrier_registered_twice_is_refused_as_by_any_registry(registry):
    with pytest.raises(ValueError, match="'Acme' is registered twice"):
        registry.add("Acme", fake("Acme"))


def test_a_carrier_is_registered_under_its_own_code(registry):
    with pytest.raises(ValueError, match="register carrier 'Zip' under its code, not 'zip'"):
        registry.add("zip", fake("Zip"))


def test_the_installed_built_in_carriers_plugin_loads_into_a_carrier_registry():
    registry = loader.load(CARRIERS, CarrierRegistry(CARRIERS))

    assert registry.lookup("ups").code == "UPS"
    assert reason_of(registry.check("UPS", "1Z999AA10123456784")) is None


def test_a_refusal_names_the_field_at_fault():
    registry = CarrierRegistry(CARRIERS)
    assert registry.check("Nope", "1")[0] == "carrier_code"
    assert registry.check("other", "ABC123")[0] == "carrier_name"
    assert registry.check("Other", " - ", "Acme Couriers")[0] == "tracking_number"
