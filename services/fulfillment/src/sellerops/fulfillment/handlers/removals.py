"""Removal orders: units returned to an address or disposed of, reserved when the order is created."""

from datetime import datetime
from functools import partial
from typing import Any

from sellerops.contracts.inventory import CreateRemovalOrder, RemovalOrderView, RemovalRef, RemovalShipmentReported
from sellerops.contracts.requests import RequestError
from sellerops.fulfillment.domain import removals
from sellerops.fulfillment.domain.common import NotFound, requested
from sellerops.fulfillment.handlers.effects import apply_boxed, flush
from sellerops.fulfillment.ports import Clock, Publisher, Store
from sellerops.runtime.decisions import refusals


async def create_removal_order(seller: str, request: CreateRemovalOrder, *, clock: Clock, removals_store: Store,
                               stock: Store, publish: Publisher) -> RemovalOrderView:
    now = clock.now()
    on_hand = {line.sku: await stock.load(seller, line.sku) for line in request.lines}
    rule = partial(removals.create, request=request, seller=seller, stock=on_hand,
                   cause=requested(seller, request.removal_order_id, "create"), now=now)
    with refusals("removal_order_id"):
        state = await apply_boxed(removals_store, seller, request.removal_order_id, "create", rule, now,
                                  stock=stock, publish=publish)
    return removals.view(state)


async def cancel_removal_order(seller: str, request: RemovalRef, *, clock: Clock, removals_store: Store,
                               stock: Store, publish: Publisher) -> RemovalOrderView:
    now = clock.now()
    rule = partial(removals.cancel, cause=requested(seller, request.removal_order_id, "cancel"), now=now)
    with refusals("removal_order_id"):
        if await removals_store.load(seller, request.removal_order_id) is None:
            raise NotFound(f"removal order {request.removal_order_id} not found")
        state = await apply_boxed(removals_store, seller, request.removal_order_id, "cancel", rule, now,
                                  stock=stock, publish=publish)
    return removals.view(state)


async def on_removal_processed(evt: RemovalShipmentReported, *, removals_store: Store, stock: Store,
                               publish: Publisher) -> None:
    state = await apply_boxed(removals_store, evt.seller, evt.removal_order_id, str(evt.event_id),
                              partial(removals.processed, fact=evt), evt.occurred_at, stock=stock, publish=publish)
    if state is None:
        raise LookupError(f"no removal order {evt.removal_order_id} for seller {evt.seller}")


async def on_removal_deadline(key: str, kind: str, due: datetime, *, removals_store: Store, **deps: Any) -> None:
    """A removal order has no deadlines of its own: only an outbox a crash left behind."""
    seller, removal_id = key.split(".", 1)
    await flush(removals_store, seller, removal_id, **deps)


async def get_removal_order(seller: str, query: RemovalRef, *, removals_store: Store) -> RemovalOrderView:
    box = await removals_store.load(seller, query.removal_order_id)
    if box is None:
        raise RequestError("not_found", f"removal order {query.removal_order_id} not found", "$.removal_order_id")
    return removals.view(box.state)
