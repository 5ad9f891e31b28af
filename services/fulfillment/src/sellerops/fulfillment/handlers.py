"""Use cases as short recipes: load what the decision needs, decide and save in one store call, publish.

Three shapes recur:
- a fact or request about one aggregate (`_apply`);
- a stock-moving aggregate (`_apply_boxed`): the same, with the ledger movements it decided kept in its
  outbox and then applied to each SKU's ledger (`_flush`), so a crash in between loses nothing;
- a query (load or scan, then a view).
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from itertools import groupby
from typing import Any

import msgspec
import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    CancelInboundPlan, CaseList, CaseStatus, ConfirmPlacement, CreateInboundPlan, InboundPlanCanceled,
    InboundPlanConfirmed, InboundPlanView, InboundReceiptReported, InboundShipmentStatusReported, ListCases,
    ListShipments, PlanRef, ReimbursementIssued, ResolveCase, ShipmentList, ShipmentRef, ShipmentView, UpdateShipment,
)
from sellerops.contracts.inventory import (
    Bucket, Cause as Why, CheckLedger, CreateRemovalOrder, GetInventory, GetOutboundOrder, InventoryAdjustmentReported,
    InventoryAvailabilityReported,
    InventoryList, InventoryMoved, InventorySummary, InventoryTransferReported, LedgerCheck, ListInventory, Movement,
    OrderKind, OutboundOrderAllocated, OutboundOrderView, OutboundShipmentReported, RemovalOrderView, RemovalRef,
    RemovalShipmentReported,
)
from sellerops.contracts.market import FulfillmentChannel, OrderPlaced
from sellerops.contracts.orders import (
    FillPolicy, FulfillmentAction, McfOrderCancelRequested, McfOrderReleased, McfOrderRequested, OrderCanceled,
    OrderReleased,
)
from sellerops.contracts.requests import RequestError
from sellerops.contracts.returns import CustomerReturnReceived
from sellerops.fulfillment.adapters import Batch, Boxed
from sellerops.fulfillment.domain import ledger, outbound, plans, removals, shipments
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, requested
from sellerops.fulfillment.domain.placement import demand
from sellerops.fulfillment.domain.stock_effects import inbound_moves
from sellerops.fulfillment.ports import Clock, LedgerReader, Publisher, Store
from sellerops.runtime.decisions import refusals
from sellerops.runtime.paging import page

log = structlog.get_logger("sellerops.fulfillment")
OUTBOX = "outbox"  # the deadline kind of a boxed aggregate whose outbox still holds movements
SCAN_ABOVE = 50  # a plan of more SKUs reads the seller's demand counts in one scan instead of one get per SKU


# ---- the ledger: stock-moving aggregates and their outboxes ----


def boxed_rule(rule: Callable[[Any], tuple], message_id: str, at: datetime,
               moves_of: Callable[[list[Event]], list] | None = None) -> Callable:
    """Adapt a domain rule returning (state, events[, movements]) to a Boxed state with an outbox."""

    def decide(box: Boxed | None) -> tuple[Boxed | None, list[Event]]:
        result = rule(box.state if box is not None else None)
        state, events = result[0], list(result[1])
        moves = list(result[2]) if len(result) > 2 else (moves_of(events) if moves_of else [])
        if state is None:
            return box, []
        outbox = [*(box.outbox if box is not None else []), *([Batch(message_id, at, moves)] if moves else [])]
        return Boxed(state, outbox), events

    return decide


async def _apply_boxed(store: Store, seller: str, aggregate_id: str, message_id: str, rule, at: datetime, *,  # noqa: ANN001
                       stock: Store, publish: Publisher, moves_of=None, after=None) -> Any:  # noqa: ANN001
    applied = await store.apply(seller, aggregate_id, message_id, boxed_rule(rule, message_id, at, moves_of))
    await publish(applied.events)
    box = await flush(store, seller, aggregate_id, stock=stock, publish=publish, after=after, box=applied.state)
    return box.state if box is not None else None


async def flush(store: Store, seller: str, aggregate_id: str, *, stock: Store, publish: Publisher,
                after=None, box: Boxed | None = None) -> Boxed | None:  # noqa: ANN001
    """Apply an aggregate's outbox to the SKU ledgers, batch by batch, then clear each batch; the aggregate
    as it stands afterwards. `box` is its state when the caller has it (else it is loaded).

    `after(state, moved, at)` lets the aggregate react to what the ledger did (an outbound order learns
    which reservations came up short) in the same write that clears the batch."""
    box = box if box is not None else await store.load(seller, aggregate_id)
    for _ in range(8):  # a reaction may queue one more batch (releasing what a failed order held)
        if box is None or not box.outbox:
            return box
        batch = box.outbox[0]
        moved = await move_stock(seller, f"{aggregate_id}/{batch.id}", batch.at, batch.moves, stock=stock,
                                 publish=publish)

        def cleared(current: Boxed | None, batch: Batch = batch, moved: list = moved) -> tuple:
            rest = [b for b in current.outbox if b.id != batch.id]
            if after is None:
                return msgspec.structs.replace(current, outbox=rest), []
            state, events, moves = after(current.state, moved, batch.at)
            follow = [Batch(f"{batch.id}/after", batch.at, list(moves))] if moves else []
            return Boxed(state, rest + follow), list(events)

        applied = await store.apply(seller, aggregate_id, f"flushed/{batch.id}", cleared)
        await publish(applied.events)
        box = applied.state
    return box


async def move_stock(seller: str, batch_id: str, at: datetime, moves: list, *, stock: Store,
                     publish: Publisher) -> list:
    """Apply movements to each SKU's ledger (at most once per batch and SKU); the entries written."""
    written = []
    ordered = sorted(moves, key=lambda m: m.sku)  # stable: each SKU keeps its movements' order
    for sku, group in groupby(ordered, key=lambda m: m.sku):
        # The SKU is part of the cause: each SKU's entries are numbered from 0, and their ids must differ.
        decide = partial(ledger.move, movements=list(group), seller=seller, sku=sku,
                         cause=Cause(f"ledger/{seller}/{batch_id}/{sku}"), at=at)
        applied = await stock.apply(seller, sku, batch_id, decide)
        await publish(applied.events)
        written += [e for e in applied.events if isinstance(e, InventoryMoved)]  # not a count's reconciliation
    return written


