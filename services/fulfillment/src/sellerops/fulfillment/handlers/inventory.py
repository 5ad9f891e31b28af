"""The inventory ledger: the market's adjustments, transfers and counts, customer returns received, and the
questions about a SKU's stock (its summary, every SKU's, the ledger replayed from the stream)."""

from functools import partial

from sellerops.contracts.inventory import (
    Cause as Why, CheckLedger, GetInventory, InventoryAdjustmentReported, InventoryAvailabilityReported,
    InventoryList, InventorySummary, InventoryTransferReported, LedgerCheck, ListInventory, Movement,
)
from sellerops.contracts.returns import CustomerReturnReceived
from sellerops.fulfillment.domain import ledger
from sellerops.fulfillment.domain.common import Cause, found
from sellerops.fulfillment.ports import HoldingStore, LedgerReader, Publisher
from sellerops.runtime.decisions import refusals
from sellerops.runtime.paging import page


async def on_adjustment(evt: InventoryAdjustmentReported, *, stock: HoldingStore, publish: Publisher) -> None:
    applied = await stock.apply_held(evt.seller, evt.sku, str(evt.event_id), partial(ledger.adjustment, fact=evt))
    await publish(applied.events)


async def on_transfer(evt: InventoryTransferReported, *, stock: HoldingStore, publish: Publisher) -> None:
    applied = await stock.apply_held(evt.seller, evt.sku, str(evt.event_id), partial(ledger.transfer, fact=evt))
    await publish(applied.events)


async def on_availability(evt: InventoryAvailabilityReported, *, stock: HoldingStore, publish: Publisher,
                          compared: frozenset[str]) -> None:
    decide = partial(ledger.availability_reported, fact=evt, compared=compared)
    applied = await stock.apply_held(evt.seller, evt.sku, str(evt.event_id), decide)
    await publish(applied.events)


async def on_customer_return(evt: CustomerReturnReceived, *, stock: HoldingStore, publish: Publisher) -> None:
    """A customer's return was received at a center: its units join the SKU's `bucket` there, once per event."""
    returned = Movement(sku=evt.sku, center_id=evt.center_id, quantity=evt.quantity, from_bucket=None,
                        to_bucket=evt.bucket, cause=Why.CUSTOMER_RETURN, reference=evt.return_id)
    decide = partial(ledger.move, movements=[returned], seller=evt.seller, sku=evt.sku, cause=Cause.of(evt),
                     at=evt.occurred_at)
    applied = await stock.apply_held(evt.seller, evt.sku, str(evt.event_id), decide)
    await publish(applied.events)


async def get_inventory(seller: str, query: GetInventory, *, stock: HoldingStore) -> InventorySummary:
    with refusals("sku"):
        stock_of = found(await stock.load(seller, query.sku), f"no inventory recorded for SKU {query.sku!r}")
    return ledger.summary(stock_of)


async def list_inventory(seller: str, query: ListInventory, *, stock: HoldingStore) -> InventoryList:
    wanted = set(query.skus or ())
    found = [s async for s in stock.scan(seller) if not wanted or s.sku in wanted]
    summaries = [ledger.summary(s) for s in sorted(found, key=lambda s: s.sku)]
    taken, after = page(summaries, key=lambda s: s.sku, cursor=query.cursor, limit=query.limit)
    return InventoryList(items=taken, next_cursor=after)


async def check_ledger(seller: str, query: CheckLedger, *, stock: HoldingStore, read_ledger: LedgerReader) -> LedgerCheck:
    """Replay the seller's ledger entries from the stream and compare them with the stored summaries."""
    wanted = set(query.skus or ())
    summaries = {s.sku: s async for s in stock.scan(seller) if not wanted or s.sku in wanted}
    entries = [e async for e in read_ledger(seller) if not wanted or e.sku in wanted]
    return ledger.check(summaries, entries)
