"""Inbound plans: create one with its placement options, regenerate them, confirm one, cancel; and where the
seller's buyers are (the demand placement prices against)."""

import asyncio
from functools import partial
from typing import Any

from sellerops.contracts.inbound import (
    CancelInboundPlan, ConfirmPlacement, CreateInboundPlan, InboundPlanView, PlanItem, PlanRef,
)
from sellerops.contracts.market import OrderPlaced
from sellerops.fulfillment.domain import plans
from sellerops.fulfillment.domain.common import found, requested
from sellerops.fulfillment.domain.placement import demand
from sellerops.fulfillment.ports import Clock, HoldingStore, Place, Publisher, Store
from sellerops.runtime.decisions import refusals

SCAN_ABOVE = 50  # a plan of more SKUs reads the seller's demand counts in one scan instead of one get per SKU


async def create_inbound_plan(seller: str, request: CreateInboundPlan, *, plans_store: Store, publish: Publisher,
                              clock: Clock, place: Place, demand_store: Store | None = None) -> InboundPlanView:
    """Placement runs only for a new plan (off the event loop: a solver may take its time limit), priced
    against where the seller's recent orders of its SKUs went."""
    now = clock.now()
    existing = await plans_store.load(seller, request.plan_id)
    with refusals("plan_id"):
        seen = await _seen(seller, request.items, demand_store) if existing is None else []
        options, refused = ([], {}) if existing is not None else await asyncio.to_thread(place, request, now, seen)
        decide = partial(plans.create_plan, request=request, seller=seller, options=options, refused=refused,
                         cause=requested(seller, request.plan_id, "create"), now=now)
        applied = await plans_store.apply(seller, request.plan_id, "create", decide)
    await publish(applied.events)
    return _view(applied.state)


async def regenerate_options(seller: str, request: PlanRef, *, plans_store: Store, publish: Publisher, clock: Clock,
                             place: Place, demand_store: Store | None = None) -> InboundPlanView:
    now = clock.now()
    plan = await _found(seller, request.plan_id, plans_store)
    message_id = f"regenerate/{now.isoformat()}"
    with refusals("plan_id"):
        seen = await _seen(seller, plan.items, demand_store)
        options, refused = await asyncio.to_thread(place, plan, now, seen)
        decide = partial(plans.regenerate_options, options=options, refused=refused,
                         cause=requested(seller, request.plan_id, message_id), now=now)
        applied = await plans_store.apply(seller, request.plan_id, message_id, decide)
    await publish(applied.events)
    return _view(applied.state)


async def confirm_placement(seller: str, request: ConfirmPlacement, *, plans_store: Store, publish: Publisher,
                            clock: Clock) -> InboundPlanView:
    """Confirming is final (confirmPlacementOption); the shipments are created from the event it emits."""
    return await _plan_request(seller, request.plan_id, f"confirm/{request.option_id}",
                               partial(plans.confirm_placement, request=request), plans_store=plans_store,
                               publish=publish, clock=clock)


async def cancel_inbound_plan(seller: str, request: CancelInboundPlan, *, plans_store: Store, publish: Publisher,
                              clock: Clock) -> InboundPlanView:
    return await _plan_request(seller, request.plan_id, "cancel", partial(plans.cancel_plan, request=request),
                               plans_store=plans_store, publish=publish, clock=clock)


async def get_inbound_plan(seller: str, query: PlanRef, *, plans_store: Store) -> InboundPlanView:
    return plans.view(await _found(seller, query.plan_id, plans_store))


async def on_order_placed(evt: OrderPlaced, *, demand_store: HoldingStore, demand_window_days: float) -> None:
    """Learn where the seller's buyers are: each line's units to the order's ship-to ZIP3, once per order."""
    if evt.destination is None:
        return
    for line in evt.items:
        await demand_store.apply_held(evt.seller, line.sku, str(evt.event_id), partial(
            demand.record, sku=line.sku, postal_code=evt.destination.postal_code,
            country_code=evt.destination.country_code, units=line.quantity, at=evt.purchased_at,
            window_days=demand_window_days))


async def _plan_request(seller: str, plan_id: str, verb: str, rule: Any, *, plans_store: Store,
                        publish: Publisher, clock: Clock) -> InboundPlanView:
    decide = partial(rule, cause=requested(seller, plan_id, verb), now=clock.now())
    with refusals("plan_id"):
        applied = await plans_store.apply(seller, plan_id, verb, decide)
    await publish(applied.events)
    return _view(applied.state)


async def _found(seller: str, plan_id: str, plans_store: Store) -> plans.Plan:
    with refusals("plan_id"):
        plan: plans.Plan = found(await plans_store.load(seller, plan_id), f"inbound plan {plan_id} not found")
    return plan


async def _seen(seller: str, items: list[PlanItem], demand_store: Store | None) -> list[demand.ShipTo]:
    """The stored order counts of a plan's SKUs (one scan of the seller's keys for a large plan)."""
    if demand_store is None:
        return []
    skus = {i.sku for i in items}
    if len(skus) <= SCAN_ABOVE:
        found = [await demand_store.load(seller, sku) for sku in sorted(skus)]
    else:
        found = [s async for s in demand_store.scan(seller) if s.sku in skus]
    return demand.ship_tos(s for s in found if s is not None)


def _view(plan: plans.Plan | None) -> InboundPlanView:
    assert plan is not None  # every plan decision refuses or leaves a plan
    return plans.view(plan)
