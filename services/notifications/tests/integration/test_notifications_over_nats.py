"""Notifications over a real NATS server with a real webhook receiver on loopback: an account-health red flag
is delivered signed (the receiver verifies it), a failing endpoint is retried with backoff, opens its circuit
after repeated failures (the seller is told through the log endpoint), and closes after a successful probe;
a 400 is final; a delivery can be asked for again."""

import json
import time
from datetime import timedelta

import pytest

from sellerops.contracts.health import MetricBreached, Target, TargetCondition
from sellerops.contracts.notifications import (
    DeliveryList, DeliveryStatus, DeliveryView, Endpoint, Kind, ListDeliveries, Preferences, PreferencesView,
    Redeliver, SetPreferences,
)
from sellerops.notifications import subscribers
from sellerops.notifications.app import create_host
from sellerops.notifications.channels.signing import verify
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import SECRET, fact, notifications_settings

pytestmark = pytest.mark.nats


def breached(seller: str, key: str = "orderDefectRate.mfn"):
    return fact(MetricBreached, seller, key=key, marketplace_id="ATVPDKIKX0DER", title="Order Defect Rate",
                rate=0.02, target=Target(value=0.01, condition=TargetCondition.LESS_THAN), numerator=2,
                denominator=100, window_days=60)


def prefs(url: str) -> SetPreferences:
    return SetPreferences(preferences=Preferences(
        endpoints=[Endpoint(id="hook", channel="webhook", target=url, secret=SECRET),
                   Endpoint(id="ops-log", channel="log")],
        routes={Kind.HEALTH: ["hook"], Kind.SYSTEM: ["ops-log"]}))


async def _deliveries(nc, seller: str) -> list[DeliveryView]:
    return (await call(nc, "notifications", seller, "list_deliveries", ListDeliveries(), DeliveryList)).deliveries


async def _status(nc, seller: str, status: DeliveryStatus, count: int = 1):
    found = [d for d in await _deliveries(nc, seller) if d.status is status]
    return found if len(found) >= count else None


async def test_a_red_flag_reaches_the_webhook_signed_and_a_failing_one_is_retried_until_it_answers(
        nats_url, nc, seller, receiver):
    receiver.script = [503, 500]  # two failures, then 200
    settings = notifications_settings(nats_url)
    settings.delivery.backoff_s = 0.2
    js = nc.jetstream()
    async with running(create_host(settings).app()):
        view = await call(nc, "notifications", seller, "set_preferences", prefs(receiver.at("/hook")),
                          PreferencesView)
        assert [e.id for e in view.preferences.endpoints] == ["hook", "ops-log"]
        await JetStreamPublisher(js)([breached(seller)])

        [done] = await eventually(lambda: _status(nc, seller, DeliveryStatus.DELIVERED), timeout=20)

        async def succeeded():  # published right after the state is saved
            found = [json.loads(m.data) for m in await read_stream(js, "NOTIFICATIONS")]
            return [e for e in found if e["type"] == "notifications.delivery_succeeded.v1"] or None

        assert (await eventually(succeeded))[0]["attempts"] == 3
        assert [a.detail for a in done.attempts] == ["503 Service Unavailable", "500 Internal Server Error", "200"]
        gaps = [b.at - a.at for a, b in zip(done.attempts, done.attempts[1:])]
        assert gaps[0] >= timedelta(seconds=0.1) and gaps[1] >= timedelta(seconds=0.2), "backoff 0.2 s, doubling"

    last = receiver.requests[-1]
    headers, body = last.headers, last.body
    assert verify(SECRET, headers["sellerops-signature"], body, now=time.time())
    assert not verify(SECRET, headers["sellerops-signature"], body + b" ", now=time.time())
    assert {r.headers["sellerops-delivery-id"] for r in receiver.requests} == {done.delivery_id}, "same id every retry"
    payload = json.loads(body)
    assert payload["kind"] == "health" and "over its target" in payload["title"] and payload["seller"] == seller
    raised = [json.loads(m.data) for m in await read_stream(js, "NOTIFICATIONS")]
    assert [e["type"] for e in raised if e["type"].startswith("notifications.")][:1] == [
        "notifications.notification_raised.v1"]
    assert any(e["type"] == "notifications.delivery_succeeded.v1" and e["attempts"] == 3 for e in raised)


async def test_an_endpoint_that_keeps_failing_opens_its_circuit_tells_the_seller_and_closes_after_a_probe(
        nats_url, nc, seller, receiver):
    receiver.script = [500] * 3  # three failures open the circuit; the probe then gets a 200
    settings = notifications_settings(nats_url)
    settings.delivery.backoff_s = 0.1
    settings.delivery.breaker_failures = 3
    settings.delivery.breaker_cooldown_s = 1.0
    js = nc.jetstream()
    async with running(create_host(settings).app()):
        await call(nc, "notifications", seller, "set_preferences", prefs(receiver.at("/hook")), PreferencesView)
        await JetStreamPublisher(js)([breached(seller)])

        async def events(kind: str):
            found = [json.loads(m.data) for m in await read_stream(js, "NOTIFICATIONS")]
            return [e for e in found if e["type"] == kind] or None

        opened = await eventually(lambda: events("notifications.endpoint_circuit_opened.v1"), timeout=20)
        assert opened[0]["endpoint_id"] == "hook" and opened[0]["failures"] == 3
        told = await eventually(lambda: _status(nc, seller, DeliveryStatus.DELIVERED), timeout=20)
        assert any(d.endpoint_id == "ops-log" and d.kind is Kind.SYSTEM for d in told), "the seller is told"
        await eventually(lambda: events("notifications.endpoint_circuit_closed.v1"), timeout=20)
        delivered = await eventually(lambda: _status(nc, seller, DeliveryStatus.DELIVERED, 2), timeout=20)
        hook = next(d for d in delivered if d.endpoint_id == "hook")
        assert "circuit open" in [a.detail for a in hook.attempts], "held while open, then the probe went through"
        assert hook.attempts[-1].detail == "200"


async def test_a_permanent_refusal_fails_at_once_and_the_seller_can_ask_for_the_delivery_again(
        nats_url, nc, seller, receiver):
    receiver.script = [400]
    async with running(create_host(notifications_settings(nats_url)).app()):
        await call(nc, "notifications", seller, "set_preferences", prefs(receiver.at("/hook")), PreferencesView)
        await JetStreamPublisher(nc.jetstream())([breached(seller)])
        [failed] = await eventually(lambda: _status(nc, seller, DeliveryStatus.FAILED), timeout=20)
        assert [a.detail for a in failed.attempts] == ["400 Bad Request"]

        again = await call(nc, "notifications", seller, "redeliver", Redeliver(delivery_id=failed.delivery_id),
                           DeliveryView)
        assert again.status is DeliveryStatus.PENDING
        [done] = await eventually(lambda: _status(nc, seller, DeliveryStatus.DELIVERED), timeout=20)
        assert [a.detail for a in done.attempts] == ["400 Bad Request", "200"]

        with pytest.raises(RequestFailed) as bad:
            await call(nc, "notifications", seller, "set_preferences", SetPreferences(preferences=Preferences(
                endpoints=[Endpoint(id="x", channel="webhook", target="http://example.com/hook", secret=SECRET)])),
                PreferencesView)
        assert bad.value.error.field == "$.preferences.endpoints[0].target"
        await eventually(lambda: consumer_idle(nc.jetstream(), "HEALTH", subscribers.HEALTH_METRICS.durable))
