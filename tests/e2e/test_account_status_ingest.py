"""An SP-API ACCOUNT_STATUS_CHANGED notification, ingested, reaches the seller: health shows the marketplace's
own status beside the one it computes, and notifications raise it, once, however often it is ingested."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sellerops.cli.ingest import ingesters, publish, read_files
from sellerops.contracts.catalog import decode_event
from sellerops.contracts.health import AccountHealth, AccountStatus, GetAccountHealth
from sellerops.contracts.notifications import NotificationRaised
from sellerops.health.app import create_host as create_health_host
from sellerops.health.settings import HealthSettings
from sellerops.notifications.app import create_host as create_notifications_host
from sellerops.notifications.settings import NotificationsSettings
from sellerops.runtime.requests import call
from sellerops.runtime.settings import NatsSettings, RuntimeSettings
from sellerops.testing.helpers import eventually, read_stream, running, runtime_for

pytestmark = pytest.mark.nats

PAYLOAD = Path(__file__).resolve().parents[2] / "services/integrations/tests/spapi/payloads/account_status_changed.json"


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