# ---- inbound plans ----


async def create_inbound_plan(seller: str, request: CreateInboundPlan, *, plans_store: Store, publish: Publisher,
                              clock: Clock, place, demand_store: Store | None = None) -> InboundPlanView:  # noqa: ANN001
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
    return plans.view(applied.state)


async def regenerate_options(seller: str, request: PlanRef, *, plans_store: Store, publish: Publisher, clock: Clock,
                             place, demand_store: Store | None = None) -> InboundPlanView:  # noqa: ANN001
    now = clock.now()
    plan = await plans_store.load(seller, request.plan_id)
    if plan is None:
        raise RequestError("not_found", f"inbound plan {request.plan_id} not found", "$.plan_id")
    message_id = f"regenerate/{now.isoformat()}"
    with refusals("plan_id"):
        seen = await _seen(seller, plan.items, demand_store)
        options, refused = await asyncio.to_thread(place, plan, now, seen)
        decide = partial(plans.regenerate_options, options=options, refused=refused,
                         cause=requested(seller, request.plan_id, message_id), now=now)
        applied = await plans_store.apply(seller, request.plan_id, message_id, decide)
    await publish(applied.events)
    return plans.view(applied.state)


async def _plan_request(seller: str, plan_id: str, verb: str, rule, *, plans_store: Store,  # noqa: ANN001
                        publish: Publisher, clock: Clock) -> InboundPlanView:
    decide = partial(rule, cause=requested(seller, plan_id, verb), now=clock.now())
    with refusals("plan_id"):
        applied = await plans_store.apply(seller, plan_id, verb, decide)
    await publish(applied.events)
    return plans.view(applied.state)


