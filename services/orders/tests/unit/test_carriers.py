"""The built-in carriers plugin: each carrier's formats, check digits, codes and aliases.

Valid numbers are either carriers' published samples (UPS 1Z999AA10123456784, the S10 EE123456785US)
or built by computing their check digit by hand from the public algorithm.
"""

import pytest

from sellerops.orders.domain import carriers
from sellerops.orders.domain.carriers import s10_mod11
from sellerops.plugins.carriers import CarrierRegistry


def reason_of(refusal):
    """The reason of a (field, reason) refusal, or None when accepted."""
    return None if refusal is None else refusal[1]

VALID = [
    ("USPS", "9400 1000 0000 0000 0000 06"),
    ("USPS", "9205 5123 4567 8901 2345 61"),
    ("USPS", "9361 2987 6543 2109 8765 45"),
    ("USPS", "9270 1234 5678 9012 3456 75"),
    ("USPS", "9201 2345 6789 0123 4567 8901 24"),
    ("USPS", "0307 1790 0005 2348 3741"),
    ("USPS", "7196 9010 7560 0307 7385"),
    ("USPS", "EE123456785US"),
    ("UPS", "1Z999AA10123456784"),
    ("UPS", "1Z12345E0312345671"),
    ("UPS", "T1234567890"),
    ("FedEx", "1234 5678 9012"),
    ("FedEx", "9876 5432 1098"),
    ("FedEx", "1234 5678 9012 343"),
    ("FedEx", "00012345678901234560"),
    ("FedEx", "61299998820821171811"),
    ("FedEx", "9611020123456712345678"),
    ("FedEx", "9261292700768711948021"),
    ("DHL", "1234567891"),
    ("DHL", "9876543213"),
    ("DHL", "123456789012"),
    ("DHL", "00340434161234567890"),
    ("DHL", "GM123456789012345678"),
    ("Royal Mail", "AB123456785GB"),
    ("Royal Mail", "RR000000080GB"),
    ("Royal Mail", "RR000000155GB"),
    ("Amazon Shipping", "TBA123456789012"),
    ("Canada Post", "1234567890123452"),
    ("Canada Post", "RR123456785CA"),
    ("DPD", "15501234567890"),
    ("Evri", "1234567890123456"),
    ("GLS", "12345678901"),
    ("GLS", "123456789012"),
    ("Deutsche Post", "123456789012"),
    ("Deutsche Post", "RR123456785DE"),
    ("La Poste", "6A12345678901"),
    ("La Poste", "LA123456785FR"),
    ("PostNL", "3SABCD1234567"),
    ("PostNL", "3SABCD123456789"),
    ("PostNL", "RR123456785NL"),
    ("Yodel", "JJD0001234567890123"),
    ("Yodel", "JD0001234567890123"),
    ("OnTrac", "C12345678901236"),
    ("OnTrac", "D10011345983010"),
    ("LaserShip", "1LS123456789012"),
    ("LaserShip", "LX12345678"),
    ("UPS Mail Innovations", "MI123456ABC123"),
    ("UPS Mail Innovations", "123456789012345678"),
    ("UPS Mail Innovations", "9400100000000000000006"),
    ("DHL eCommerce", "GM123456789012345678"),
    ("DHL eCommerce", "9261292700768711948021"),
    ("DHL eCommerce", "LX123456785DE"),
    ("Parcelforce", "AB1234567"),
    ("Parcelforce", "ABCD1234567890"),
    ("Parcelforce", "AB123456785GB"),
    ("Parcelforce", "123456789012"),
]

WRONG_CHECK_DIGIT = [
    ("USPS", "9400100000000000000007", "22 or 26 digits starting 91 to 95 (IMpb)"),
    ("USPS", "03071790000523483742", "20 digits"),
    ("USPS", "EE123456786US", "2 letters, 9 digits and US (UPU S10)"),
    ("UPS", "1Z999AA10123456785", "1Z and 16 letters or digits"),
    ("FedEx", "123456789013", "12 digits (Express)"),
    ("FedEx", "123456789012344", "15 digits (Ground)"),
    ("FedEx", "9611020123456712345679", "22 digits starting 96 (Ground)"),
    ("FedEx", "9261292700768711948020", "22 digits starting 92 (SmartPost)"),
    ("DHL", "1234567892", "10 digits (Express waybill)"),
    ("Royal Mail", "AB123456784GB", "2 letters, 9 digits and GB (UPU S10)"),
    ("Canada Post", "1234567890123453", "16 digits"),
    ("OnTrac", "C12345678901237", "C or D and 14 digits"),
    ("PostNL", "RR123456786NL", "2 letters, 9 digits and NL (UPU S10)"),
]

