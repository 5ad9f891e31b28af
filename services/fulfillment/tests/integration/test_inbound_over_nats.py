"""Inbound over a real NATS server: a plan split by the placement plugins, its shipments, receiving,
the discrepancy case and its reimbursement, and the ledger that follows all of it."""

import uuid
from decimal import Decimal
from datetime import UTC, datetime, timedelta

import pytest

from sellerops.contracts.inbound import (
    CancelInboundPlan, CaseList, CaseStatus, ConfirmPlacement, InboundPlanView, InboundReceiptReported,
    InboundShipmentStatusReported, ListCases, ListShipments, ReceiptLine, ReimbursementIssued, ShipmentList,
    ShipmentRef, ShipmentStatus, ShipmentView, UpdateShipment,
)
from sellerops.contracts.inventory import CheckLedger, GetInventory, InventorySummary, LedgerCheck
from sellerops.contracts.market import Destination, FulfillmentChannel, Money, OrderItem, OrderPlaced
from sellerops.fulfillment import subscribers
from sellerops.fulfillment.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, fulfillment_settings, plan_request

pytestmark = pytest.mark.nats
PLAN_TIMEOUT = 30.0


def fact(cls, seller: str, at, **fields):
    return cls(event_id=uuid.uuid4(), seller=seller, occurred_at=at, **fields)


async def shipments_of(nc, seller: str, plan_id: str) -> list[ShipmentView]:
    return (await call(nc, "fulfillment", seller, "list_inbound_shipments", ListShipments(plan_id=plan_id),
                       ShipmentList)).shipments


