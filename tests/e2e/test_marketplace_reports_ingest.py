"""What the marketplace itself reports, ingested from SP-API notifications, reaches the seller: the account
status (health shows it beside the one it computes) and the network's count of a SKU (fulfillment sets it
against the ledger); notifications raise each, once, however often the file is ingested."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sellerops.cli.ingest import ingesters, publish, read_files
from sellerops.contracts.catalog import decode_event
from sellerops.contracts.health import AccountHealth, AccountStatus, GetAccountHealth
from sellerops.contracts.inventory import InventoryCountDiffered, InventoryList, ListInventory
from sellerops.contracts.notifications import NotificationRaised
from sellerops.fulfillment.app import create_host as create_fulfillment_host
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.health.app import create_host as create_health_host
from sellerops.health.settings import HealthSettings
from sellerops.notifications.app import create_host as create_notifications_host
from sellerops.notifications.settings import NotificationsSettings
from sellerops.runtime.requests import call
from sellerops.runtime.settings import NatsSettings, RuntimeSettings
from sellerops.testing.helpers import eventually, read_stream, running, runtime_for

pytestmark = pytest.mark.nats

PAYLOADS = Path(__file__).resolve().parents[2] / "services/integrations/tests/spapi/payloads"
PAYLOAD = PAYLOADS / "account_status_changed.json"


async def test_an_ingested_account_status_change_shows_in_health_and_is_raised_once(nats_url, nc, tmp_path):
    doc = json.loads(PAYLOAD.read_text())
    changed_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    doc["eventTime"] = changed_at.isoformat().replace("+00:00", "Z")  # recent: older events notify no one
    file = tmp_path / "account-status.json"
    file.write_text(json.dumps(doc))
    settings = RuntimeSettings(nats=NatsSettings(url=[nats_url]))

    health = create_health_host(HealthSettings(runtime=runtime_for(nats_url), evaluate_every_s=0.1))
    notifications = create_notifications_host(NotificationsSettings(runtime=runtime_for(nats_url)))
    async with running(health.app()), running(notifications.app()):
        for expected in ((1, 0), (0, 1)):  # the second ingest of the same file publishes nothing new
            events = [e for r in read_files("acme", [file], None, ingesters()) for e in r.parsed.events]
            assert await publish(nc, events, settings) == expected

        async def reported() -> AccountHealth | None:
            answer = await call(nc, "health", "acme", "get_account_health", GetAccountHealth(), AccountHealth)
            return answer if answer.marketplace_status is not None else None

        answer = await eventually(reported)
        assert answer.marketplace_status is AccountStatus.AT_RISK and answer.marketplace_status_at == changed_at
        assert answer.account_status is AccountStatus.NORMAL, "no orders: the metrics say nothing is wrong"
        assert answer.report["accountStatuses"][0]["status"] == "AT_RISK"

        async def raised() -> list[NotificationRaised] | None:
            found = [decode_event(m.data) for m in await read_stream(nc.jetstream(), "NOTIFICATIONS")]
            found = [e for e in found if isinstance(e, NotificationRaised)]
            return found or None

        [note] = await eventually(raised)
        assert note.about == "market.account_status_reported.v1" and note.severity.value == "critical"
        assert note.title == "The marketplace reports your account AT_RISK"


async def test_an_ingested_inventory_count_is_set_against_the_ledger_and_a_difference_is_raised(nats_url, nc, tmp_path):
    doc = json.loads((PAYLOADS / "fba_inventory_availability_changes.json").read_text())
    counted_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    doc["EventTime"] = counted_at.isoformat().replace("+00:00", "Z")
    file = tmp_path / "inventory.json"
    file.write_text(json.dumps(doc))
    settings = RuntimeSettings(nats=NatsSettings(url=[nats_url]))

    fulfillment = create_fulfillment_host(FulfillmentSettings(runtime=runtime_for(nats_url)))
    notifications = create_notifications_host(NotificationsSettings(runtime=runtime_for(nats_url)))
    async with running(fulfillment.app()), running(notifications.app()):
        for expected in ((1, 0), (0, 1)):
            events = [e for r in read_files("acme", [file], None, ingesters()) for e in r.parsed.events]
            assert await publish(nc, events, settings) == expected

        async def differed() -> list | None:
            found = [decode_event(m.data) for m in await read_stream(nc.jetstream(), "FULFILLMENT")]
            return [e for e in found if isinstance(e, InventoryCountDiffered)] or None

        [event] = await eventually(differed)
        assert event.sku == "MUG-BLUE" and event.reported_at == counted_at
        assert ("fulfillable", 0, 50) in [(d.bucket, d.ledger, d.marketplace) for d in event.differences], \
            "nothing received into the ledger, 50 counted by the marketplace"
        inventory = await call(nc, "fulfillment", "acme", "list_inventory", ListInventory(), InventoryList)
        [item] = inventory.items
        assert item.marketplace[0].counts["fulfillable"] == 50 and item.marketplace[0].differences

        async def raised() -> list[NotificationRaised] | None:
            found = [decode_event(m.data) for m in await read_stream(nc.jetstream(), "NOTIFICATIONS")]
            return [e for e in found if isinstance(e, NotificationRaised)] or None

        [note] = await eventually(raised)
        assert note.about == "fulfillment.inventory_count_differed.v1"
        assert note.title == "SKU MUG-BLUE: the marketplace counts differently from your ledger"
