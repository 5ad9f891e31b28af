"""Bridges between the pure strategies (placement, sourcing) and the contracts: what the handlers call.

`Placer.place` turns a plan request into contract placement options, one per strategy, with ids for
their shipments and an expiry; `chooser` gives outbound sourcing the network's centers. Postal codes
are placed on the map by the function a Placer is given (adapters.geo.locate).
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sellerops.contracts.inbound import PlacedShipment, PlacementOption, ShipmentUnits, SplitKind
from sellerops.contracts.market import Money
from sellerops.fulfillment.domain import placement
from sellerops.fulfillment.domain.common import Refused
from sellerops.fulfillment.domain.placement import demand
from sellerops.fulfillment.domain.costs import CostModel
from sellerops.fulfillment.domain.network import LatLon, Network

CURRENCY = "USD"  # the network and fee table are the US marketplace's


def shipment_id(plan_id: str, number: int) -> str:
    """`<plan>-S<n>`; a plan id too long to leave room is shortened to a hash (ids stay within 128)."""
    base = plan_id if len(plan_id) <= 120 else "P" + hashlib.sha256(plan_id.encode()).hexdigest()[:24]
    return f"{base}-S{number}"


def offer(option: placement.PlacementOption, plan_id: str, expires_at: datetime) -> PlacementOption:
    usd = lambda amount: Money(amount, CURRENCY)  # noqa: E731
    shipments = [
        PlacedShipment(shipment_id=shipment_id(plan_id, n), center_id=s.center_id,
                       items=[ShipmentUnits(sku, units) for sku, units in s.units.items() if units > 0],
                       units=s.total_units, weight_kg=round(s.weight_kg, 3), distance_km=round(s.distance_km, 1),
                       transport_cost=usd(s.transport_cost))
        for n, s in enumerate(option.shipments, start=1)
    ]
    return PlacementOption(
        option_id=option.strategy, strategy=option.strategy, split=SplitKind(option.split.value), shipments=shipments,
        placement_fee=usd(option.placement_fee), transport_cost=usd(option.transport_cost),
        total_cost=usd(option.total_cost), expires_at=expires_at,
        lower_bound=usd(option.lower_bound) if option.lower_bound is not None else None,
        gap=round(option.gap, 6) if option.gap is not None else None,
        **_landed(option, usd),
    )


def _landed(option: placement.PlacementOption, usd: Callable) -> dict[str, Any]:
    if option.speed is None:
        return {}
    return {"outbound_cost": usd(option.outbound_cost), "holding_cost": usd(option.holding_cost),
            "landed_cost": usd(option.landed_cost), "days_p50": option.speed.days_p50,
            "days_p90": option.speed.days_p90, "share_within_2_days": option.speed.share_within_2_days,
            "meets_speed_target": option.speed.meets_target}


@dataclass
class Placer:
    network: Network
    costs: CostModel
    strategies: Any  # Registry[PlacementStrategy]
    locate: Callable[[str, str], LatLon]  # (postal code, country code) -> (lat, lon), or ValueError naming the code
    ttl_hours: float = 24.0
    time_limit_s: float = 2.0
    gap: float = 0.005
    window_days: float = 90.0  # demand is learned from the orders of the last window_days
    pseudo_units: float = 30.0  # ... plus this many units spread like the population (demand.learn)

    def place(self, plan: Any, now: datetime, seen: Iterable[demand.ShipTo] = ()) -> tuple[list[PlacementOption],
                                                                                          dict[str, str]]:
        """Options for a plan (a CreateInboundPlan, or a stored Plan being regenerated); `refused` says why a
        strategy offered none. `seen`: the seller's recent orders of the plan's SKUs, where the buyers are.
        Raises Refused naming the field when the request itself cannot be placed."""
        try:
            origin = self.locate(plan.ship_from.postal_code, plan.ship_from.country_code)
        except ValueError as exc:
            raise Refused(str(exc), "$.ship_from.postal_code") from exc
        _one_line_per_sku(plan)
        target = getattr(plan, "speed_target", None)
        request = placement.PlacementRequest(
            items=tuple(placement.PlanItem(sku=i.sku, quantity=i.quantity, unit_weight_kg=i.unit_weight_kg,
                                           size_tier=i.size_tier, dimensions=i.dimensions) for i in plan.items),
            ship_from=origin, buyers=self._buyers(plan, now, seen),
            speed=placement.SpeedTarget(target, plan.speed_within_days) if target is not None else None)
        model = placement.LandedModel.build(request, self.network, self.costs) if self.costs.buyers else None
        names = self._names(plan)
        expires_at = now + timedelta(hours=self.ttl_hours)
        options, refused = [], {}
        for name in names:
            try:
                option = self._strategy(name).place(request, self.network, self.costs)
                # every option, a third-party plugin's too, is judged by the same landed-cost model
                option = placement.price(option.strategy, request, self.network, self.costs, option.allocation(),
                                         model, lower_bound=option.lower_bound, gap=option.gap,
                                         solve_seconds=option.solve_seconds)
            except placement.PlacementInfeasible as exc:
                refused[name] = exc.reason
                continue
            options.append(offer(option, plan.plan_id, expires_at))
        if not options:
            raise Refused("no placement option: " + "; ".join(f"{k}: {v}" for k, v in refused.items()), "$.items")
        return options, refused

    def _buyers(self, plan: Any, now: datetime, seen: Iterable[demand.ShipTo]) -> dict | None:
        regions = self.costs.buyers
        if regions is None:
            return None
        prior = dict(zip(regions.codes, regions.weight))
        return demand.learn(seen, {i.sku: i.size_tier for i in plan.items}, prior, now,
                            window_days=self.window_days, pseudo_units=self.pseudo_units)

    def _names(self, plan: Any) -> list[str]:
        wanted = getattr(plan, "strategies", None)  # a request's, or the stored plan's when regenerating
        if not wanted:
            return self.strategies.names()
        known = set(self.strategies.names())
        for index, name in enumerate(wanted):
            if name not in known:
                raise Refused(f"no placement plugin {name!r} (installed: {', '.join(sorted(known))})",
                              f"$.strategies[{index}]")
        return list(dict.fromkeys(wanted))

    def _strategy(self, name: str) -> Any:
        strategy = self.strategies.get(name)
        if isinstance(strategy, placement.Optimal):  # the deployment's time limit and gap
            return placement.Optimal(time_limit_s=self.time_limit_s, mip_rel_gap=self.gap)
        return strategy


def _one_line_per_sku(plan: Any) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(plan.items):
        if item.sku in seen:
            raise Refused(f"SKU {item.sku!r} is on lines {seen[item.sku]} and {index}: one line per SKU",
                          f"$.items[{index}].sku")
        seen[item.sku] = index


def chooser(strategy: Any, name: str, network: Network) -> Callable:
    """Bind a sourcing plugin to the network's center locations: `choose(lines, on_hand, destination)`."""
    centers = {c.id: c.location for c in network.centers}

    def choose(lines: list, on_hand: dict, destination: LatLon | None) -> tuple[list, list, str]:
        known = {sku: {c: n for c, n in by_center.items() if c in centers or n} for sku, by_center in on_hand.items()}
        allocations, shortfalls = strategy.choose(lines, known, centers, destination)
        return allocations, shortfalls, name

    return choose
