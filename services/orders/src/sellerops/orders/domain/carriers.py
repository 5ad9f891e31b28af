"""The built-in carriers: the marketplace pick-list codes and each carrier's tracking-number formats.

Check digits follow the carriers' public algorithms. A format without a check has no published
check digit, so only its length and characters are checked.
"""

import re
from collections.abc import Callable
from functools import partial
from itertools import cycle
from typing import NamedTuple

from sellerops.plugins.carriers import Carrier, CarrierRegistry

US = frozenset({"US"})
UK = frozenset({"UK"})
EU = frozenset({"DE", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "IE"})
NORTH_AMERICA = frozenset({"US", "CA", "MX"})
EVERYWHERE = NORTH_AMERICA | UK | EU


class Format(NamedTuple):
    label: str
    pattern: str
    check: Callable[[str], bool] | None = None


# Check digits. Each takes the characters the check digit covers and returns the expected digit.


def gs1_mod10(body: str) -> str:
    """USPS Publication 199 (IMpb), GS1 and FedEx Ground: weights 3, 1, 3, ... from the rightmost digit."""
    total = sum(int(d) * w for d, w in zip(reversed(body), cycle((3, 1))))
    return str((10 - total % 10) % 10)


def ups_mod10(body: str) -> str:
    """UPS's published 1Z check: letters count as (ord - 63) % 10, then weights 1, 2, 1, ... from the left."""
    total = sum((int(c) if c.isdigit() else (ord(c) - 63) % 10) * w for c, w in zip(body, cycle((1, 2))))
    return str((10 - total % 10) % 10)


def fedex_mod11(body: str) -> str:
    """FedEx Express 12-digit numbers: weights 1, 3, 7, ... from the rightmost digit, sum mod 11, then mod 10."""
    total = sum(int(d) * w for d, w in zip(reversed(body), cycle((1, 3, 7))))
    return str(total % 11 % 10)


def dhl_mod7(body: str) -> str:
    """DHL Express waybills: the serial number mod 7."""
    return str(int(body) % 7)


def s10_mod11(body: str) -> str:
    """UPU standard S10 on the 8 serial digits: weights 8 6 4 2 3 5 9 7, 11 - sum mod 11, with 10 -> 0 and 11 -> 5."""
    check = 11 - sum(int(d) * w for d, w in zip(body, (8, 6, 4, 2, 3, 5, 9, 7))) % 11
    return str({10: 0, 11: 5}.get(check, check))


def _last_digit_checks(digit_of: Callable[[str], str], skip: int, number: str) -> bool:
    return digit_of(number[skip:-1]) == number[-1]


def _check(digit_of: Callable[[str], str], skip: int = 0) -> Callable[[str], bool]:
    """The last character is the check digit of the characters before it, leaving out `skip` leading ones."""
    return partial(_last_digit_checks, digit_of, skip)


def _either_prefix(prefixes: tuple[str, ...], number: str) -> bool:
    return any(gs1_mod10(prefix + number[:-1]) == number[-1] for prefix in prefixes)


def _s10_checks(number: str) -> bool:
    return s10_mod11(number[2:10]) == number[10]


def s10(country: str | None = None) -> Format:
    """A UPU S10 item id: 2 letters, 8 digits, a check digit and the issuing country."""
    label = f"2 letters, 9 digits and {country or 'a country code'} (UPU S10)"
    return Format(label, rf"[A-Z]{{2}}\d{{9}}{country or '[A-Z]{2}'}", _s10_checks)


IMPB = Format("22 or 26 digits starting 91 to 95 (IMpb)", r"9[1-5](?:\d{20}|\d{24})", _check(gs1_mod10))
# Older 20-digit USPS labels are seen with the check digit computed both with and without the "91"
# application identifier that the barcode drops, so either is accepted.
USPS_20 = Format("20 digits", r"\d{20}", partial(_either_prefix, ("", "91")))


def formats(*accepted: Format) -> Callable[[str], str | None]:
    """A carrier's `validate`: the number must match one of the formats and pass its check digit."""
    return partial(_validate, accepted)


def _validate(accepted: tuple[Format, ...], number: str) -> str | None:
    matched = [f for f in accepted if re.fullmatch(f.pattern, number)]
    if any(f.check is None or f.check(number) for f in matched):
        return None
    if matched:
        return f"the check digit is wrong for the format {matched[0].label}; look for a mistyped character"
    if len(accepted) == 1:
        return f"expected {accepted[0].label}"
    return "expected one of: " + "; ".join(f.label for f in accepted)


_usps = formats(IMPB, USPS_20, s10("US"))


def usps(number: str) -> str | None:
    reason = _usps(number)
    routed = re.fullmatch(r"420(?:\d{5}|\d{9})(\d{22})", number)
    if reason and routed and _usps(routed[1]) is None:
        return ("drop the 420 and ZIP code routing prefix read from the barcode: "
                "the tracking number is the last 22 digits")
    return reason