async def _seen(seller: str, items: list, demand_store: Store | None) -> list[demand.ShipTo]:
    """The stored order counts of a plan's SKUs (one scan of the seller's keys for a large plan)."""
    if demand_store is None:
        return []
    skus = {i.sku for i in items}
    if len(skus) <= SCAN_ABOVE:
        found = [await demand_store.load(seller, sku) for sku in sorted(skus)]
    else:
        found = [s async for s in demand_store.scan(seller) if s.sku in skus]
    return demand.ship_tos(s for s in found if s is not None)


async def on_order_placed(evt: OrderPlaced, *, demand_store: Store, window_days: float) -> None:
    """Learn where the seller's buyers are: each line's units to the order's ship-to ZIP3, once per order."""
    if evt.destination is None:
        return
    for line in evt.items:
        await demand_store.apply(evt.seller, line.sku, str(evt.event_id), partial(
            demand.record, sku=line.sku, postal_code=evt.destination.postal_code,
            country_code=evt.destination.country_code, units=line.quantity, at=evt.purchased_at,
            window_days=window_days))


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
    plan = await plans_store.load(seller, query.plan_id)
    if plan is None:
        raise RequestError("not_found", f"inbound plan {query.plan_id} not found", "$.plan_id")
    return plans.view(plan)


# ---- inbound shipments ----


def _shipment_step(evt_or_id, seller: str, shipment_id: str, rule, at: datetime, *, shipments_store: Store,  # noqa: ANN001
                   stock: Store, publish: Publisher) -> Awaitable[Any]:
    message_id = evt_or_id if isinstance(evt_or_id, str) else str(evt_or_id.event_id)
    return _apply_boxed(shipments_store, seller, shipment_id, message_id, rule, at, stock=stock, publish=publish,
                        moves_of=inbound_moves)


async def on_plan_confirmed(evt: InboundPlanConfirmed, **deps: Any) -> None:
    for planned in evt.option.shipments:
        await _shipment_step(evt, evt.seller, planned.shipment_id,
                             partial(shipments.create_shipment, confirmed=evt, planned=planned), evt.occurred_at,
                             **deps)


async def on_plan_canceled(evt: InboundPlanCanceled, **deps: Any) -> None:
    for shipment_id in evt.shipment_ids:
        await _shipment_step(evt, evt.seller, shipment_id, partial(shipments.plan_canceled, canceled=evt),
                             evt.occurred_at, **deps)


async def on_shipment_status(evt: InboundShipmentStatusReported, *, policy: shipments.Policy, **deps: Any) -> None:
    await _fact_for_shipment(evt, partial(shipments.status_reported, fact=evt, policy=policy), **deps)


async def on_receipt(evt: InboundReceiptReported, *, policy: shipments.Policy, **deps: Any) -> None:
    await _fact_for_shipment(evt, partial(shipments.receipt_reported, fact=evt, policy=policy), **deps)


async def _fact_for_shipment(evt: Event, rule, *, shipments_store: Store, **deps: Any) -> None:  # noqa: ANN001
    state = await _shipment_step(evt, evt.seller, evt.shipment_id, rule, evt.occurred_at,
                                 shipments_store=shipments_store, **deps)
    if state is None:  # a fact about a shipment this service never created: kept in the dead letters
        raise LookupError(f"no inbound shipment {evt.shipment_id} for seller {evt.seller}")


async def update_shipment(seller: str, request: UpdateShipment, *, clock: Clock, check_carrier=None,  # noqa: ANN001
                          shipments_store: Store, **deps: Any) -> ShipmentView:
    now = clock.now()
    verb = f"update/{request.status.value}/{request.tracking_number or ''}"
    rule = partial(shipments.seller_update, request=request, cause=requested(seller, request.shipment_id, verb),
                   now=now, check_carrier=check_carrier)
    with refusals("shipment_id"):
        if await shipments_store.load(seller, request.shipment_id) is None:
            raise NotFound(f"inbound shipment {request.shipment_id} not found")
        state = await _shipment_step(verb, seller, request.shipment_id, rule, now, shipments_store=shipments_store,
                                     **deps)
    return shipments.view(state)


