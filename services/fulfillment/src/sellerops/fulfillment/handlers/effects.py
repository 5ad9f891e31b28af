"""Carrying out a stock-moving decision's pending effect (domain.ledger_moves): its movements applied to each
SKU's ledger, at most once per decision and SKU. The aggregates' stores (runtime.effects.PendingEffects) call
it after saving the decision, and again after a crash. Each ledger holds the decision's id until the
decision's record has cleared the effect (`release`), however many other movements the SKU takes meanwhile.
"""

from datetime import datetime
from functools import partial
from itertools import groupby

from sellerops.contracts.inventory import InventoryMoved, Movement
from sellerops.fulfillment.domain import ledger
from sellerops.fulfillment.domain.common import Cause
from sellerops.fulfillment.domain.ledger_moves import LedgerMoves
from sellerops.fulfillment.ports import HoldingStore, Publisher
from sellerops.runtime.effects import Origin


async def carry_out(origin: Origin, effect: LedgerMoves, *, stock: HoldingStore, publish: Publisher) -> None:
    """Apply a decision's movements to the SKU ledgers (shipments and removal orders need no answer)."""
    await move_stock(origin, effect, stock=stock, publish=publish)


async def release(origin: Origin, effect: LedgerMoves, *, stock: HoldingStore) -> None:
    """The decision's record cleared the effect: each SKU's ledger may forget its id in time."""
    for sku in sorted({m.sku for m in effect.moves}):
        stock.release(origin.seller, sku, _batch_id(origin))


def _batch_id(origin: Origin) -> str:
    return f"{origin.aggregate_id}/{origin.message_id}"


async def move_stock(origin: Origin, effect: LedgerMoves, *, stock: HoldingStore,
                     publish: Publisher) -> list[InventoryMoved]:
    """Apply movements to each SKU's ledger (at most once per decision and SKU); the entries written."""
    batch_id = _batch_id(origin)
    written: list[InventoryMoved] = []
    ordered = sorted(effect.moves, key=lambda m: m.sku)  # stable: each SKU keeps its movements' order
    for sku, group in groupby(ordered, key=lambda m: m.sku):
        written += await _move(origin.seller, sku, batch_id, list(group), effect.at, stock=stock, publish=publish)
    return written


async def _move(seller: str, sku: str, batch_id: str, moves: list[Movement], at: datetime, *, stock: HoldingStore,
                publish: Publisher) -> list[InventoryMoved]:
    # The SKU is part of the cause: each SKU's entries are numbered from 0, and their ids must differ.
    decide = partial(ledger.move, movements=moves, seller=seller, sku=sku,
                     cause=Cause(f"ledger/{seller}/{batch_id}/{sku}"), at=at)
    applied = await stock.apply(seller, sku, batch_id, decide, hold=True)
    await publish(applied.events)
    return [e for e in applied.events if isinstance(e, InventoryMoved)]  # not a count's reconciliation