def carriers() -> list[Carrier]:
    """In pick-list order, most used first: an unknown code's message lists the first few."""
    return [
        Carrier("USPS", "USPS", US, usps, frozenset({"United States Postal Service"})),
        Carrier("UPS", "UPS", EVERYWHERE, formats(
            Format("1Z and 16 letters or digits", r"1Z[0-9A-Z]{16}", _check(ups_mod10, skip=2)),
            Format("T and 10 digits", r"T\d{10}"),  # listed on UPS's tracking help page, no check digit
        )),
        Carrier("FedEx", "FedEx", EVERYWHERE, formats(
            Format("12 digits (Express)", r"\d{12}", _check(fedex_mod11)),
            Format("15 digits (Ground)", r"\d{15}", _check(gs1_mod10)),
            # SSCC-18 with its 00 identifier, or a SmartPost IMpb without its 92
            Format("20 digits (Ground SSCC or SmartPost)", r"\d{20}", partial(_either_prefix, ("", "92"))),
            # 96 and 5 digits of service codes, then the 15-digit Ground number: the check covers only that
            Format("22 digits starting 96 (Ground)", r"96\d{20}", _check(gs1_mod10, skip=7)),
            Format("22 digits starting 92 (SmartPost)", r"92\d{20}", _check(gs1_mod10)),
        ), frozenset({"Federal Express", "FedEx SmartPost", "FedEx Ground"})),
        # On amazon.de sellers pick DHL for DHL Paket too, so its numbers are accepted here.
        Carrier("DHL", "DHL", EVERYWHERE, formats(
            Format("10 digits (Express waybill)", r"\d{10}", _check(dhl_mod7)),
            Format("12 or 20 digits (Paket)", r"\d{12}|\d{20}"),
            Format("GM and 16 to 22 digits (eCommerce)", r"GM\d{16,22}"),
        ), frozenset({"DHL Express"})),
        Carrier("Royal Mail", "Royal Mail", UK, formats(s10("GB"))),
        Carrier("Amazon Shipping", "Amazon Shipping", EVERYWHERE, formats(
            Format("TBA and 12 digits", r"TBA\d{12}"),
        ), frozenset({"Amazon Logistics", "AMZL", "Amazon"})),
        Carrier("Canada Post", "Canada Post", frozenset({"CA", "US"}), formats(
            Format("16 digits", r"\d{16}", _check(gs1_mod10)), s10("CA"),
        ), frozenset({"Postes Canada"})),
        Carrier("DPD", "DPD", UK | EU, formats(
            # the check character on DPD labels covers the whole 28-character barcode, not the parcel number
            Format("14 digits", r"\d{14}"),
        )),
        Carrier("Evri", "Evri", UK, formats(
            Format("16 digits", r"\d{16}"),
        ), frozenset({"Hermes", "Hermes UK", "myHermes"})),
        Carrier("GLS", "GLS", UK | EU, formats(
            Format("11 or 12 digits", r"\d{11,12}"),
        ), frozenset({"General Logistics Systems"})),
        Carrier("Deutsche Post", "Deutsche Post", frozenset({"DE"}), formats(
            Format("12 or 20 digits (DHL Paket)", r"\d{12}|\d{20}"), s10("DE"),
        ), frozenset({"DHL Paket"})),
        Carrier("La Poste", "La Poste", frozenset({"FR"}), formats(
            s10("FR"),
            Format("13 characters: 2 letters or digits and 11 digits (Colissimo)", r"[0-9A-Z]{2}\d{11}"),
        ), frozenset({"Colissimo", "La Poste Colissimo"})),
        # PostNL's barcode service: type 3S, a 1-4 letter customer code and a serial, 13 or 15 characters
        Carrier("PostNL", "PostNL", frozenset({"NL", "BE"}), formats(
            Format("3S and 11 or 13 letters or digits", r"3S(?:[0-9A-Z]{11}|[0-9A-Z]{13})"),
            s10("NL"),
        )),
        Carrier("Yodel", "Yodel", UK, formats(
            Format("JD or JJD and 16 digits", r"J?JD\d{16}"),
        )),
        # OnTrac's check is the UPS one taken over the leading letter too (C counts as 4, D as 5)
        Carrier("OnTrac", "OnTrac", US, formats(
            Format("C or D and 14 digits", r"[CD]\d{14}", _check(ups_mod10)),
        )),
        Carrier("LaserShip", "LaserShip", US, formats(
            Format("1LS and 12 digits", r"1LS\d{12}"),
            Format("LX and 8 digits", r"LX\d{8}"),
        )),
        # UPS's help page lists these three; Mail Innovations hands pieces to USPS, hence IMpb.
        Carrier("UPS Mail Innovations", "UPS Mail Innovations", US, formats(
            IMPB,
            Format("MI, a 6-digit customer number and up to 22 letters or digits", r"MI\d{6}[0-9A-Z]{1,22}"),
            Format("an 18-digit sequence number", r"\d{18}"),
        ), frozenset({"UPSMI"})),
        Carrier("DHL eCommerce", "DHL eCommerce", NORTH_AMERICA | UK | EU, formats(
            Format("GM and 16 to 22 digits", r"GM\d{16,22}"), IMPB, s10(),
        ), frozenset({"DHL Global Mail", "DHL eCommerce Solutions"})),
        # Parcelforce's published formats; only the S10 one has a check digit
        Carrier("Parcelforce", "Parcelforce", UK, formats(
            Format("2 letters and 7 digits", r"[A-Z]{2}\d{7}"),
            Format("4 letters and 10 digits", r"[A-Z]{4}\d{10}"),
            s10("GB"),
            Format("12 digits", r"\d{12}"),
        ), frozenset({"Parcelforce Worldwide"})),
    ]


def register(registry: CarrierRegistry) -> None:
    for carrier in carriers():
        registry.add(carrier.code, carrier)
