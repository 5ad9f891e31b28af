"""Inbound shipments: created from a confirmed plan, moved by the seller, the carrier and the center, received,
reconciled into a discrepancy case, reimbursed; each step's ledger movements follow from its events."""

from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from typing import Any

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    CaseList, CaseStatus, InboundPlanCanceled, InboundPlanConfirmed, InboundReceiptReported,
    InboundShipmentStatusReported, ListCases, ListShipments, ReimbursementIssued, ResolveCase, ShipmentList,
    ShipmentRef, ShipmentView, UpdateShipment,
)
from sellerops.contracts.requests import RequestError
from sellerops.fulfillment.domain import shipments
from sellerops.fulfillment.domain.boxed import OUTBOX
from sellerops.fulfillment.domain.common import NotFound, requested
from sellerops.fulfillment.domain.stock_effects import inbound_moves
from sellerops.fulfillment.handlers.effects import apply_boxed, flush
from sellerops.fulfillment.ports import CheckCarrier, Clock, Publisher, Store
from sellerops.runtime.decisions import refusals
from sellerops.runtime.paging import page


async def on_plan_confirmed(evt: InboundPlanConfirmed, **deps: Any) -> None:
    for planned in evt.option.shipments:
        await _step(str(evt.event_id), evt.seller, planned.shipment_id,
                    partial(shipments.create_shipment, confirmed=evt, planned=planned), evt.occurred_at, **deps)


async def on_plan_canceled(evt: InboundPlanCanceled, **deps: Any) -> None:
    for shipment_id in evt.shipment_ids:
        await _step(str(evt.event_id), evt.seller, shipment_id, partial(shipments.plan_canceled, canceled=evt),
                    evt.occurred_at, **deps)


async def on_shipment_status(evt: InboundShipmentStatusReported, *, policy: shipments.Policy, **deps: Any) -> None:
    await _fact(evt, partial(shipments.status_reported, fact=evt, policy=policy), **deps)


async def on_receipt(evt: InboundReceiptReported, *, policy: shipments.Policy, **deps: Any) -> None:
    await _fact(evt, partial(shipments.receipt_reported, fact=evt, policy=policy), **deps)


async def on_reimbursement(evt: ReimbursementIssued, *, shipments_store: Store, publish: Publisher,
                           stock: Store) -> None:
    """Matched to the case it names, else to the shipment it names, else to the open case of its SKU whose
    claim deadline comes first; a reimbursement nothing matches is published as unmatched, not dropped."""
    target = evt.shipment_id or (evt.case_id.removesuffix(".case") if evt.case_id else None)
    if target is None:
        candidates = [s async for s in _open_cases_for(shipments_store, evt.seller, evt.sku)]
        target = candidates[0].shipment_id if candidates else None
    box = await shipments_store.load(evt.seller, target) if target else None
    if box is None or box.state.case is None:
        await publish([shipments.unmatched(evt, "no open case for this reimbursement")])
        return
    await _step(str(evt.event_id), evt.seller, target, partial(shipments.reimbursed, fact=evt), evt.occurred_at,
                shipments_store=shipments_store, stock=stock, publish=publish)


async def on_shipment_deadline(key: str, kind: str, due: datetime, *, policy: shipments.Policy,
                               shipments_store: Store, **deps: Any) -> None:
    seller, shipment_id = key.split(".", 1)
    if kind == OUTBOX:
        await flush(shipments_store, seller, shipment_id, **deps)
        return
    rule = partial(shipments.deadline_passed, kind=kind, due=due, policy=policy)
    await _step(f"deadline/{kind}/{due.isoformat()}", seller, shipment_id, rule, due,
                shipments_store=shipments_store, **deps)


async def update_shipment(seller: str, request: UpdateShipment, *, clock: Clock,
                          check_carrier: CheckCarrier | None = None, **deps: Any) -> ShipmentView:
    now = clock.now()
    verb = f"update/{request.status.value}/{request.tracking_number or ''}"
    rule = partial(shipments.seller_update, request=request, cause=requested(seller, request.shipment_id, verb),
                   now=now, check_carrier=check_carrier)
    return await _request(seller, request.shipment_id, verb, rule, now, **deps)


async def resolve_case(seller: str, request: ResolveCase, *, clock: Clock, **deps: Any) -> ShipmentView:
    now = clock.now()
    rule = partial(shipments.resolve_case, request=request, cause=requested(seller, request.shipment_id, "resolve"),
                   now=now)
    return await _request(seller, request.shipment_id, "resolve", rule, now, **deps)


async def get_shipment(seller: str, query: ShipmentRef, *, shipments_store: Store) -> ShipmentView:
    box = await shipments_store.load(seller, query.shipment_id)
    if box is None:
        raise RequestError("not_found", f"inbound shipment {query.shipment_id} not found", "$.shipment_id")
    return shipments.view(box.state)


async def list_shipments(seller: str, query: ListShipments, *, shipments_store: Store) -> ShipmentList:
    found = [box.state async for box in shipments_store.scan(seller)
             if (query.status is None or box.state.status is query.status)
             and (query.plan_id is None or box.state.plan_id == query.plan_id)]
    views = [shipments.view(s) for s in sorted(found, key=lambda s: s.shipment_id)]
    taken, after = page(views, key=lambda v: v.shipment_id, cursor=query.cursor, limit=query.limit)
    return ShipmentList(shipments=taken, next_cursor=after)


async def list_cases(seller: str, query: ListCases, *, shipments_store: Store) -> CaseList:
    return CaseList(cases=shipments.open_cases([box.state async for box in shipments_store.scan(seller)],
                                               query.status))


def _step(message_id: str, seller: str, shipment_id: str, rule: Any, at: datetime, *, shipments_store: Store,
          stock: Store, publish: Publisher) -> Any:
    """One decision about one shipment; its ledger movements are those its events imply."""
    return apply_boxed(shipments_store, seller, shipment_id, message_id, rule, at, stock=stock, publish=publish,
                       moves_of=inbound_moves)


async def _fact(evt: Event, rule: Any, **deps: Any) -> None:
    if await _step(str(evt.event_id), evt.seller, evt.shipment_id, rule, evt.occurred_at, **deps) is None:
        # a fact about a shipment this service never created: kept in the dead letters
        raise LookupError(f"no inbound shipment {evt.shipment_id} for seller {evt.seller}")


async def _request(seller: str, shipment_id: str, verb: str, rule: Any, now: datetime, *, shipments_store: Store,
                   **deps: Any) -> ShipmentView:
    with refusals("shipment_id"):
        if await shipments_store.load(seller, shipment_id) is None:
            raise NotFound(f"inbound shipment {shipment_id} not found")
        state = await _step(verb, seller, shipment_id, rule, now, shipments_store=shipments_store, **deps)
    return shipments.view(state)


async def _open_cases_for(store: Store, seller: str, sku: str) -> AsyncIterator[shipments.Shipment]:
    found = [box.state async for box in store.scan(seller) if box.state.case is not None
             and box.state.case.status is CaseStatus.OPEN and any(line.sku == sku for line in box.state.case.lines)]
    for shipment in sorted(found, key=lambda s: (s.case.claim_deadline, s.shipment_id)):
        yield shipment
