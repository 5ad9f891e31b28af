"""Inbound shipments: created from a confirmed plan, moved by the seller, the carrier and the center, received,
reconciled into a discrepancy case, reimbursed; each step's ledger movements follow from its events."""

from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from typing import Any

from sellerops.contracts.inbound import (
    CaseList, CaseStatus, InboundPlanCanceled, InboundPlanConfirmed, InboundReceiptReported,
    InboundShipmentStatusReported, ListCases, ListShipments, ReimbursementIssued, ResolveCase, ShipmentList,
    ShipmentRef, ShipmentView, UpdateShipment,
)
from sellerops.fulfillment.domain import shipments
from sellerops.fulfillment.domain.common import found, requested
from sellerops.fulfillment.domain.ledger_moves import with_moves
from sellerops.fulfillment.domain.stock_effects import inbound_moves
from sellerops.fulfillment.ports import CheckCarrier, Clock, EffectStore, Publisher
from sellerops.runtime.decisions import refusals
from sellerops.runtime.paging import page


async def on_plan_confirmed(evt: InboundPlanConfirmed, *, shipments_store: EffectStore) -> None:
    for planned in evt.option.shipments:
        await _step(str(evt.event_id), evt.seller, planned.shipment_id,
                    partial(shipments.create_shipment, confirmed=evt, planned=planned), evt.occurred_at,
                    shipments_store=shipments_store)


async def on_plan_canceled(evt: InboundPlanCanceled, *, shipments_store: EffectStore) -> None:
    for shipment_id in evt.shipment_ids:
        await _step(str(evt.event_id), evt.seller, shipment_id, partial(shipments.plan_canceled, canceled=evt),
                    evt.occurred_at, shipments_store=shipments_store)


async def on_shipment_status(evt: InboundShipmentStatusReported, *, shipment_policy: shipments.Policy,
                             shipments_store: EffectStore) -> None:
    await _fact(evt, partial(shipments.status_reported, fact=evt, policy=shipment_policy), shipments_store)


async def on_receipt(evt: InboundReceiptReported, *, shipment_policy: shipments.Policy,
                     shipments_store: EffectStore) -> None:
    await _fact(evt, partial(shipments.receipt_reported, fact=evt, policy=shipment_policy), shipments_store)


async def on_reimbursement(evt: ReimbursementIssued, *, shipments_store: EffectStore, publish: Publisher) -> None:
    """Matched to the case it names, else to the shipment it names, else to the open case of its SKU whose
    claim deadline comes first; a reimbursement nothing matches is published as unmatched, not dropped."""
    target = evt.shipment_id or (evt.case_id.removesuffix(".case") if evt.case_id else None)
    if target is None:
        candidates = [s async for s in _open_cases_for(shipments_store, evt.seller, evt.sku)]
        target = candidates[0].shipment_id if candidates else None
    shipment = await shipments_store.load(evt.seller, target) if target else None
    if target is None or shipment is None or shipment.case is None:
        await publish([shipments.unmatched(evt, "no open case for this reimbursement")])
        return
    await _step(str(evt.event_id), evt.seller, target, partial(shipments.reimbursed, fact=evt), evt.occurred_at,
                shipments_store=shipments_store)


async def on_shipment_deadline(key: str, kind: str, due: datetime, *, shipment_policy: shipments.Policy,
                               shipments_store: EffectStore) -> None:
    seller, shipment_id = key.split(".", 1)
    rule = partial(shipments.deadline_passed, kind=kind, due=due, policy=shipment_policy)
    await _step(f"deadline/{kind}/{due.isoformat()}", seller, shipment_id, rule, due, shipments_store=shipments_store)


async def update_shipment(seller: str, request: UpdateShipment, *, clock: Clock,
                          shipments_store: EffectStore, check_carrier: CheckCarrier | None = None) -> ShipmentView:
    now = clock.now()
    verb = f"update/{request.status.value}/{request.tracking_number or ''}"
    rule = partial(shipments.seller_update, request=request, cause=requested(seller, request.shipment_id, verb),
                   now=now, check_carrier=check_carrier)
    return await _request(seller, request.shipment_id, verb, rule, now, shipments_store)


async def resolve_case(seller: str, request: ResolveCase, *, clock: Clock,
                       shipments_store: EffectStore) -> ShipmentView:
    now = clock.now()
    rule = partial(shipments.resolve_case, request=request, cause=requested(seller, request.shipment_id, "resolve"),
                   now=now)
    return await _request(seller, request.shipment_id, "resolve", rule, now, shipments_store)


async def get_shipment(seller: str, query: ShipmentRef, *, shipments_store: EffectStore) -> ShipmentView:
    with refusals("shipment_id"):
        shipment = found(await shipments_store.load(seller, query.shipment_id),
                         f"inbound shipment {query.shipment_id} not found")
    return shipments.view(shipment)


async def list_shipments(seller: str, query: ListShipments, *, shipments_store: EffectStore) -> ShipmentList:
    found = [s async for s in shipments_store.scan(seller)
             if (query.status is None or s.status is query.status)
             and (query.plan_id is None or s.plan_id == query.plan_id)]
    views = [shipments.view(s) for s in sorted(found, key=lambda s: s.shipment_id)]
    taken, after = page(views, key=lambda v: v.shipment_id, cursor=query.cursor, limit=query.limit)
    return ShipmentList(shipments=taken, next_cursor=after)


async def list_cases(seller: str, query: ListCases, *, shipments_store: EffectStore) -> CaseList:
    return CaseList(cases=shipments.open_cases([s async for s in shipments_store.scan(seller)], query.status))


async def _step(message_id: str, seller: str, shipment_id: str, rule: Any, at: datetime, *,
                shipments_store: EffectStore) -> shipments.Shipment | None:
    """One decision about one shipment; its ledger movements (those its events imply) are its pending effect."""
    applied = await shipments_store.apply(seller, shipment_id, message_id, with_moves(rule, at, inbound_moves))
    return applied.state


async def _fact(evt: InboundShipmentStatusReported | InboundReceiptReported, rule: Any,
                shipments_store: EffectStore) -> None:
    if await _step(str(evt.event_id), evt.seller, evt.shipment_id, rule, evt.occurred_at,
                   shipments_store=shipments_store) is None:
        # a fact about a shipment this service never created: kept in the dead letters
        raise LookupError(f"no inbound shipment {evt.shipment_id} for seller {evt.seller}")


async def _request(seller: str, shipment_id: str, verb: str, rule: Any, now: datetime,
                   shipments_store: EffectStore) -> ShipmentView:
    with refusals("shipment_id"):
        found(await shipments_store.load(seller, shipment_id), f"inbound shipment {shipment_id} not found")
        state = await _step(verb, seller, shipment_id, rule, now, shipments_store=shipments_store)
    assert state is not None  # it was there a moment ago, and nothing deletes a shipment
    return shipments.view(state)


async def _open_cases_for(store: EffectStore, seller: str, sku: str) -> AsyncIterator[shipments.Shipment]:
    found = [s async for s in store.scan(seller) if s.case is not None and s.case.status is CaseStatus.OPEN
             and any(line.sku == sku for line in s.case.lines)]
    for shipment in sorted(found, key=lambda s: (s.case.claim_deadline, s.shipment_id)):
        yield shipment
