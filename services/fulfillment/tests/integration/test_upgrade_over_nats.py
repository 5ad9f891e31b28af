"""A record an older version left with movements in its outbox, over a real NATS server: the service upgrades
it when it starts and applies the movements it still owed the ledger."""

from datetime import timedelta

import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.inbound import ExpectedUnits, ShipmentStatus
from sellerops.contracts.inventory import Bucket, Cause, GetInventory, InventorySummary, Movement
from sellerops.fulfillment.adapters import SHIPMENTS, store
from sellerops.fulfillment.app import create_host
from sellerops.fulfillment.domain.shipments import Shipment
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import eventually, running

from .conftest import RENO, T0, fulfillment_settings, runtime

pytestmark = pytest.mark.nats


async def test_movements_an_older_version_left_in_an_outbox_reach_the_ledger_after_an_upgrade(nats_url, nc, seller):
    async with running(create_host(fulfillment_settings(nats_url)).app()):
        pass  # the buckets now exist
    at = T0 - timedelta(hours=1)
    shipment = Shipment(shipment_id="P1-S1", seller=seller, plan_id="P1", center_id="ABE8", confirmation_id="FBA1",
                        status=ShipmentStatus.WORKING, items=[ExpectedUnits(sku="MUG", expected=50)], ship_from=RENO,
                        created_at=at, updated_at=at)
    move = Movement(sku="MUG", center_id="ABE8", quantity=50, from_bucket=None, to_bucket=Bucket.INBOUND_WORKING,
                    cause=Cause.INBOUND_PLANNED, reference="P1-S1")
    kv = await nc.jetstream().key_value(SHIPMENTS)
    await kv.put(store(kv, Shipment, "shipment_id", keep=64).key(seller, "P1-S1"), encode(
        {"state": {"state": shipment, "outbox": [{"id": "evt-1", "at": at, "moves": [move]}]},
         "processed": [{"id": "evt-1", "events": []}]}))

    settle_at_once = FulfillmentSettings(runtime=runtime(nats_url, deadline_settle_s=0.0))
    async with running(create_host(settle_at_once).app()):
        async def inbound_working() -> int | None:
            try:
                summary = await call(nc, "fulfillment", seller, "get_inventory", GetInventory(sku="MUG"),
                                     InventorySummary)
            except RequestFailed:  # not_found until the movements reach the SKU's ledger
                return None
            return summary.totals.inbound_working or None

        assert await eventually(inbound_working) == 50