async def on_shipment_deadline(key: str, kind: str, due: datetime, *, policy: shipments.Policy,
                               shipments_store: Store, **deps: Any) -> None:
    seller, shipment_id = key.split(".", 1)
    if kind == OUTBOX:
        await flush(shipments_store, seller, shipment_id, **deps)
        return
    rule = partial(shipments.deadline_passed, kind=kind, due=due, policy=policy)
    await _shipment_step(f"deadline/{kind}/{due.isoformat()}", seller, shipment_id, rule, due,
                         shipments_store=shipments_store, **deps)


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
    await _shipment_step(evt, evt.seller, target, partial(shipments.reimbursed, fact=evt), evt.occurred_at,
                         shipments_store=shipments_store, stock=stock, publish=publish)


async def _open_cases_for(store: Store, seller: str, sku: str):  # noqa: ANN202
    found = [box.state async for box in store.scan(seller) if box.state.case is not None
             and box.state.case.status is CaseStatus.OPEN and any(line.sku == sku for line in box.state.case.lines)]
    for shipment in sorted(found, key=lambda s: (s.case.claim_deadline, s.shipment_id)):
        yield shipment


async def resolve_case(seller: str, request: ResolveCase, *, clock: Clock, shipments_store: Store,
                       **deps: Any) -> ShipmentView:
    now = clock.now()
    rule = partial(shipments.resolve_case, request=request, cause=requested(seller, request.shipment_id, "resolve"),
                   now=now)
    with refusals("shipment_id"):
        if await shipments_store.load(seller, request.shipment_id) is None:
            raise NotFound(f"inbound shipment {request.shipment_id} not found")
        state = await _shipment_step("resolve", seller, request.shipment_id, rule, now,
                                     shipments_store=shipments_store, **deps)
    return shipments.view(state)


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


# ---- inventory ----


async def on_adjustment(evt: InventoryAdjustmentReported, *, stock: Store, publish: Publisher) -> None:
    applied = await stock.apply(evt.seller, evt.sku, str(evt.event_id), partial(ledger.adjustment, fact=evt))
    await publish(applied.events)


async def on_transfer(evt: InventoryTransferReported, *, stock: Store, publish: Publisher) -> None:
    applied = await stock.apply(evt.seller, evt.sku, str(evt.event_id), partial(ledger.transfer, fact=evt))
    await publish(applied.events)


async def on_availability(evt: InventoryAvailabilityReported, *, stock: Store, publish: Publisher,
                          compared: frozenset[str]) -> None:
    decide = partial(ledger.availability_reported, fact=evt, compared=compared)
    applied = await stock.apply(evt.seller, evt.sku, str(evt.event_id), decide)
    await publish(applied.events)


async def on_customer_return(evt: CustomerReturnReceived, *, stock: Store, publish: Publisher) -> None:
    """A customer's return was received at a center: its units join the SKU's `bucket` there, once per event."""
    returned = Movement(sku=evt.sku, center_id=evt.center_id, quantity=evt.quantity, from_bucket=None,
                        to_bucket=evt.bucket, cause=Why.CUSTOMER_RETURN, reference=evt.return_id)
    decide = partial(ledger.move, movements=[returned], seller=evt.seller, sku=evt.sku, cause=Cause.of(evt),
                     at=evt.occurred_at)
    applied = await stock.apply(evt.seller, evt.sku, str(evt.event_id), decide)
    await publish(applied.events)


async def get_inventory(seller: str, query: GetInventory, *, stock: Store) -> InventorySummary:
    found = await stock.load(seller, query.sku)
    if found is None:
        raise RequestError("not_found", f"no inventory recorded for SKU {query.sku!r}", "$.sku")
    return ledger.summary(found)


