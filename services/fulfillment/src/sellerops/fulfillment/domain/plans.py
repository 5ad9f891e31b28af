"""Inbound plans: what the seller wants to send, the placement options offered, the one confirmed (pure).

The lifecycle follows the Fulfillment Inbound API v2024-03-20 (docs/domain.md, "FBA inbound"): a plan
is ACTIVE from creation, offers placement options that expire, and confirming one is final (its
shipments are created from the InboundPlanConfirmed event). Cancelling voids the plan; its shipments
not yet sent are deleted, those already sent stay (they are cancelled one by one).
"""

from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    CancelInboundPlan, ConfirmPlacement, CreateInboundPlan, InboundPlanCanceled, InboundPlanConfirmed,
    InboundPlanCreated, InboundPlanView, PlacementOption, PlacementOptionsGenerated, PlanItem, PlanStatus, ShipFrom,
)
from sellerops.contracts.orders import HistoryEntry
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, history, stamp


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    plan_id: str
    seller: str
    status: PlanStatus
    items: list[PlanItem]
    ship_from: ShipFrom
    name: str | None = None
    strategies: list[str] | None = None
    speed_target: float | None = None
    speed_within_days: int = 2
    options: list[PlacementOption] = []
    refused: dict[str, str] = {}
    confirmed_option_id: str | None = None
    shipment_ids: list[str] = []
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry] = []


Decision = tuple[Plan, list[Event]]


def _summary(event: Event) -> str:
    if isinstance(event, PlacementOptionsGenerated):
        return "options=" + ",".join(f"{o.option_id}:{o.total_cost.amount}" for o in event.options)
    if isinstance(event, InboundPlanConfirmed):
        return f"option={event.option.option_id} shipments={len(event.option.shipments)}"
    if isinstance(event, InboundPlanCanceled):
        return f"reason={event.reason or ''}"
    return ""


def _recorded(plan: Plan, events: list[Event], now: datetime) -> Decision:
    return msgspec.structs.replace(plan, history=[*plan.history, *history(events, _summary)], updated_at=now), events


def _found(plan: Plan | None) -> Plan:
    if plan is None:
        raise NotFound("inbound plan not found")
    return plan


def _active(plan: Plan) -> None:
    if plan.status is not PlanStatus.ACTIVE:
        raise Refused(f"inbound plan {plan.plan_id} is {plan.status.value}", "$.plan_id")


def create_plan(plan: Plan | None, request: CreateInboundPlan, *, seller: str, options: list[PlacementOption],
                refused: dict[str, str], cause: Cause, now: datetime) -> Decision:
    """A new plan with its first placement options. The same request again changes nothing; another
    plan under an id already used is refused (ids are the client's idempotency keys)."""
    if plan is not None:
        same = (plan.items, plan.ship_from, plan.name, plan.strategies, plan.speed_target, plan.speed_within_days) == (
            list(request.items), request.ship_from, request.name, request.strategies, request.speed_target,
            request.speed_within_days)
        if same:
            return plan, []
        raise Refused(f"inbound plan {request.plan_id} already exists with other contents", "$.plan_id")
    plan = Plan(plan_id=request.plan_id, seller=seller, status=PlanStatus.ACTIVE, items=list(request.items),
                ship_from=request.ship_from, name=request.name, strategies=request.strategies,
                speed_target=request.speed_target, speed_within_days=request.speed_within_days, options=options,
                refused=refused, created_at=now, updated_at=now)
    events: list[Event] = [
        InboundPlanCreated(**stamp(cause, InboundPlanCreated, seller, now), plan_id=plan.plan_id, items=plan.items,
                           ship_from=plan.ship_from, name=plan.name),
        PlacementOptionsGenerated(**stamp(cause, PlacementOptionsGenerated, seller, now), plan_id=plan.plan_id,
                                  options=options, refused=refused),
    ]
    return _recorded(plan, events, now)


def regenerate_options(plan: Plan | None, *, options: list[PlacementOption], refused: dict[str, str], cause: Cause,
                       now: datetime) -> Decision:
    """Fresh options for a plan not yet confirmed (the earlier ones expired, or the network changed)."""
    plan = _found(plan)
    _active(plan)
    if plan.confirmed_option_id is not None:
        raise Refused(f"placement option {plan.confirmed_option_id} is already confirmed", "$.plan_id")
    event = PlacementOptionsGenerated(**stamp(cause, PlacementOptionsGenerated, plan.seller, now),
                                      plan_id=plan.plan_id, options=options, refused=refused)
    return _recorded(msgspec.structs.replace(plan, options=options, refused=refused), [event], now)


def confirm_placement(plan: Plan | None, request: ConfirmPlacement, *, cause: Cause, now: datetime) -> Decision:
    """Confirm one offered, unexpired option (final: confirmPlacementOption cannot be undone)."""
    plan = _found(plan)
    if plan.confirmed_option_id == request.option_id:
        return plan, []
    _active(plan)
    if plan.confirmed_option_id is not None:
        raise Refused(f"placement option {plan.confirmed_option_id} is already confirmed", "$.option_id")
    option = next((o for o in plan.options if o.option_id == request.option_id), None)
    if option is None:
        offered = ", ".join(o.option_id for o in plan.options) or "none"
        raise Refused(f"no placement option {request.option_id!r} (offered: {offered})", "$.option_id")
    if now >= option.expires_at:
        raise Refused(f"placement option {option.option_id} expired at {option.expires_at.isoformat()}: "
                      "regenerate the options", "$.option_id")
    event = InboundPlanConfirmed(**stamp(cause, InboundPlanConfirmed, plan.seller, now), plan_id=plan.plan_id,
                                 option=option, ship_from=plan.ship_from)
    plan = msgspec.structs.replace(plan, confirmed_option_id=option.option_id,
                                   shipment_ids=[s.shipment_id for s in option.shipments])
    return _recorded(plan, [event], now)


def cancel_plan(plan: Plan | None, request: CancelInboundPlan, *, cause: Cause, now: datetime) -> Decision:
    """Void the plan; the shipments it names that are not yet sent are deleted with it."""
    plan = _found(plan)
    if plan.status is PlanStatus.VOIDED:
        return plan, []
    _active(plan)
    event = InboundPlanCanceled(**stamp(cause, InboundPlanCanceled, plan.seller, now), plan_id=plan.plan_id,
                                reason=request.reason, shipment_ids=plan.shipment_ids)
    return _recorded(msgspec.structs.replace(plan, status=PlanStatus.VOIDED), [event], now)


def view(plan: Plan) -> InboundPlanView:
    return InboundPlanView(plan_id=plan.plan_id, seller=plan.seller, status=plan.status, items=plan.items,
                           ship_from=plan.ship_from, options=plan.options, refused=plan.refused,
                           confirmed_option_id=plan.confirmed_option_id, shipment_ids=plan.shipment_ids,
                           name=plan.name, created_at=plan.created_at, updated_at=plan.updated_at)