WRONG_SHAPE = [
    ("USPS", "940010000000000000000", "22 or 26 digits starting 91 to 95 (IMpb)"),
    ("UPS", "1Z999AA1012345678", "1Z and 16 letters or digits"),
    ("UPS", "1Z999AA1012345678/", "T and 10 digits"),
    ("FedEx", "12345678901", "12 digits (Express)"),
    ("DHL", "ABC1234567", "10 digits (Express waybill)"),
    ("Royal Mail", "AB123456785US", "2 letters, 9 digits and GB (UPU S10)"),
    ("Amazon Shipping", "TBA12345678901", "TBA and 12 digits"),
    ("Canada Post", "123456789012345", "16 digits"),
    ("DPD", "1550123456789", "14 digits"),
    ("Evri", "123456789012345", "16 digits"),
    ("GLS", "1234567890", "11 or 12 digits"),
    ("Deutsche Post", "1234567890123", "12 or 20 digits (DHL Paket)"),
    ("La Poste", "6A1234567890", "(Colissimo)"),
    ("PostNL", "3SABCD12345678", "3S and 11 or 13 letters or digits"),
    ("Yodel", "JJD000123456789012", "JD or JJD and 16 digits"),
    ("OnTrac", "E12345678901236", "C or D and 14 digits"),
    ("LaserShip", "1LS12345678901", "1LS and 12 digits"),
    ("UPS Mail Innovations", "MI12345", "MI, a 6-digit customer number"),
    ("DHL eCommerce", "GM123", "GM and 16 to 22 digits"),
    ("Parcelforce", "A1234567", "2 letters and 7 digits"),
]


@pytest.fixture(scope="module")
def registry() -> CarrierRegistry:
    registry = CarrierRegistry()
    carriers.register(registry)
    return registry


def name_of(registry: CarrierRegistry, code: str) -> str:
    return registry.lookup(code).name


@pytest.mark.parametrize(("code", "number"), VALID)
def test_a_well_formed_number_with_a_right_check_digit_is_accepted(registry, code, number):
    assert reason_of(registry.check(code, number)) is None


def test_every_built_in_carrier_has_an_accepted_example():
    assert {code for code, _ in VALID} == {carrier.code for carrier in carriers.carriers()}


@pytest.mark.parametrize(("code", "number", "label"), WRONG_CHECK_DIGIT)
def test_a_wrong_check_digit_is_refused_naming_the_carrier_and_the_format(registry, code, number, label):
    assert reason_of(registry.check(code, number)) == (
        f"{number!r} is not a valid {name_of(registry, code)} tracking number: "
        f"the check digit is wrong for the format {label}; look for a mistyped character"
    )


@pytest.mark.parametrize(("code", "number", "label"), WRONG_SHAPE)
def test_a_wrong_length_or_character_is_refused_listing_the_expected_formats(registry, code, number, label):
    reason = reason_of(registry.check(code, number))

    assert reason.startswith(f"{number!r} is not a valid {name_of(registry, code)} tracking number: expected ")
    assert label in reason


def test_a_carrier_with_one_format_names_just_that_format(registry):
    assert reason_of(registry.check("Evri", "12345")) == "'12345' is not a valid Evri tracking number: expected 16 digits"


@pytest.mark.parametrize(("code", "typed"), [
    ("UPS", "1z 999 aa1 01 2345 6784"),
    ("USPS", " 9400-1000-0000-0000-0000-06 "),
    ("Royal Mail", "ab 123 456 785 gb"),
    ("FedEx", "1234\t5678\t9012"),
    ("Amazon Shipping", "tba-1234-5678-9012"),
])
def test_spaces_dashes_and_lower_case_are_ignored(registry, code, typed):
    assert reason_of(registry.check(code, typed)) is None


def test_a_usps_number_with_its_barcode_routing_prefix_is_refused_saying_what_to_drop(registry):
    reason = reason_of(registry.check("USPS", "420 22153 9400 1000 0000 0000 0000 06"))

    assert reason.endswith(
        "drop the 420 and ZIP code routing prefix read from the barcode: the tracking number is the last 22 digits")


@pytest.mark.parametrize(("typed", "code"), [
    ("Fedex", "FedEx"), ("FEDEX", "FedEx"), ("FedEx SmartPost", "FedEx"),
    ("Royal Mail", "Royal Mail"), ("RoyalMail", "Royal Mail"), ("royal-mail", "Royal Mail"),
    ("usps", "USPS"), ("United States Postal Service", "USPS"),
    ("UPSMI", "UPS Mail Innovations"), ("DHL Global Mail", "DHL eCommerce"), ("DHL Paket", "Deutsche Post"),
    ("Hermes", "Evri"), ("Colissimo", "La Poste"), ("Amazon", "Amazon Shipping"), ("other", "Other"),
])
def test_codes_match_in_any_case_and_spacing_and_by_alias(registry, typed, code):
    assert registry.lookup(typed).code == code
    assert not reason_of(registry.check(typed, "x")).startswith("unknown carrier code")


def test_an_unknown_code_lists_the_most_used_codes_and_other(registry):
    assert reason_of(registry.check("Fooship", "1Z999AA10123456784")) == (
        "unknown carrier code 'Fooship': use one of USPS, UPS, FedEx, DHL, Royal Mail, Amazon Shipping, "
        "Canada Post, DPD, ..., Other with a carrier_name"
    )


def test_other_needs_a_carrier_name_and_then_takes_any_letters_and_digits(registry):
    assert reason_of(registry.check("Other", "ABC-123")) == (
        "carrier_name (1 to 50 characters) is required when the carrier code is Other")
    assert reason_of(registry.check("Other", "ABC-123", carrier_name="Acme Couriers")) is None


def test_every_built_in_carrier_names_the_marketplaces_it_serves(registry):
    assert all(carrier.marketplaces for carrier in carriers.carriers())
    assert registry.lookup("Royal Mail").marketplaces == {"UK"}
    assert "US" in registry.lookup("USPS").marketplaces


def test_the_s10_check_digit_maps_a_remainder_of_ten_to_0_and_eleven_to_5():
    assert (s10_mod11("00000008"), s10_mod11("00000015"), s10_mod11("12345678")) == ("0", "5", "5")
