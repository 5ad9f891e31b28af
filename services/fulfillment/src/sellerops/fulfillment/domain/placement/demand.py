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
from datetime import UTC, date, datetime, time, timedelta

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import SizeTier

_ZIP = re.compile(r"^(\d{3})(?:\d{2}(?:-?\d{4})?)?$")  # ZIP, ZIP+4, or a ZIP3 already


@dataclass(frozen=True)
class ShipTo:
    """Units of one SKU an order sent to one postal code, and when it was placed."""

    sku: str
    postal_code: str
    units: int
    at: datetime
    country_code: str = "US"


def zip3(postal_code: str, country_code: str = "US") -> str | None:
    """The 3-digit prefix of a US ZIP code (ZIP+4 and a bare prefix accepted), None for anything else."""
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


# ---- what the service keeps: units per SKU by day and ZIP3 ----

class SkuDemand(msgspec.Struct, frozen=True, kw_only=True):
    """Units of one SKU that orders sent to each ZIP3, per order day (ISO date → ZIP3 → units)."""

    sku: str
    days: dict[str, dict[str, int]] = {}


def record(state: SkuDemand | None, *, sku: str, postal_code: str, country_code: str, units: int, at: datetime,
           window_days: float) -> tuple[SkuDemand | None, list[Event]]:
    """Count an order's units to its ZIP3 under its day; days older than `window_days` before the newest day
    kept are dropped. A postal code that is not a US ZIP changes nothing."""
    region = zip3(postal_code, country_code)
    if region is None or units < 1:
        return state, []
    days = {day: dict(regions) for day, regions in (state.days if state else {}).items()}
    day = days.setdefault(at.date().isoformat(), {})
    day[region] = day.get(region, 0) + units
    oldest = (max(date.fromisoformat(d) for d in days) - timedelta(days=window_days)).isoformat()
    return SkuDemand(sku=sku, days={d: r for d, r in sorted(days.items()) if d >= oldest}), []


def ship_tos(states: Iterable[SkuDemand]) -> list[ShipTo]:
    """What the stored counts say, as ShipTo lines (at noon UTC of their day) for `learn`."""
    return [ShipTo(s.sku, region, units, datetime.combine(date.fromisoformat(day), time(12), UTC))
            for s in states for day, regions in s.days.items() for region, units in regions.items()]
