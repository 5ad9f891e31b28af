"""returns' CustomerReturnReceived through bootstrap.build over the real stores on FakeKeyValue: the units
join the SKU's ledger at the center, in the bucket the return's disposition gave, once per event."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta


from sellerops.contracts.inventory import (
    Bucket, Cause, GetInventory, GetOutboundOrder, InventoryAdjustmentReported, InventoryMoved, ListInventory,
    OutboundOrderAllocated,
)
from sellerops.contracts.orders import Address, FillPolicy, McfItem, McfOrderRequested, ShippingSpeed
from sellerops.contracts.returns import DISPOSITION_BUCKET, CustomerReturnReceived, Disposition
from sellerops.fulfillment import handlers
from sellerops.fulfillment import subscribers
from sellerops.fulfillment.app import SERVICE

from .conftest import known_sku

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SELLER, SKU, CENTER = "acme", "MUG-BLUE", "BFI4"


def returned(quantity: int, disposition: Disposition, *, return_id: str = "LPNRK1234567",
             at: datetime = NOW) -> CustomerReturnReceived:
    return CustomerReturnReceived(
        event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, correlation_id=uuid.uuid4(), return_id=return_id,
        order_id="111-2223334-5556667", sku=SKU, center_id=CENTER, quantity=quantity, disposition=disposition,
        bucket=DISPOSITION_BUCKET[disposition])


async def on_hand(svc, quantity: int) -> None:
    await svc.h(handlers.inventory.on_adjustment, InventoryAdjustmentReported(
        event_id=uuid.uuid4(), seller=SELLER, occurred_at=NOW - timedelta(days=1), adjustment_id="ADJ-1", sku=SKU,
        center_id=CENTER, quantity=quantity, from_bucket=None, to_bucket=Bucket.FULFILLABLE, reason="F"))


async def counts(svc):
    summary = await svc.h(handlers.inventory.get_inventory, SELLER, GetInventory(sku=SKU))
    return next(c.counts for c in summary.centers if c.center_id == CENTER)


async def test_a_sellable_return_adds_its_units_to_fulfillable_at_the_center(svc):
    await on_hand(svc, 5)

    await svc.h(handlers.inventory.on_customer_return, returned(2, Disposition.SELLABLE))

    at_center = await counts(svc)
    assert (at_center.fulfillable, at_center.unfulfillable_total, at_center.total) == (7, 0, 7)


async def test_a_defective_return_is_unfulfillable_defective_and_leaves_fulfillable_alone(svc):
    await on_hand(svc, 5)

    await svc.h(handlers.inventory.on_customer_return, returned(1, Disposition.DEFECTIVE))

    at_center = await counts(svc)
    assert (at_center.fulfillable, at_center.unfulfillable, at_center.total) == (5, {"DEFECTIVE": 1}, 6)


async def test_a_return_is_one_ledger_entry_caused_by_the_customer_return(svc):
    await on_hand(svc, 5)
    evt = returned(3, Disposition.CUSTOMER_DAMAGED, return_id="LPNRK7654321")

    await svc.h(handlers.inventory.on_customer_return, evt)

    [entry] = [e for e in svc.published.of_type(InventoryMoved) if e.cause is Cause.CUSTOMER_RETURN]
    assert (entry.sku, entry.center_id, entry.quantity, entry.short) == (SKU, CENTER, 3, 0)
    assert (entry.from_bucket, entry.to_bucket) == (None, Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED)
    assert (entry.reference, entry.sequence, entry.occurred_at) == ("LPNRK7654321", 2, NOW)
    assert (entry.causation_id, entry.correlation_id) == (evt.event_id, evt.correlation_id)


async def test_a_redelivered_return_is_counted_once(svc):
    evt = returned(2, Disposition.SELLABLE)

    await svc.h(handlers.inventory.on_customer_return, evt)
    writes = svc.stores["stock"].kv.writes
    await svc.h(handlers.inventory.on_customer_return, evt)

    assert (await counts(svc)).fulfillable == 2
    assert svc.stores["stock"].kv.writes == writes
    first, again = svc.published.of_type(InventoryMoved)
    assert first == again  # the same entry, same id: JetStream drops the copy
    assert (await svc.stores["stock"].load(SELLER, SKU)).sequence == 1


async def test_a_sellable_return_serves_a_fill_all_order_waiting_for_the_sku(svc):
    await known_sku(svc, SELLER, SKU)
    order = McfOrderRequested(
        event_id=uuid.uuid4(), seller=SELLER, occurred_at=NOW, mcf_order_id="MCF-1",
        items=[McfItem(item_id="1", seller_sku=SKU, quantity=1)], shipping_speed=ShippingSpeed.STANDARD,
        destination=Address(name="Buyer", address_line1="1 Main St", city="Seattle", state_or_region="WA",
                            postal_code="98101", country_code="US"), fill_policy=FillPolicy.FILL_ALL)
    await svc.h(handlers.outbound.on_mcf_requested, order)
    for allocated in svc.published.of_type(OutboundOrderAllocated):
        await svc.h(handlers.outbound.on_outbound_allocated, allocated)
    assert (await svc.stores["stock"].load(SELLER, SKU)).waiting == ["MCF-1"]
    start = len(svc.published.events)

    await svc.h(handlers.inventory.on_customer_return, returned(1, Disposition.SELLABLE, at=NOW + timedelta(days=2)))
    [moved] = [e for e in svc.published.events[start:] if isinstance(e, InventoryMoved)]
    await svc.h(handlers.outbound.on_stock_moved, moved)  # what the service's own ledger consumer does

    view = await svc.h(handlers.outbound.get_outbound_order, SELLER, GetOutboundOrder(fulfillment_order_id="MCF-1"))
    assert (sum(a.quantity for a in view.allocations), view.shortfalls) == (1, [])
    assert (await svc.stores["stock"].load(SELLER, SKU)).waiting == []


def test_customer_returns_reach_the_handler_through_their_own_durable(svc):
    assert (subscribers.RETURNS.durable, subscribers.RETURNS.filter_subject) == (
        "fulfillment-returns-customer-return", "returns.*.customer_return.*")
    assert subscribers.RETURNS in subscribers.CONSUMERS
    assert subscribers.ROUTES[subscribers.RETURNS] == {CustomerReturnReceived: handlers.inventory.on_customer_return}
    route = SERVICE.wiring(svc.h).events[subscribers.RETURNS.durable]
    assert list(route) == [CustomerReturnReceived]
    assert route[CustomerReturnReceived].func is handlers.inventory.on_customer_return


async def test_returns_of_one_sku_handled_concurrently_are_folded_into_few_ledger_writes_each_one_entry(svc):
    await on_hand(svc, 5)
    writer = svc.stores["stock"].inner.aggregates.writer
    before = writer.writes
    storm = [returned(1, Disposition.SELLABLE, return_id=f"LPN{n:09d}") for n in range(300)]

    await asyncio.gather(*(svc.h(handlers.inventory.on_customer_return, evt) for evt in storm))

    summary = await svc.h(handlers.inventory.get_inventory, SELLER, GetInventory(sku=SKU))
    assert (summary.entries, (await counts(svc)).fulfillable) == (301, 305)
    assert len(svc.published.of_type(InventoryMoved)) >= 300
    assert writer.writes - before <= 10, "300 returns, 128 at most per write of the SKU's ledger"


async def test_the_inventory_list_pages_by_count_with_a_cursor_and_ends_without_one(svc):
    for n in range(25):
        await svc.h(handlers.inventory.on_adjustment, InventoryAdjustmentReported(
            event_id=uuid.uuid4(), seller=SELLER, occurred_at=NOW, adjustment_id=f"ADJ-{n}", sku=f"SKU-{n:03d}",
            center_id=CENTER, quantity=1, from_bucket=None, to_bucket=Bucket.FULFILLABLE, reason="F"))

    seen, cursor, pages = [], None, 0
    while True:
        found = await svc.h(handlers.inventory.list_inventory, SELLER, ListInventory(limit=10, cursor=cursor))
        seen += [i.sku for i in found.items]
        pages += 1
        if (cursor := found.next_cursor) is None:
            break

    assert (pages, seen) == (3, [f"SKU-{n:03d}" for n in range(25)])


async def test_a_return_delivered_again_after_hundreds_more_of_its_sku_counts_once(svc):
    """Its ack went unconfirmed (a crash, a connection lost), so JetStream delivers it again after the ack wait,
    when the ledger has taken more returns than the ids it remembers (256 here): it still counts once."""
    from sellerops.contracts.catalog import encode
    from sellerops.runtime.delivery import EventDispatcher
    from sellerops.runtime.settings import DeliverySettings
    from sellerops.testing.fakes import FakeMsg, RecordingDeadLetters

    async def handle(evt) -> None:
        await svc.h(handlers.inventory.on_customer_return, evt)

    run = EventDispatcher(service="fulfillment", handlers={CustomerReturnReceived: handle},
                          dead_letters=RecordingDeadLetters(), delivery=DeliverySettings())
    first = returned(1, Disposition.SELLABLE, return_id="LPN-FIRST")
    unconfirmed = FakeMsg(encode(first), subject=first.subject, ack_confirmations_lost=1)
    await run([unconfirmed])
    for n in range(300):
        later = returned(1, Disposition.SELLABLE, return_id=f"LPN-{n:04d}")
        await run([FakeMsg(encode(later), subject=later.subject)])

    again = FakeMsg(encode(first), subject=first.subject, num_delivered=2)
    await run([again])

    assert (await counts(svc)).fulfillable == 301
    assert again.outcome == [("ack_sync", None)]
    last = returned(1, Disposition.SELLABLE, return_id="LPN-LAST")
    await run([FakeMsg(encode(last), subject=last.subject)])  # the ledger's next write lets go of the confirmed
    held = (await svc.stores["stock"].load_record(SELLER, SKU)).held
    assert [p.id for p in held] == [str(last.event_id)]
