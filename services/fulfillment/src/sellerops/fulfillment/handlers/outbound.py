"""Outbound orders the network fulfils (AFN customer orders and MCF orders): sourced and reserved when they
arrive, served when stock they wait for arrives (backorders), held, released, cancelled, shipped."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import (
    Bucket, GetOutboundOrder, InventoryMoved, OrderKind, OutboundOrderAllocated, OutboundOrderView,
    OutboundShipmentReported,
)
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import (
    FillPolicy, FulfillmentAction, McfOrderCancelRequested, McfOrderReleased, McfOrderRequested, OrderCanceled,
    OrderReleased,
)
from sellerops.fulfillment.domain import ledger, outbound
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, found
from sellerops.fulfillment.domain.ledger_moves import LedgerMoves, reacting, with_moves
from sellerops.fulfillment.handlers.effects import move_stock
from sellerops.fulfillment.ports import Choose, EffectStore, HoldingStore, Locate, Publisher
from sellerops.runtime.decisions import refusals
from sellerops.runtime.effects import Origin

log = structlog.get_logger("sellerops.fulfillment")


async def on_order_released(evt: OrderReleased, *, afn_fill_policy: FillPolicy, outbound_store: EffectStore,
                            stock: HoldingStore, choose: Choose, locate: Locate) -> None:
    if evt.fulfillment_channel is not FulfillmentChannel.AFN:
        return  # the seller ships MFN orders
    lines = [(line.order_item_id, line.sku, line.quantity_ordered - line.quantity_shipped) for line in evt.lines
             if line.quantity_ordered > line.quantity_shipped]
    await _requested(kind=OrderKind.AFN, evt=evt, order_id=evt.order_id, lines=lines, destination=evt.destination,
                     fill_policy=afn_fill_policy, outbound_store=outbound_store, stock=stock, choose=choose,
                     locate=locate)


async def on_mcf_requested(evt: McfOrderRequested, *, outbound_store: EffectStore, stock: HoldingStore, choose: Choose,
                           locate: Locate) -> None:
    lines = [(item.item_id, item.seller_sku, item.quantity) for item in evt.items]
    await _requested(kind=OrderKind.MCF, evt=evt, order_id=evt.mcf_order_id, lines=lines, destination=evt.destination,
                     fill_policy=evt.fill_policy, held=evt.fulfillment_action is FulfillmentAction.HOLD,
                     outbound_store=outbound_store, stock=stock, choose=choose, locate=locate)


async def on_mcf_released(evt: McfOrderReleased, *, outbound_store: EffectStore) -> None:
    await _fact(evt, evt.mcf_order_id, partial(outbound.release, cause=Cause.of(evt), at=evt.occurred_at),
                outbound_store)


async def on_order_canceled(evt: OrderCanceled, *, outbound_store: EffectStore) -> None:
    if evt.fulfillment_channel is FulfillmentChannel.MFN:
        return
    await _fact(evt, evt.order_id, partial(outbound.afn_canceled, canceled=evt), outbound_store)


async def on_mcf_cancel_requested(evt: McfOrderCancelRequested, *, outbound_store: EffectStore) -> None:
    def rule(state: outbound.Outbound | None) -> outbound.Decision:
        try:
            return outbound.cancel(state, cause=Cause.of(evt), at=evt.occurred_at)
        except (Refused, NotFound) as exc:  # too late to cancel (Processing): the order goes on, and says so
            log.warning("mcf_cancel_refused", mcf_order_id=evt.mcf_order_id, reason=str(exc))
            return state, [], []
    await _fact(evt, evt.mcf_order_id, rule, outbound_store)


async def on_outbound_shipped(evt: OutboundShipmentReported, *, outbound_store: EffectStore) -> None:
    if await _fact(evt, evt.fulfillment_order_id, partial(outbound.shipped, fact=evt), outbound_store) is None:
        raise LookupError(f"no outbound order {evt.fulfillment_order_id} for seller {evt.seller}")


async def on_outbound_allocated(evt: OutboundOrderAllocated, *, stock: HoldingStore, outbound_store: EffectStore,
                                choose: Choose) -> None:
    """Keep each SKU's backorder list: a FillAll order short of a SKU waits for it, until it is not short.

    Units may have become fulfillable between the order's reservation and this registration, and their
    `inventory.moved` found no one waiting: so once registered, the order tries the stock there is now
    (register, then look; the stock side moves, then looks; whichever comes second sees the other)."""
    short = {s.sku for s in evt.shortfalls} if evt.fill_policy is FillPolicy.FILL_ALL else set()
    for sku in sorted(short | {a.sku for a in evt.allocations}):
        decide = partial(ledger.backorder, order_id=evt.fulfillment_order_id, waits=sku in short, seller=evt.seller,
                         sku=sku)
        await stock.apply_held(evt.seller, sku, str(evt.event_id), decide)
    if any([ledger.fulfillable_by_center(await stock.load(evt.seller, sku)) for sku in sorted(short)]):
        await _serve(evt, evt.fulfillment_order_id, stock=stock, outbound_store=outbound_store, choose=choose)


async def on_stock_moved(evt: InventoryMoved, *, stock: HoldingStore, outbound_store: EffectStore, choose: Choose) -> None:
    """Units became fulfillable (a receipt, a found adjustment, a released reservation): the SKU's waiting FillAll
    orders reserve what sourcing finds for them, oldest first; an order no longer waiting leaves the list."""
    if evt.to_bucket is not Bucket.FULFILLABLE or evt.quantity == 0:
        return
    found = await stock.load(evt.seller, evt.sku)
    for order_id in list(found.waiting if found is not None else []):
        lines = await _serve(evt, order_id, stock=stock, outbound_store=outbound_store, choose=choose)
        if not any(sku == evt.sku for _, sku, _ in lines):
            await stock.apply_held(evt.seller, evt.sku, f"served/{evt.event_id}/{order_id}",
                              partial(ledger.backorder, order_id=order_id, waits=False, seller=evt.seller,
                                      sku=evt.sku))


async def on_outbound_deadline(key: str, kind: str, due: datetime, *, outbound_policy: outbound.Policy,
                               outbound_store: EffectStore) -> None:
    seller, order_id = key.split(".", 1)
    rule = partial(outbound.deadline_passed, kind=kind, due=due, policy=outbound_policy)
    await _step(seller, order_id, f"deadline/{kind}/{due.isoformat()}", rule, due, outbound_store)


async def carry_out(origin: Origin, effect: LedgerMoves, *, stock: HoldingStore,
                    publish: Publisher) -> Callable[[Any], Any]:
    """Apply an order's movements to the SKU ledgers; the order then answers what the ledger did (a reservation
    that came up short becomes a shortfall), in the write that clears them."""
    moved = await move_stock(origin, effect, stock=stock, publish=publish)
    return reacting(outbound.reservation_result, moved, effect.at)


async def get_outbound_order(seller: str, query: GetOutboundOrder, *, outbound_store: EffectStore) -> OutboundOrderView:
    with refusals("fulfillment_order_id"):
        order = found(await outbound_store.load(seller, query.fulfillment_order_id),
                      f"outbound order {query.fulfillment_order_id} not found")
    return outbound.view(order)


async def _requested(*, kind: OrderKind, evt: Event, order_id: str, lines: list[tuple[str, str, int]],
                     destination: Any, fill_policy: FillPolicy, outbound_store: EffectStore, stock: HoldingStore,
                     choose: Choose, locate: Locate, held: bool = False) -> None:
    """A new order: sourcing picks centers from the stock on hand now; the decision reserves what it found."""
    skus = sorted({sku for _, sku, _ in lines})
    found = {sku: await stock.load(evt.seller, sku) for sku in skus}
    on_hand = {sku: ledger.fulfillable_by_center(s) for sku, s in found.items()}
    where = locate(destination) if destination is not None else None
    allocations, shortfalls, strategy = choose(lines, on_hand, where)
    unknown = frozenset(sku for sku, s in found.items() if s is None) if kind is OrderKind.MCF else frozenset()
    rule = partial(outbound.requested, kind=kind, order_id=order_id, seller=evt.seller, lines=lines,
                   destination=where, fill_policy=fill_policy, cause=Cause.of(evt), at=evt.occurred_at,
                   allocations=allocations, shortfalls=shortfalls, strategy=strategy, held=held, unknown_skus=unknown)
    await _step(evt.seller, order_id, str(evt.event_id), rule, evt.occurred_at, outbound_store)


async def _serve(evt: Event, order_id: str, *, stock: HoldingStore, outbound_store: EffectStore,
                 choose: Choose) -> list[tuple[str, str, int]]:
    """A waiting order reserves what sourcing finds on hand now (once per triggering event); what it still wants
    once the ledger answered."""
    order = await outbound_store.load(evt.seller, order_id)
    if order is None or not (lines := outbound.wanted(order)):
        return []
    on_hand = {sku: ledger.fulfillable_by_center(await stock.load(evt.seller, sku))
               for sku in sorted({sku for _, sku, _ in lines})}
    allocations, _, _ = choose(lines, on_hand, order.destination)
    cause = Cause(f"{evt.event_id}/{order_id}", evt.correlation)
    rule = partial(outbound.restock, allocations=allocations, cause=cause, at=evt.occurred_at)
    await _step(evt.seller, order_id, f"restock/{evt.event_id}", rule, evt.occurred_at, outbound_store)
    answered = await outbound_store.load(evt.seller, order_id)  # after the ledger's answer
    return outbound.wanted(answered) if answered is not None else []


async def _fact(evt: Event, order_id: str, rule: Any, outbound_store: EffectStore) -> outbound.Outbound | None:
    return await _step(evt.seller, order_id, str(evt.event_id), rule, evt.occurred_at, outbound_store)


async def _step(seller: str, order_id: str, message_id: str, rule: Any, at: datetime,
                outbound_store: EffectStore) -> outbound.Outbound | None:
    """One decision about one order; its ledger movements are its pending effect (see carry_out)."""
    applied = await outbound_store.apply(seller, order_id, message_id, with_moves(rule, at))
    return applied.state