async def test_a_plan_is_split_received_short_reconciled_into_a_case_and_reimbursed(nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    async with running(create_host(fulfillment_settings(nats_url)).app()):
        plan = await call(nc, "fulfillment", seller, "create_inbound_plan", plan_request(), InboundPlanView,
                          timeout=PLAN_TIMEOUT)
        assert {o.strategy for o in plan.options} == {"minimal", "distributed", "optimal"}
        by_strategy = {o.strategy: o for o in plan.options}
        optimal = by_strategy["optimal"]
        assert optimal.landed_cost.amount <= min(o.landed_cost.amount for o in plan.options)  # fee+transport+outbound
        assert all(o.landed_cost.amount == o.total_cost.amount + o.outbound_cost.amount + o.holding_cost.amount
                   and 1 <= o.days_p50 <= o.days_p90 and 0 <= o.share_within_2_days <= 1 for o in plan.options)
        assert sum(s.units for s in optimal.shipments) == 170

        confirmed = await call(nc, "fulfillment", seller, "confirm_placement_option",
                               ConfirmPlacement(plan_id="PLAN-1", option_id=optimal.option_id), InboundPlanView)
        assert confirmed.confirmed_option_id == optimal.option_id
        shipments = await eventually(lambda: shipments_of(nc, seller, "PLAN-1"))
        await eventually(lambda: _count(shipments_of(nc, seller, "PLAN-1"), len(optimal.shipments)))
        shipments = await shipments_of(nc, seller, "PLAN-1")
        assert {s.status for s in shipments} == {ShipmentStatus.WORKING}
        assert sorted(s.center_id for s in shipments) == sorted(p.center_id for p in optimal.shipments)

        first = next(s for s in shipments if any(u.sku == "MUG-BLUE" for u in s.items))
        mugs = next(u.expected for u in first.items if u.sku == "MUG-BLUE")
        working = await _inventory(nc, seller, "MUG-BLUE")
        assert working.totals.inbound_working == 120

        shipped = await call(nc, "fulfillment", seller, "update_inbound_shipment", UpdateShipment(
            shipment_id=first.shipment_id, status=ShipmentStatus.SHIPPED, carrier_code="UPS",
            tracking_number="1Z999AA10123456784"), ShipmentView)
        assert shipped.status is ShipmentStatus.SHIPPED

        delivered_at = T0 + timedelta(days=3)
        await publish([
            fact(InboundShipmentStatusReported, seller, delivered_at, shipment_id=first.shipment_id,
                 status=ShipmentStatus.DELIVERED, proof_of_delivery="POD-1"),
            fact(InboundReceiptReported, seller, delivered_at + timedelta(days=1), shipment_id=first.shipment_id,
                 receipt_id="R1", lines=[ReceiptLine(sku="MUG-BLUE", received=mugs - 10)]),
            fact(InboundReceiptReported, seller, delivered_at + timedelta(days=2), shipment_id=first.shipment_id,
                 receipt_id="R2", lines=[ReceiptLine(sku="MUG-BLUE", received=5, damaged=1)]),
            fact(InboundReceiptReported, seller, delivered_at + timedelta(days=2), shipment_id=first.shipment_id,
                 receipt_id="R2", lines=[ReceiptLine(sku="MUG-BLUE", received=5, damaged=1)]),  # the same receipt again
        ])
        others = [u for u in first.items if u.sku != "MUG-BLUE"]
        if others:
            await publish([fact(InboundReceiptReported, seller, delivered_at + timedelta(days=2),
                                shipment_id=first.shipment_id, receipt_id="R3",
                                lines=[ReceiptLine(sku=u.sku, received=u.expected) for u in others])])
        await publish([fact(InboundShipmentStatusReported, seller, delivered_at + timedelta(days=5),
                            shipment_id=first.shipment_id, status=ShipmentStatus.CLOSED)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_SHIPMENTS.durable))

        closed = await call(nc, "fulfillment", seller, "get_inbound_shipment",
                            ShipmentRef(shipment_id=first.shipment_id), ShipmentView)
        assert closed.status is ShipmentStatus.CLOSED
        mug = next(u for u in closed.items if u.sku == "MUG-BLUE")
        assert (mug.received, mug.damaged) == (mugs - 5, 1)
        case = closed.case
        assert case is not None and case.status is CaseStatus.OPEN
        kinds = {(line.sku, line.kind.value): line.units for line in case.lines}
        assert kinds[("MUG-BLUE", "SHORTAGE")] == 4 and kinds[("MUG-BLUE", "DAMAGED")] == 1
        assert case.delivered_at == delivered_at and case.claim_deadline == delivered_at + timedelta(days=60)
        assert case.tracking_number == "1Z999AA10123456784" and case.proof_of_delivery == "POD-1"
        cases = await call(nc, "fulfillment", seller, "list_cases", ListCases(), CaseList)
        assert [c.case_id for c in cases.cases] == [case.case_id]

        stock = await _inventory(nc, seller, "MUG-BLUE")
        at_center = next(c.counts for c in stock.centers if c.center_id == first.center_id)
        assert at_center.fulfillable == mugs - 5
        assert at_center.unfulfillable_total == 1
        assert at_center.inbound_receiving == at_center.inbound_shipped == 0

        await publish([
            fact(ReimbursementIssued, seller, delivered_at + timedelta(days=20), reimbursement_id="RB-1", sku="MUG-BLUE",
                 quantity_cash=4, amount=Money(Decimal("35.96"), "USD"), case_id=case.case_id),
            fact(ReimbursementIssued, seller, delivered_at + timedelta(days=21), reimbursement_id="RB-2", sku="MUG-BLUE",
                 quantity_inventory=1, case_id=case.case_id),
        ])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_REIMBURSEMENTS.durable))
        settled = await call(nc, "fulfillment", seller, "get_inbound_shipment",
                             ShipmentRef(shipment_id=first.shipment_id), ShipmentView)
        assert settled.case.status is CaseStatus.REIMBURSED
        assert (await call(nc, "fulfillment", seller, "list_cases", ListCases(), CaseList)).cases == []

        check = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck)
        assert check.drift == [] and check.gaps == [] and check.negative == []
        assert check.entries_replayed == len(await read_stream(js, "FULFILLMENT", f"fulfillment.{seller}.inventory.moved"))
        assert check.skus_checked == 3


async def test_canceling_a_plan_deletes_its_unsent_shipments_and_their_inbound_units(nats_url, nc, seller):
    js = nc.jetstream()
    async with running(create_host(fulfillment_settings(nats_url)).app()):
        plan = await call(nc, "fulfillment", seller, "create_inbound_plan", plan_request("PLAN-2"), InboundPlanView,
                          timeout=PLAN_TIMEOUT)
        option = plan.options[0]
        await call(nc, "fulfillment", seller, "confirm_placement_option",
                   ConfirmPlacement(plan_id="PLAN-2", option_id=option.option_id), InboundPlanView)
        await eventually(lambda: _count(shipments_of(nc, seller, "PLAN-2"), len(option.shipments)))
        canceled = await call(nc, "fulfillment", seller, "cancel_inbound_plan",
                              CancelInboundPlan(plan_id="PLAN-2", reason="supplier delay"), InboundPlanView)
        assert canceled.status.value == "VOIDED"
        await eventually(lambda: consumer_idle(js, "FULFILLMENT", subscribers.OWN_PLANS.durable))
        await eventually(lambda: _all_status(shipments_of(nc, seller, "PLAN-2"), ShipmentStatus.DELETED))
        stock = await _inventory(nc, seller, "MUG-BLUE")
        assert stock.totals.inbound_working == 0