async def list_inventory(seller: str, query: ListInventory, *, stock: Store) -> InventoryList:
    wanted = set(query.skus or ())
    found = [s async for s in stock.scan(seller) if not wanted or s.sku in wanted]
    summaries = [ledger.summary(s) for s in sorted(found, key=lambda s: s.sku)]
    taken, after = page(summaries, key=lambda s: s.sku, cursor=query.cursor, limit=query.limit)
    return InventoryList(items=taken, next_cursor=after)


async def check_ledger(seller: str, query: CheckLedger, *, stock: Store, read_ledger: LedgerReader) -> LedgerCheck:
    """Replay the seller's ledger entries from the stream and compare them with the stored summaries."""
    wanted = set(query.skus or ())
    summaries = {s.sku: s async for s in stock.scan(seller) if not wanted or s.sku in wanted}
    entries = [e async for e in read_ledger(seller) if not wanted or e.sku in wanted]
    return ledger.check(summaries, entries)


# ---- outbound: AFN customer orders and MCF orders ----


async def _outbound_request(*, kind: OrderKind, evt: Event, order_id: str, lines: list, destination, fill_policy,  # noqa: ANN001
                            outbound_store: Store, stock: Store, publish: Publisher, choose, locate,  # noqa: ANN001
                            held: bool = False) -> None:
    skus = sorted({sku for _, sku, _ in lines})
    found = {sku: await stock.load(evt.seller, sku) for sku in skus}
    on_hand = {sku: ledger.fulfillable_by_center(s) for sku, s in found.items()}
    where = locate(destination) if destination is not None else None
    allocations, shortfalls, strategy = choose(lines, on_hand, where)
    unknown = frozenset(sku for sku, s in found.items() if s is None) if kind is OrderKind.MCF else frozenset()
    rule = partial(outbound.requested, kind=kind, order_id=order_id, seller=evt.seller, lines=lines,
                   destination=where, fill_policy=fill_policy, cause=Cause.of(evt), at=evt.occurred_at,
                   allocations=allocations, shortfalls=shortfalls, strategy=strategy, held=held, unknown_skus=unknown)
    await _apply_boxed(outbound_store, evt.seller, order_id, str(evt.event_id), rule, evt.occurred_at, stock=stock,
                       publish=publish, after=outbound.reservation_result)


async def on_order_released(evt: OrderReleased, *, afn_fill_policy, **deps: Any) -> None:  # noqa: ANN001
    if evt.fulfillment_channel is not FulfillmentChannel.AFN:
        return  # the seller ships MFN orders
    lines = [(line.order_item_id, line.sku, line.quantity_ordered - line.quantity_shipped) for line in evt.lines
             if line.quantity_ordered > line.quantity_shipped]
    await _outbound_request(kind=OrderKind.AFN, evt=evt, order_id=evt.order_id, lines=lines,
                            destination=evt.destination, fill_policy=afn_fill_policy, **deps)


async def on_mcf_requested(evt: McfOrderRequested, **deps: Any) -> None:
    lines = [(item.item_id, item.seller_sku, item.quantity) for item in evt.items]
    await _outbound_request(kind=OrderKind.MCF, evt=evt, order_id=evt.mcf_order_id, lines=lines,
                            destination=evt.destination, fill_policy=evt.fill_policy,
                            held=evt.fulfillment_action is FulfillmentAction.HOLD, **deps)


async def on_mcf_released(evt: McfOrderReleased, **deps: Any) -> None:
    await _outbound_fact(evt, evt.mcf_order_id, partial(outbound.release, cause=Cause.of(evt), at=evt.occurred_at),
                         **deps)


