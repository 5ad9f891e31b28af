"""Receiving discrepancy cases against a real nats-server whose max payload (64 KiB here, 1 MiB by default) is
smaller than the whole list: the answers come in pages that each fit one reply, and following `next_cursor`
(as the CLI and the simulator do) gives every case once, the CLI's answer whole."""

import asyncio
import uuid
from datetime import timedelta

import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.inbound import (
    CaseList, ConfirmPlacement, InboundPlanView, InboundShipmentStatusReported, ListCases, ListShipments, PlanItem,
    ShipmentList, ShipmentStatus, SizeTier,
)
from sellerops.fulfillment import subscribers
from sellerops.fulfillment.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call, call_every_page
from sellerops.testing.fixtures import SMALL_MAX_PAYLOAD as MAX_PAYLOAD
from sellerops.testing.helpers import consumer_idle, eventually, printed_json, raw_pages, run_cli, running

from .conftest import T0, fulfillment_settings, plan_request

pytestmark = pytest.mark.nats
PLANS, SKUS = 32, 20  # a case of 20 short SKUs: more than 64 KiB of cases


async def confirmed(nc, seller: str, n: int) -> None:
    items = [PlanItem(sku=f"SKU-{n:02d}-{k:02d}", quantity=10, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)
             for k in range(SKUS)]
    plan = await call(nc, "fulfillment", seller, "create_inbound_plan",
                      plan_request(f"PLAN-{n:02d}", items=items, strategies=["minimal"]), InboundPlanView, timeout=30)
    await call(nc, "fulfillment", seller, "confirm_placement_option",
               ConfirmPlacement(plan_id=plan.plan_id, option_id=plan.options[0].option_id), InboundPlanView)


@pytest.mark.timeout(300)
async def test_cases_larger_than_the_max_payload_come_in_pages_each_case_once(small_payload_url, seller, capsys):
    import nats

    nc = await nats.connect(small_payload_url)
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    try:
        async with running(create_host(fulfillment_settings(small_payload_url)).app()):
            for n in range(PLANS):
                await confirmed(nc, seller, n)
            await eventually(lambda: consumer_idle(js, "FULFILLMENT", subscribers.OWN_PLANS.durable), timeout=120)
            found = await call_every_page(nc, "fulfillment", seller, "list_inbound_shipments", ListShipments(),
                                          ShipmentList, items="shipments")
            shipments = [s.shipment_id for s in found.shipments]
            await publish([InboundShipmentStatusReported(
                event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(days=days, seconds=n),
                shipment_id=shipment_id, status=status)
                for n, shipment_id in enumerate(shipments)
                for days, status in ((2, ShipmentStatus.DELIVERED), (3, ShipmentStatus.CLOSED))])
            await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_SHIPMENTS.durable), timeout=120)

            case_pages = await raw_pages(nc, "fulfillment", seller, "list_cases", ListCases(), CaseList)
            whole = await call_every_page(nc, "fulfillment", seller, "list_cases", ListCases(), CaseList,
                                          items="cases", timeout=30)
            capsys.readouterr()
            code, out, err = await asyncio.to_thread(
                run_cli, ["fulfillment", "cases", seller, "--json", "--nats-url", small_payload_url], capsys)
    finally:
        await nc.close()

    assert len(shipments) == len(set(shipments)) >= PLANS
    cases = [c.shipment_id for p in case_pages for c in p.cases]
    assert len(case_pages) > 1 and sum(len(encode(p.cases)) for p in case_pages) > MAX_PAYLOAD
    assert sorted(cases) == sorted(shipments), "a case for each shipment closed with nothing received, once"
    assert [c.case_id for c in whole.cases] == [c.case_id for p in case_pages for c in p.cases]
    assert code == 0, err
    assert [c.case_id for c in printed_json(out, CaseList).cases] == [c.case_id for c in whole.cases]
