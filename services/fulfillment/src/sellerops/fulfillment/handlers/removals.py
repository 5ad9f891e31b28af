"""Removal orders: units returned to an address or disposed of, reserved when the order is created."""

from datetime import datetime
from functools import partial
from typing import Any

from sellerops.contracts.inventory import CreateRemovalOrder, RemovalOrderView, RemovalRef, RemovalShipmentReported
from sellerops.fulfillment.domain import removals
from sellerops.fulfillment.domain.common import found, requested
from sellerops.fulfillment.domain.ledger_moves import with_moves
from sellerops.fulfillment.ports import Clock, EffectStore, Store
from sellerops.runtime.decisions import refusals


async def create_removal_order(seller: str, request: CreateRemovalOrder, *, clock: Clock, removals_store: EffectStore,
                               stock: Store) -> RemovalOrderView:
    now = clock.now()
    on_hand = {line.sku: await stock.load(seller, line.sku) for line in request.lines}
    rule = partial(removals.create, request=request, seller=seller, stock=on_hand,
                   cause=requested(seller, request.removal_order_id, "create"), now=now)
    with refusals("removal_order_id"):
        state = await _step(seller, request.removal_order_id, "create", rule, now, removals_store)
    assert state is not None  # removals.create refuses or creates
    return removals.view(state)


async def cancel_removal_order(seller: str, request: RemovalRef, *, clock: Clock,
                               removals_store: EffectStore) -> RemovalOrderView:
    now = clock.now()
    rule = partial(removals.cancel, cause=requested(seller, request.removal_order_id, "cancel"), now=now)
    with refusals("removal_order_id"):
        found(await removals_store.load(seller, request.removal_order_id),
              f"removal order {request.removal_order_id} not found")
        state = await _step(seller, request.removal_order_id, "cancel", rule, now, removals_store)
    assert state is not None  # it was there a moment ago
    return removals.view(state)


async def on_removal_processed(evt: RemovalShipmentReported, *, removals_store: EffectStore) -> None:
    state = await _step(evt.seller, evt.removal_order_id, str(evt.event_id), partial(removals.processed, fact=evt),
                        evt.occurred_at, removals_store)
    if state is None:
        raise LookupError(f"no removal order {evt.removal_order_id} for seller {evt.seller}")


async def get_removal_order(seller: str, query: RemovalRef, *, removals_store: EffectStore) -> RemovalOrderView:
    with refusals("removal_order_id"):
        removal = found(await removals_store.load(seller, query.removal_order_id),
                        f"removal order {query.removal_order_id} not found")
    return removals.view(removal)


async def _step(seller: str, removal_id: str, message_id: str, rule: Any, at: datetime,
                removals_store: EffectStore) -> removals.Removal | None:
    """One decision about one removal order; its ledger movements are its pending effect."""
    applied = await removals_store.apply(seller, removal_id, message_id, with_moves(rule, at))
    return applied.state