async def on_outbound_allocated(evt: OutboundOrderAllocated, *, stock: Store, outbound_store: Store,
                                publish: Publisher, choose) -> None:  # noqa: ANN001
    """Keep each SKU's backorder list: a FillAll order short of a SKU waits for it, until it is not short.

    Units may have become fulfillable between the order's reservation and this registration, and their
    `inventory.moved` found no one waiting: so once registered, the order tries the stock there is now
    (register, then look; the stock side moves, then looks; whichever comes second sees the other)."""
    short = {s.sku for s in evt.shortfalls} if evt.fill_policy is FillPolicy.FILL_ALL else set()
    for sku in sorted(short | {a.sku for a in evt.allocations}):
        decide = partial(ledger.backorder, order_id=evt.fulfillment_order_id, waits=sku in short, seller=evt.seller,
                         sku=sku)
        await stock.apply(evt.seller, sku, str(evt.event_id), decide)
    if any([ledger.fulfillable_by_center(await stock.load(evt.seller, sku)) for sku in sorted(short)]):
        await _serve(evt, evt.fulfillment_order_id, stock=stock, outbound_store=outbound_store, publish=publish,
                     choose=choose)


async def on_stock_moved(evt: InventoryMoved, *, stock: Store, outbound_store: Store, publish: Publisher,
                         choose) -> None:  # noqa: ANN001
    """Units became fulfillable (a receipt, a found adjustment, a released reservation): the SKU's waiting FillAll
    orders reserve what sourcing finds for them, oldest first; an order no longer waiting leaves the list."""
    if evt.to_bucket is not Bucket.FULFILLABLE or evt.quantity == 0:
        return
    found = await stock.load(evt.seller, evt.sku)
    for order_id in list(found.waiting if found is not None else []):
        lines = await _serve(evt, order_id, stock=stock, outbound_store=outbound_store, publish=publish,
                             choose=choose)
        if not any(sku == evt.sku for _, sku, _ in lines):
            await stock.apply(evt.seller, evt.sku, f"served/{evt.event_id}/{order_id}",
                              partial(ledger.backorder, order_id=order_id, waits=False, seller=evt.seller,
                                      sku=evt.sku))


async def _serve(evt: Event, order_id: str, *, stock: Store, outbound_store: Store, publish: Publisher,
                 choose) -> list:  # noqa: ANN001
    """A waiting order reserves what sourcing finds on hand now (once per triggering event); what it still wants."""
    box = await outbound_store.load(evt.seller, order_id)
    lines = outbound.wanted(box.state) if box is not None else []
    if not lines:
        return []
    on_hand = {sku: ledger.fulfillable_by_center(await stock.load(evt.seller, sku))
               for sku in sorted({sku for _, sku, _ in lines})}
    allocations, _, _ = choose(lines, on_hand, box.state.destination)
    cause = Cause(f"{evt.event_id}/{order_id}", evt.correlation)
    rule = partial(outbound.restock, allocations=allocations, cause=cause, at=evt.occurred_at)
    state = await _apply_boxed(outbound_store, evt.seller, order_id, f"restock/{evt.event_id}", rule, evt.occurred_at,
                               stock=stock, publish=publish, after=outbound.reservation_result)
    return outbound.wanted(state)


async def _outbound_fact(evt: Event, order_id: str, rule, *, outbound_store: Store, stock: Store,  # noqa: ANN001
                         publish: Publisher) -> Any:
    return await _apply_boxed(outbound_store, evt.seller, order_id, str(evt.event_id), rule, evt.occurred_at,
                              stock=stock, publish=publish, after=outbound.reservation_result)


async def on_order_canceled(evt: OrderCanceled, **deps: Any) -> None:
    if evt.fulfillment_channel is FulfillmentChannel.MFN:
        return
    await _outbound_fact(evt, evt.order_id, partial(outbound.afn_canceled, canceled=evt), **deps)


async def on_mcf_cancel_requested(evt: McfOrderCancelRequested, **deps: Any) -> None:
    def rule(state):  # noqa: ANN001, ANN202
        try:
            return outbound.cancel(state, cause=Cause.of(evt), at=evt.occurred_at)
        except (Refused, NotFound) as exc:  # too late to cancel (Processing): the order goes on, and says so
            log.warning("mcf_cancel_refused", mcf_order_id=evt.mcf_order_id, reason=str(exc))
            return state, [], []
    await _outbound_fact(evt, evt.mcf_order_id, rule, **deps)


