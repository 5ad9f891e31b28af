"""What every stock-moving handler does after deciding: save the decision with its movements (domain.boxed),
publish its events, then apply the movements to each SKU's ledger and clear them (`flush`).

A crash between saving and clearing leaves the movements in the outbox; the deadline watch flushes them
later, and each SKU's ledger applies a batch at most once, so nothing is lost or applied twice.
"""

from datetime import datetime
from functools import partial
from itertools import groupby
from typing import Any

from sellerops.contracts.inventory import InventoryMoved, Movement
from sellerops.fulfillment.domain import ledger
from sellerops.fulfillment.domain.boxed import MAX_FOLLOW_UPS, After, Boxed, cleared, decided
from sellerops.fulfillment.domain.common import Cause
from sellerops.fulfillment.ports import Publisher, Store


async def apply_boxed(store: Store, seller: str, aggregate_id: str, message_id: str, rule: Any, at: datetime, *,
                      stock: Store, publish: Publisher, moves_of: Any = None, after: After | None = None) -> Any:
    """Apply `rule` to the aggregate once per message, publish, flush; the domain state afterwards (or None)."""
    applied = await store.apply(seller, aggregate_id, message_id, decided(rule, message_id, at, moves_of))
    await publish(applied.events)
    box = await flush(store, seller, aggregate_id, stock=stock, publish=publish, after=after, box=applied.state)
    return box.state if box is not None else None


async def flush(store: Store, seller: str, aggregate_id: str, *, stock: Store, publish: Publisher,
                after: After | None = None, box: Boxed | None = None) -> Boxed | None:
    """Apply an aggregate's outbox to the SKU ledgers batch by batch, clearing each (and letting `after` react
    to what the ledger did, in the same write); the aggregate as it stands afterwards. `box`: its state when
    the caller has it (else it is loaded)."""
    box = box if box is not None else await store.load(seller, aggregate_id)
    for _ in range(MAX_FOLLOW_UPS):
        if box is None or not box.outbox:
            return box
        batch = box.outbox[0]
        moved = await move_stock(seller, f"{aggregate_id}/{batch.id}", batch.at, batch.moves, stock=stock,
                                 publish=publish)
        applied = await store.apply(seller, aggregate_id, f"flushed/{batch.id}", cleared(batch, moved, after))
        await publish(applied.events)
        box = applied.state
    return box


async def move_stock(seller: str, batch_id: str, at: datetime, moves: list[Movement], *, stock: Store,
                     publish: Publisher) -> list[InventoryMoved]:
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
