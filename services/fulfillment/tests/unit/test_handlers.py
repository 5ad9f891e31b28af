"""Use cases through bootstrap.build over the real stores on FakeKeyValue: what a crash or a redelivery does."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from sellerops.contracts.inbound import (
    ConfirmPlacement, CreateInboundPlan, InboundPlanConfirmed, InboundReceiptReported, InboundShipmentStatusReported,
    PlanItem, ReceiptLine, ShipFrom, ShipmentStatus, SizeTier,
)
from sellerops.contracts.inventory import Bucket, GetInventory, GetOutboundOrder, InventoryMoved, OutboundOrderAllocated
from sellerops.contracts.orders import Address, FillPolicy, McfItem, McfOrderRequested, McfStatus, ShippingSpeed
from sellerops.fulfillment import handlers
from sellerops.fulfillment.adapters import SHIPMENTS
from sellerops.runtime.effects import SETTLE

from .conftest import known_sku

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SELLER = "acme"
RENO = ShipFrom(name="Acme", address_line1="2200 Commerce Ave", city="Reno", state_or_region="NV", postal_code="89502")


async def confirmed_plan(svc, quantity: int = 50) -> InboundPlanConfirmed:
    item = PlanItem(sku="MUG-BLUE", quantity=quantity, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)
    await svc.h(handlers.plans.create_inbound_plan, SELLER,
                CreateInboundPlan(plan_id="P1", items=[item], ship_from=RENO))
    await svc.h(handlers.plans.confirm_placement, SELLER, ConfirmPlacement(plan_id="P1", option_id="minimal"))
    return svc.published.of_type(InboundPlanConfirmed)[-1]


def fact(event_type, at: datetime, **fields):
    return event_type(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, **fields)


async def counts(svc, center: str):
    summary = await svc.h(handlers.inventory.get_inventory, SELLER, GetInventory(sku="MUG-BLUE"))
    return next(c.counts for c in summary.centers if c.center_id == center)


async def test_movements_decided_before_a_crash_are_applied_later_from_the_pending_effects_exactly_once(svc):
    confirmed = await confirmed_plan(svc)
    shipment_id, center = confirmed.option.shipments[0].shipment_id, confirmed.option.shipments[0].center_id
    svc.stores["stock"].fail_next = 1

    with pytest.raises(ConnectionError):
        await svc.h(handlers.shipments.on_plan_confirmed, confirmed)

    record = await svc.stores["shipments"].load_record(SELLER, shipment_id)
    assert record.state.status is ShipmentStatus.WORKING and len(record.pending) == 1
    assert await svc.stores["stock"].load(SELLER, "MUG-BLUE") is None
    watch = svc.watches[SHIPMENTS]
    key = svc.stores["shipments"].key(SELLER, shipment_id)
    watch.scheduler.observe(key, watch.decode((await svc.stores["shipments"].kv.get(key)).value))
    assert [(k, kind) for _, k, kind in watch.scheduler.pending()] == [(key, SETTLE)]

    await watch.scheduler.run_due()  # what the deadline watch does after a restart

    assert (await svc.stores["shipments"].load_record(SELLER, shipment_id)).pending == []
    assert (await counts(svc, center)).inbound_working == 50
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)  # the redelivery of the message that failed
    assert (await counts(svc, center)).inbound_working == 50
    assert len(svc.published.of_type(InventoryMoved)) == 1


async def test_a_redelivered_receipt_counts_its_units_once(svc):
    confirmed = await confirmed_plan(svc)
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)
    shipment_id, center = confirmed.option.shipments[0].shipment_id, confirmed.option.shipments[0].center_id
    await svc.h(handlers.shipments.on_shipment_status, fact(InboundShipmentStatusReported, NOW + timedelta(days=2),
                                        shipment_id=shipment_id, status=ShipmentStatus.DELIVERED))
    receipt = fact(InboundReceiptReported, NOW + timedelta(days=3), shipment_id=shipment_id, receipt_id="R1",
                   lines=[ReceiptLine(sku="MUG-BLUE", received=30)])

    await svc.h(handlers.shipments.on_receipt, receipt)
    await svc.h(handlers.shipments.on_receipt, receipt)
    await svc.h(handlers.shipments.on_receipt, fact(InboundReceiptReported, NOW + timedelta(days=3),
                                                    shipment_id=shipment_id, receipt_id="R1",
                                                    lines=[ReceiptLine(sku="MUG-BLUE", received=30)]))

    at_center = await counts(svc, center)
    assert (at_center.fulfillable, at_center.inbound_receiving, at_center.inbound_shipped) == (30, 20, 0)


async def test_a_publish_that_fails_after_the_save_is_repeated_with_the_same_event_ids_on_redelivery(svc):
    confirmed = await confirmed_plan(svc)
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)
    shipment_id = confirmed.option.shipments[0].shipment_id
    delivered = fact(InboundShipmentStatusReported, NOW + timedelta(days=2), shipment_id=shipment_id,
                     status=ShipmentStatus.DELIVERED)
    svc.published.fail_times = 1

    with pytest.raises(ConnectionError):
        await svc.h(handlers.shipments.on_shipment_status, delivered)
    await svc.h(handlers.shipments.on_shipment_status, delivered)

    moved = [e for e in svc.published.of_type(InventoryMoved) if e.to_bucket is Bucket.INBOUND_SHIPPED]
    assert len(moved) == 1 and moved[0].quantity == 50


async def test_a_fact_about_a_shipment_never_created_raises_so_it_lands_in_the_dead_letters(svc):
    with pytest.raises(LookupError, match="no inbound shipment P9-S1"):
        await svc.h(handlers.shipments.on_receipt, fact(InboundReceiptReported, NOW, shipment_id="P9-S1",
                                                        receipt_id="R1",
                                                        lines=[ReceiptLine(sku="MUG-BLUE", received=1)]))


async def pump(svc, start: int = 0) -> None:
    """Feed the service its own ledger and outbound events, as its own-stream consumers do."""
    seen = start
    while seen < len(svc.published.events):
        event = svc.published.events[seen]
        seen += 1
        if isinstance(event, InventoryMoved):
            await svc.h(handlers.outbound.on_stock_moved, event)
        elif isinstance(event, OutboundOrderAllocated):
            await svc.h(handlers.outbound.on_outbound_allocated, event)


def mcf_order(order_id: str, quantity: int, policy: FillPolicy, at: datetime) -> McfOrderRequested:
    return fact(McfOrderRequested, at, mcf_order_id=order_id, items=[McfItem(item_id="1", seller_sku="MUG-BLUE",
                                                                             quantity=quantity)],
                destination=Address(name="Buyer", address_line1="1 Main St", city="Brooklyn", state_or_region="NY",
                                    postal_code="11201", country_code="US"),
                shipping_speed=ShippingSpeed.STANDARD, fill_policy=policy)


async def receive(svc, confirmed: InboundPlanConfirmed, units: int, at: datetime) -> None:
    shipment_id = confirmed.option.shipments[0].shipment_id
    receipt = fact(InboundReceiptReported, at, shipment_id=shipment_id, receipt_id=f"R-{at:%Y%m%dT%H%M%S}",
                   lines=[ReceiptLine(sku="MUG-BLUE", received=units)])  # an id the contract accepts: no ':' or '+'
    await svc.h(handlers.shipments.on_receipt, receipt)


async def test_fill_all_orders_short_of_stock_are_served_oldest_first_when_units_arrive(svc):
    confirmed = await confirmed_plan(svc)
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)
    await svc.h(handlers.outbound.on_mcf_requested, mcf_order("MCF-OLD", 6, FillPolicy.FILL_ALL, NOW))
    await svc.h(handlers.outbound.on_mcf_requested,
                mcf_order("MCF-NEW", 6, FillPolicy.FILL_ALL, NOW + timedelta(minutes=1)))
    await pump(svc)
    assert (await svc.stores["stock"].load(SELLER, "MUG-BLUE")).waiting == ["MCF-OLD", "MCF-NEW"]

    start = len(svc.published.events)
    await receive(svc, confirmed, 8, NOW + timedelta(days=3))
    await pump(svc, start)

    old = await svc.h(handlers.outbound.get_outbound_order, SELLER, GetOutboundOrder(fulfillment_order_id="MCF-OLD"))
    new = await svc.h(handlers.outbound.get_outbound_order, SELLER, GetOutboundOrder(fulfillment_order_id="MCF-NEW"))
    assert sum(a.quantity for a in old.allocations) == 6 and old.shortfalls == []
    assert sum(a.quantity for a in new.allocations) == 2 and [s.quantity for s in new.shortfalls] == [4]
    assert (await svc.stores["stock"].load(SELLER, "MUG-BLUE")).waiting == ["MCF-NEW"]
    center = confirmed.option.shipments[0].center_id
    assert (await counts(svc, center)).fulfillable == 0


async def test_fill_or_kill_and_fill_all_available_orders_never_wait_for_stock(svc):
    await known_sku(svc, SELLER, "MUG-BLUE")
    await svc.h(handlers.outbound.on_mcf_requested, mcf_order("MCF-KILL", 2, FillPolicy.FILL_OR_KILL, NOW))
    await svc.h(handlers.outbound.on_mcf_requested, mcf_order("MCF-AVAIL", 2, FillPolicy.FILL_ALL_AVAILABLE, NOW))
    await pump(svc)

    stock = await svc.stores["stock"].load(SELLER, "MUG-BLUE")
    assert stock is None or stock.waiting == []
    kill = await svc.h(handlers.outbound.get_outbound_order, SELLER, GetOutboundOrder(fulfillment_order_id="MCF-KILL"))
    assert kill.status is McfStatus.UNFULFILLABLE


async def test_stock_that_arrives_before_a_fill_all_order_is_on_the_backorder_list_still_serves_it(svc):
    """The two own-stream consumers race: here the stock's inventory.moved is handled first (no one waits
    yet), then the order's allocated event registers it, looks at the stock, and takes it."""
    confirmed = await confirmed_plan(svc)
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)
    await svc.h(handlers.outbound.on_mcf_requested, mcf_order("MCF-LATE", 6, FillPolicy.FILL_ALL, NOW))
    allocated = svc.published.of_type(OutboundOrderAllocated)
    start = len(svc.published.events)
    await receive(svc, confirmed, 8, NOW + timedelta(days=3))
    for moved in svc.published.events[start:]:
        if isinstance(moved, InventoryMoved):
            await svc.h(handlers.outbound.on_stock_moved, moved)  # nobody on the list yet: nothing happens

    for event in allocated:
        await svc.h(handlers.outbound.on_outbound_allocated, event)

    order = await svc.h(handlers.outbound.get_outbound_order, SELLER, GetOutboundOrder(fulfillment_order_id="MCF-LATE"))
    assert sum(a.quantity for a in order.allocations) == 6 and order.shortfalls == []
