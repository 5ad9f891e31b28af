"""The `sellerops.carriers` extension point: carrier codes and the check of their tracking numbers."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from sellerops.plugins.spec import CARRIERS, Registry

OTHER = "Other"
CARRIER_NAME_MAX = 50  # PackageDetail.carrier_name
SHOWN_CODES = 8


@dataclass(frozen=True)
class Carrier:
    """A carrier code of the marketplace pick-list, and how to tell its tracking numbers.

    `validate` gets a number already normalized (`normalize_tracking`) and returns None when it is
    acceptable, or a reason naming the expected format. `aliases` are other spellings of the code that
    sellers and templates use; case, spaces and punctuation never matter. `marketplaces` lists where the
    pick-list offers the code; empty means every marketplace.
    """

    code: str
    name: str
    marketplaces: frozenset[str]
    validate: Callable[[str], str | None]
    aliases: frozenset[str] = frozenset()


def normalize_tracking(text: str) -> str:
    """A tracking number as typed or pasted (often grouped), without spaces or dashes, upper-case."""
    return re.sub(r"[\s-]+", "", text).upper()


def _key(code: str) -> str:
    return re.sub(r"[\W_]+", "", code.casefold())


def _keys(carrier: Carrier) -> set[str]:
    return {_key(code) for code in (carrier.code, *carrier.aliases)}


def _any_tracking(number: str) -> str | None:
    if re.fullmatch(r"[0-9A-Z]{1,64}", number):
        return None
    return "expected 1 to 64 letters or digits"


OTHER_CARRIER = Carrier(OTHER, "other carrier", frozenset(), _any_tracking)


class CarrierRegistry(Registry[Carrier]):
    """The carriers plugins registered, by code; "Other" is always there, as on the marketplace."""

    def __init__(self, group: str = CARRIERS) -> None:
        super().__init__(group)
        self.add(OTHER, OTHER_CARRIER)

    def add(self, name: str, item: Carrier) -> None:
        if name != item.code:
            raise ValueError(f"{self.group}: register carrier {item.code!r} under its code, not {name!r}")
        clashes = sorted(c.code for c in self if c.code != name and _keys(c) & _keys(item))
        if clashes:
            raise ValueError(f"{self.group}: carrier {name!r} reuses a code or alias of {', '.join(clashes)}")
        super().add(name, item)

    def lookup(self, code: str) -> Carrier | None:
        """The carrier of a code or alias, in any case and spacing ("fedex", "Royal-Mail"), or None."""
        key = _key(code)
        return next((carrier for carrier in self if key in _keys(carrier)), None)

    def check(self, code: str, tracking: str, carrier_name: str | None = None) -> tuple[str, str] | None:
        """None when the package's carrier and tracking number are acceptable, else (the field at fault:
        carrier_code, carrier_name or tracking_number; the reason)."""
        carrier = self.lookup(code)
        if carrier is None:
            return "carrier_code", f"unknown carrier code {code!r}: use one of {self._some_codes()}"
        if carrier is OTHER_CARRIER and not 1 <= len((carrier_name or "").strip()) <= CARRIER_NAME_MAX:
            return ("carrier_name",
                    f"carrier_name (1 to {CARRIER_NAME_MAX} characters) is required when the carrier code is {OTHER}")
        number = normalize_tracking(tracking)
        if not number:
            return "tracking_number", "the tracking number is empty"
        reason = carrier.validate(number)
        if reason is None:
            return None
        return "tracking_number", f"{tracking!r} is not a valid {carrier.name} tracking number: {reason}"

    def _some_codes(self) -> str:
        codes = [carrier.code for carrier in self if carrier is not OTHER_CARRIER]
        shown = codes[:SHOWN_CODES] + (["..."] if len(codes) > SHOWN_CODES else [])
        return ", ".join([*shown, f"{OTHER} with a carrier_name"])