async def test_bad_requests_are_answered_with_the_field_and_unknown_shipments_are_dead_lettered(nats_url, nc, seller):
    js = nc.jetstream()
    async with running(create_host(fulfillment_settings(nats_url)).app()):
        bad_zip = plan_request("PLAN-3", ship_from=plan_request().ship_from.__class__(
            name="Acme", address_line1="1 Nowhere", city="Nowhere", state_or_region="NV", postal_code="00000"))
        with pytest.raises(RequestFailed) as refused:
            await call(nc, "fulfillment", seller, "create_inbound_plan", bad_zip, InboundPlanView, timeout=PLAN_TIMEOUT)
        assert refused.value.error.field == "$.ship_from.postal_code"

        await call(nc, "fulfillment", seller, "create_inbound_plan", plan_request("PLAN-4"), InboundPlanView,
                   timeout=PLAN_TIMEOUT)
        with pytest.raises(RequestFailed) as unknown:
            await call(nc, "fulfillment", seller, "confirm_placement_option",
                       ConfirmPlacement(plan_id="PLAN-4", option_id="nope"), InboundPlanView)
        assert unknown.value.error.field == "$.option_id"

        await JetStreamPublisher(js)([fact(InboundReceiptReported, seller, T0, shipment_id="NO-SUCH-SHIPMENT",
                                           receipt_id="R1", lines=[ReceiptLine(sku="MUG-BLUE", received=1)])])
        letters = await eventually(lambda: read_stream(js, "DEADLETTER"), timeout=20)
    assert "no inbound shipment NO-SUCH-SHIPMENT" in letters[0].headers["Sellerops-Dead-Reason"]
    assert letters[0].headers["Sellerops-Dead-Service"] == "fulfillment"


async def _inventory(nc, seller: str, sku: str) -> InventorySummary:
    return await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku=sku), InventorySummary)


async def _count(found, n: int) -> bool:
    return len(await found) == n


async def _all_status(found, status: ShipmentStatus) -> bool:
    shipments = await found
    return bool(shipments) and all(s.status is status for s in shipments)


async def test_orders_the_marketplace_reports_move_the_landed_cost_of_the_next_plan(nats_url, nc, seller):
    publish = JetStreamPublisher(nc.jetstream())
    mug = [OrderItem(order_item_id="I1", sku="MUG-BLUE", quantity=40, item_price=Money(Decimal("9.00"), "USD"))]
    async with running(create_host(fulfillment_settings(nats_url)).app()):
        before = await call(nc, "fulfillment", seller, "create_inbound_plan", plan_request("P-BEFORE"),
                            InboundPlanView, timeout=PLAN_TIMEOUT)
        recently = datetime.now(UTC) - timedelta(days=2)  # inside the 90 days placement learns from
        await publish([fact(OrderPlaced, seller, recently, order_id=f"O-{n}", fulfillment_channel=FulfillmentChannel.AFN,
                            purchased_at=recently, items=mug, destination=Destination(postal_code="10001"))
                       for n in range(25)])  # 1,000 mugs to Manhattan

        async def moved() -> InboundPlanView | None:
            plan = await call(nc, "fulfillment", seller, "create_inbound_plan",
                              plan_request(f"P-{uuid.uuid4().hex[:6]}", strategies=["minimal"]), InboundPlanView,
                              timeout=PLAN_TIMEOUT)
            return plan if plan.options[0].outbound_cost != minimal.outbound_cost else None

        minimal = {o.strategy: o for o in before.options}["minimal"]
        after = await eventually(moved, timeout=30, interval=0.5)
    assert [s.center_id for s in after.options[0].shipments] == [s.center_id for s in minimal.shipments]
    assert after.options[0].outbound_cost.amount > minimal.outbound_cost.amount  # Reno to New York is far
