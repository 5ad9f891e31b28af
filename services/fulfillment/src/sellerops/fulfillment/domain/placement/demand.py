"""Where a seller's buyers are: demand shares by destination region (3-digit ZIP prefix), learned from the
ship-to postal codes of the seller's own orders, for the landed-cost model (landed.py).

Per size tier: the units the plan's SKUs of that tier shipped to each ZIP3 over the last `window_days`,
plus `pseudo_units` spread by the default weights (population by ZIP3): a tier with few orders leans on
population, one with many follows its buyers, and a SKU never ordered still counts through the prior.
Pure: orders and the time in, weights out.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sellerops.contracts.inbound import SizeTier

_ZIP = re.compile(r"^(\d{3})\d{2}(?:-?\d{4})?$")


@dataclass(frozen=True)
class ShipTo:
    """Units of one SKU an order sent to one postal code, and when it was placed."""

    sku: str
    postal_code: str
    units: int
    at: datetime
    country_code: str = "US"


def zip3(postal_code: str, country_code: str = "US") -> str | None:
    """The 3-digit prefix of a US ZIP code (ZIP+4 accepted), None for anything else."""
    match = _ZIP.match(postal_code.strip()) if country_code.upper() == "US" else None
    return match[1] if match else None


def learn(orders: Iterable[ShipTo], tiers: Mapping[str, SizeTier], prior: Mapping[str, float], now: datetime, *,
          window_days: float = 90.0, pseudo_units: float = 30.0) -> dict[SizeTier, dict[str, float]]:
    """Demand weight per ZIP3 for each size tier of `tiers` (SKU → tier, the plan's SKUs): observed units in
    the window plus `pseudo_units` x the prior's share. Orders of other SKUs, outside the window or to a
    postal code that is not a US ZIP are left out."""
    if pseudo_units < 0 or window_days <= 0:
        raise ValueError("need pseudo_units >= 0 and window_days > 0")
    since = now - timedelta(days=window_days)
    seen: dict[SizeTier, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for order in orders:
        tier, region = tiers.get(order.sku), zip3(order.postal_code, order.country_code)
        if tier is not None and region is not None and since <= order.at <= now and order.units > 0:
            seen[tier][region] += order.units
    total = sum(prior.values())
    learned = {}
    for tier in sorted(set(tiers.values()), key=list(SizeTier).index):
        weights = {code: pseudo_units * w / total for code, w in prior.items()} if total > 0 else {}
        for code, units in seen.get(tier, {}).items():
            weights[code] = weights.get(code, 0.0) + units
        learned[tier] = weights
    return learned
