"""Postal codes on the map, from the `zipcodes` package's offline table (read on first use, not at import)."""

import re
from functools import lru_cache
from typing import Any

import structlog

from sellerops.fulfillment.domain.network import LatLon

log = structlog.get_logger("sellerops.fulfillment")
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


@lru_cache(maxsize=4096)
def locate(postal_code: str, country_code: str = "US") -> LatLon:
    """(lat, lon) of a US ZIP code (ZIP+4 accepted); an unknown ZIP falls back to the numerically nearest known
    ZIP with the same 3-digit prefix (its sectional center). Raises ValueError naming the code when neither exists."""
    if country_code.upper() != "US":
        raise ValueError(f"cannot locate postal code {postal_code!r}: country {country_code!r} is not supported (US)")
    match = _ZIP.match(postal_code.strip())
    if match is None:
        raise ValueError(f"cannot locate postal code {postal_code!r}: not a US ZIP code (12345 or 12345-6789)")
    import zipcodes  # loads its data on first use; kept out of import time

    zip5 = match[1]
    found = zipcodes.matching(zip5)
    if not found:
        same_prefix = zipcodes.similar_to(zip5[:3])
        if not same_prefix:
            raise ValueError(f"cannot locate postal code {postal_code!r}: unknown ZIP code and ZIP prefix {zip5[:3]}")
        found = [min(same_prefix, key=lambda z: (abs(int(z["zip_code"]) - int(zip5)), z["zip_code"]))]
    return (float(found[0]["lat"]), float(found[0]["long"]))


def locate_destination(destination: Any) -> LatLon | None:
    """A destination (an Address or a Destination) on the map, or None when it cannot be placed (the sourcing
    then prefers the center holding the most)."""
    try:
        return locate(destination.postal_code, destination.country_code)
    except ValueError as exc:
        log.warning("destination_not_located", postal_code=destination.postal_code, reason=str(exc))
        return None