async def on_outbound_shipped(evt: OutboundShipmentReported, **deps: Any) -> None:
    state = await _outbound_fact(evt, evt.fulfillment_order_id, partial(outbound.shipped, fact=evt), **deps)
    if state is None:
        raise LookupError(f"no outbound order {evt.fulfillment_order_id} for seller {evt.seller}")


async def on_outbound_deadline(key: str, kind: str, due: datetime, *, policy: outbound.Policy,
                               outbound_store: Store, stock: Store, publish: Publisher) -> None:
    seller, order_id = key.split(".", 1)
    if kind == OUTBOX:
        await flush(outbound_store, seller, order_id, stock=stock, publish=publish, after=outbound.reservation_result)
        return
    rule = partial(outbound.deadline_passed, kind=kind, due=due, policy=policy)
    await _apply_boxed(outbound_store, seller, order_id, f"deadline/{kind}/{due.isoformat()}", rule, due,
                       stock=stock, publish=publish, after=outbound.reservation_result)


async def get_outbound_order(seller: str, query: GetOutboundOrder, *, outbound_store: Store) -> OutboundOrderView:
    box = await outbound_store.load(seller, query.fulfillment_order_id)
    if box is None:
        raise RequestError("not_found", f"outbound order {query.fulfillment_order_id} not found",
                           "$.fulfillment_order_id")
    return outbound.view(box.state)


# ---- removal orders ----


async def create_removal_order(seller: str, request: CreateRemovalOrder, *, clock: Clock, removals_store: Store,
                               stock: Store, publish: Publisher) -> RemovalOrderView:
    now = clock.now()
    on_hand = {line.sku: await stock.load(seller, line.sku) for line in request.lines}
    rule = partial(removals.create, request=request, seller=seller, stock=on_hand,
                   cause=requested(seller, request.removal_order_id, "create"), now=now)
    with refusals("removal_order_id"):
        state = await _apply_boxed(removals_store, seller, request.removal_order_id, "create", rule, now,
                                   stock=stock, publish=publish)
    return removals.view(state)


async def cancel_removal_order(seller: str, request: RemovalRef, *, clock: Clock, removals_store: Store,
                               stock: Store, publish: Publisher) -> RemovalOrderView:
    now = clock.now()
    rule = partial(removals.cancel, cause=requested(seller, request.removal_order_id, "cancel"), now=now)
    with refusals("removal_order_id"):
        if await removals_store.load(seller, request.removal_order_id) is None:
            raise NotFound(f"removal order {request.removal_order_id} not found")
        state = await _apply_boxed(removals_store, seller, request.removal_order_id, "cancel", rule, now,
                                   stock=stock, publish=publish)
    return removals.view(state)


async def on_removal_processed(evt: RemovalShipmentReported, *, removals_store: Store, stock: Store,
                               publish: Publisher) -> None:
    state = await _apply_boxed(removals_store, evt.seller, evt.removal_order_id, str(evt.event_id),
                               partial(removals.processed, fact=evt), evt.occurred_at, stock=stock, publish=publish)
    if state is None:
        raise LookupError(f"no removal order {evt.removal_order_id} for seller {evt.seller}")


async def on_removal_deadline(key: str, kind: str, due: datetime, *, removals_store: Store, stock: Store,
                              publish: Publisher) -> None:
    seller, removal_id = key.split(".", 1)
    await flush(removals_store, seller, removal_id, stock=stock, publish=publish)


async def get_removal_order(seller: str, query: RemovalRef, *, removals_store: Store) -> RemovalOrderView:
    box = await removals_store.load(seller, query.removal_order_id)
    if box is None:
        raise RequestError("not_found", f"removal order {query.removal_order_id} not found", "$.removal_order_id")
    return removals.view(box.state)
