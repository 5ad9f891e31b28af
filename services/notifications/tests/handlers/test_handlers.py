"""The notifications handlers as bootstrap wires them, over in-memory KV (the real stores, revision checks and
dedupe) with fake channels and a driven clock: from an event to its notification and deliveries, the digest,
quiet hours, retries, the circuit breaker, a removed endpoint, the order context of a feedback, and the
seller's requests."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.notifications import (
    Attempt, DeliveryFailed, DeliveryStatus, DeliverySucceeded, Digest, Endpoint, EndpointCircuitClosed,
    EndpointCircuitOpened, EndpointRef, GetPreferences, Kind, ListDeliveries, NotificationRaised, Preferences, QuietHours,
    Redeliver, SetPreferences, Severity,
)
from sellerops.contracts.requests import RequestError
from sellerops.notifications import bootstrap, handlers
from sellerops.notifications.adapters import BUCKETS, CIRCUITS, DELIVERIES, DIGESTS, REVIEWS, stores
from sellerops.notifications.domain import catalog, reviews
from sellerops.notifications.domain.deliveries import Circuit, CircuitState, DeliveryPolicy
from sellerops.plugins.channels import Message, Outcome
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.routes import Dependencies
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

GOLDEN = Path(__file__).resolve().parents[4] / "shared" / "tests" / "golden"
SELLER = "acme"
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 10:00 in New York
S, H = timedelta(seconds=1), timedelta(hours=1)
SECRET = "whsec_0123456789abcdef"
PLUGINS = bootstrap.load_channels()
POLICY = DeliveryPolicy(max_attempts=4, backoff_s=5.0, max_backoff_s=60.0, breaker_failures=2,
                        breaker_cooldown_s=300.0)
St = DeliveryStatus

BREACHED = "health.metric_breached.v1"  # health, critical
FORECAST = "health.metric_breach_forecast.v1"  # health, warning
RECOVERED = "health.metric_recovered.v1"  # health, info
BREACHED_TITLE = "Order Defect Rate (seller-fulfilled) is over its target"


@dataclass
class FakeChannel:
    """Answers from its script, then 200; records what it was asked to send."""

    name: str
    script: list[Outcome] = field(default_factory=list)
    sent: list[tuple[Endpoint, Message]] = field(default_factory=list)

    async def send(self, endpoint: Endpoint, message: Message) -> Outcome:
        self.sent.append((endpoint, message))
        return self.script.pop(0) if self.script else Outcome(ok=True, detail="200", duration_ms=20.0)

    async def close(self) -> None:
        pass


@dataclass
class Service:
    built: Dependencies
    schedulers: dict
    stores: dict
    kvs: dict[str, FakeKeyValue]
    clock: DrivenClock
    publish: RecordingPublisher
    channels: dict[str, FakeChannel]

    def sent(self, channel: str) -> list[str]:
        return [message.delivery_id for _, message in self.channels[channel].sent]


def service(start: datetime = NOW) -> Service:
    kvs = {name: FakeKeyValue() for name in BUCKETS}
    found = stores(kvs, keep=64)
    clock, publish = DrivenClock(start), RecordingPublisher()
    channels = {name: FakeChannel(name) for name in PLUGINS}
    built, schedulers = bootstrap.build(stores=found, publish=publish, clock=clock, channels=channels,
                                        plugins=PLUGINS, policy=POLICY, jitter=lambda: 0.0)
    return Service(built, schedulers, found, kvs, clock, publish, channels)


async def tick(svc: Service) -> None:
    """What the deadline watches do: feed every digest and delivery state to its scheduler, fire what is due."""
    for bucket in (DIGESTS, DELIVERIES):
        scheduler, decode = svc.schedulers[bucket]
        async for key, value in svc.kvs[bucket].latest_values(SELLER):
            scheduler.observe(key, decode(value))
        await scheduler.run_due()


def fact(tag: str, at: datetime, **changes):
    """A golden sample as a new event of this seller at `at`."""
    sample = json.loads((GOLDEN / f"{tag}.json").read_text())
    return decode_event(json.dumps({**sample, "event_id": str(uuid.uuid4()), "seller": SELLER,
                                    "occurred_at": at.isoformat(), **changes}))


def endpoints() -> list[Endpoint]:
    return [Endpoint(id="hook", channel="webhook", target="https://hooks.example.com/sellerops", secret=SECRET),
            Endpoint(id="mail", channel="email", target="ops@example.com"),
            Endpoint(id="ops", channel="log")]


def prefs(**changes) -> SetPreferences:
    fields = {"endpoints": endpoints(), "routes": {Kind.HEALTH: ["hook", "mail"], Kind.FEEDBACK: ["hook"],
                                                   Kind.SYSTEM: ["ops"]}} | changes
    return SetPreferences(preferences=Preferences(**fields))


async def deliveries_of(svc: Service, status: DeliveryStatus | None = None, limit: int = 100) -> list:
    return (await svc.built(handlers.list_deliveries, SELLER, ListDeliveries(status=status, limit=limit))).deliveries


async def delivery(svc: Service, delivery_id: str):
    return next(d for d in await deliveries_of(svc) if d.delivery_id == delivery_id)


# ---- events -> notifications -> deliveries ----


async def test_an_event_for_a_seller_without_preferences_is_raised_to_no_endpoint_and_delivered_nowhere():
    svc = service()
    evt = fact(BREACHED, NOW - H)
    await svc.built(handlers.on_event, evt)

    [raised] = svc.publish.of_type(NotificationRaised)
    assert (raised.seller, raised.occurred_at, raised.notification_id, raised.kind, raised.severity, raised.title,
            raised.about, raised.about_event_id, raised.endpoints, raised.digest) == (
        SELLER, NOW - H, catalog.notification_id(evt), Kind.HEALTH, Severity.CRITICAL, BREACHED_TITLE,
        BREACHED, str(evt.event_id), [], False)
    assert await deliveries_of(svc) == []
    await tick(svc)
    assert all(channel.sent == [] for channel in svc.channels.values())


async def test_an_event_makes_one_delivery_per_routed_endpoint_named_after_its_notification_and_endpoint():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    evt = fact(BREACHED, NOW - H)
    nid = catalog.notification_id(evt)
    await svc.built(handlers.on_event, evt)

    [raised] = svc.publish.of_type(NotificationRaised)
    assert raised.endpoints == ["hook", "mail"] and raised.digest is False
    found = sorted(await deliveries_of(svc), key=lambda d: d.delivery_id)
    assert [(d.delivery_id, d.notification_id, d.endpoint_id, d.channel, d.status, d.next_attempt_at, d.title)
            for d in found] == [
        (f"{nid}.hook", nid, "hook", "webhook", St.PENDING, NOW - H, BREACHED_TITLE),
        (f"{nid}.mail", nid, "mail", "email", St.PENDING, NOW - H, BREACHED_TITLE)]

    await tick(svc)
    assert svc.sent("webhook") == [f"{nid}.hook"] and svc.sent("email") == [f"{nid}.mail"]
    assert svc.sent("log") == []
    endpoint, message = svc.channels["webhook"].sent[0]
    assert endpoint.target == "https://hooks.example.com/sellerops"
    assert (message.notification_id, message.seller, message.kind, message.severity, message.title, message.about,
            message.created_at) == (nid, SELLER, "health", "critical", BREACHED_TITLE, BREACHED, NOW - H)
    assert message.payload["delivery_id"] == f"{nid}.hook"
    assert sorted(e.delivery_id for e in svc.publish.of_type(DeliverySucceeded)) == [f"{nid}.hook", f"{nid}.mail"]
    assert {d.status for d in await deliveries_of(svc)} == {St.DELIVERED}


async def test_the_same_event_twice_creates_nothing_new_and_sends_nothing_again():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    evt = fact(BREACHED, NOW - H)
    await svc.built(handlers.on_event, evt)
    writes = svc.kvs[DELIVERIES].writes
    await svc.built(handlers.on_event, evt)
    assert svc.kvs[DELIVERIES].writes == writes
    assert len(await deliveries_of(svc)) == 2
    assert len({e.event_id for e in svc.publish.of_type(NotificationRaised)}) == 1  # the copy has the same id

    await tick(svc)
    await svc.built(handlers.on_event, evt)  # redelivered after its deliveries went out
    await tick(svc)
    assert len(svc.channels["webhook"].sent) == len(svc.channels["email"].sent) == 1
    assert {d.status for d in await deliveries_of(svc)} == {St.DELIVERED}


async def test_an_event_older_than_the_maximum_age_tells_no_one():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    await svc.built(handlers.on_event, fact(BREACHED, NOW - timedelta(days=7, minutes=1)))
    assert svc.publish.events == [] and await deliveries_of(svc) == []

    await svc.built(handlers.on_event, fact(BREACHED, NOW - timedelta(days=6, hours=23)))
    assert len(svc.publish.of_type(NotificationRaised)) == 1 and len(await deliveries_of(svc)) == 2


async def test_a_digest_kind_waits_in_the_digest_box_and_goes_out_as_one_combined_delivery():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(digest=Digest(at="08:00", kinds=[Kind.HEALTH])))
    recovered, forecast = fact(RECOVERED, NOW - 2 * H), fact(FORECAST, NOW - H)
    breached = fact(BREACHED, NOW - H / 2)  # critical: not digested
    for evt in (recovered, forecast, breached):
        await svc.built(handlers.on_event, evt)

    assert [r.digest for r in svc.publish.of_type(NotificationRaised)] == [True, True, False]
    tomorrow = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    for endpoint_id in ("hook", "mail"):
        box = await svc.stores["digests"].load(SELLER, endpoint_id)
        assert [i.notification_id for i in box.items] == [catalog.notification_id(recovered),
                                                          catalog.notification_id(forecast)]
        assert box.due_at == tomorrow
    nid = catalog.notification_id(breached)
    assert sorted(d.delivery_id for d in await deliveries_of(svc)) == [f"{nid}.hook", f"{nid}.mail"]
    await tick(svc)
    assert svc.sent("webhook") == [f"{nid}.hook"]

    svc.clock.set(tomorrow)
    await tick(svc)
    body = ("- [health] Order Defect Rate (seller-fulfilled) is back within its target: "
            "0.94% (4 of 425, 60 days) against under 1.00%.\n"
            "- [health] Late Shipment Rate (30 days) heads for its target within 3.5 days: "
            "3.10% (31 of 1000, 30 days) against under 4.00%.")
    digest = await delivery(svc, "digest-1.hook")
    assert (digest.notification_id, digest.channel, digest.title, digest.status, digest.created_at) == (
        "digest-1", "webhook", "Daily digest: 2 notification(s)", St.DELIVERED, tomorrow)
    assert svc.sent("webhook") == [f"{nid}.hook", "digest-1.hook"]
    assert svc.channels["webhook"].sent[-1][1].body == body
    assert (await delivery(svc, "digest-1.mail")).channel == "email"
    box = await svc.stores["digests"].load(SELLER, "hook")
    assert (box.items, box.due_at, box.sent) == ([], None, 1)

    await handlers.send_digest(f"{SELLER}.hook", "digest", tomorrow, digests=svc.stores["digests"],
                               deliveries_store=svc.stores["deliveries"], prefs=svc.stores["prefs"])
    assert len(await deliveries_of(svc)) == 4  # fired again: the box is empty, nothing more


async def test_quiet_hours_hold_a_delivery_until_they_end_but_not_a_critical_one():
    night = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 22:00 in New York
    svc = service(start=night)
    await svc.built(handlers.set_preferences, SELLER, prefs(quiet_hours=QuietHours(start="22:00", end="07:00",
                                                                         timezone="America/New_York")))
    forecast, breached = fact(FORECAST, night), fact(BREACHED, night)
    await svc.built(handlers.on_event, forecast)
    await svc.built(handlers.on_event, breached)
    morning = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 07:00 in New York
    wait, now = catalog.notification_id(forecast), catalog.notification_id(breached)
    assert (await delivery(svc, f"{wait}.hook")).next_attempt_at == morning
    assert (await delivery(svc, f"{now}.hook")).next_attempt_at == night

    await tick(svc)
    assert svc.sent("webhook") == [f"{now}.hook"]
    svc.clock.set(morning - S)
    await tick(svc)
    assert svc.sent("webhook") == [f"{now}.hook"]
    svc.clock.set(morning)
    await tick(svc)
    assert svc.sent("webhook") == [f"{now}.hook", f"{wait}.hook"]


async def test_a_failed_attempt_is_retried_after_the_backoff_and_both_attempts_are_logged():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    svc.channels["webhook"].script = [Outcome(ok=False, detail="503 Service Unavailable", duration_ms=30.0)]
    evt = fact(BREACHED, NOW)
    delivery_id = f"{catalog.notification_id(evt)}.hook"
    await svc.built(handlers.on_event, evt)

    await tick(svc)
    d = await delivery(svc, delivery_id)
    assert (d.status, d.next_attempt_at) == (St.PENDING, NOW + 5 * S)
    assert d.attempts == [Attempt(at=NOW, ok=False, detail="503 Service Unavailable", duration_ms=30.0)]
    assert svc.publish.of_type(DeliverySucceeded) == []
    svc.clock.advance(4 * S)
    await tick(svc)
    assert len(svc.channels["webhook"].sent) == 1

    svc.clock.advance(S)
    await tick(svc)
    d = await delivery(svc, delivery_id)
    assert d.status is St.DELIVERED and d.next_attempt_at is None
    assert d.attempts == [Attempt(at=NOW, ok=False, detail="503 Service Unavailable", duration_ms=30.0),
                          Attempt(at=NOW + 5 * S, ok=True, detail="200", duration_ms=20.0)]
    [succeeded] = svc.publish.of_type(DeliverySucceeded)
    assert (succeeded.delivery_id, succeeded.attempts, succeeded.occurred_at) == (delivery_id, 2, NOW + 5 * S)
    assert svc.sent("webhook") == [delivery_id, delivery_id]
    circuit = await svc.stores["circuits"].load(SELLER, "hook")
    assert (circuit.state, circuit.failures) == (CircuitState.CLOSED, 0)


async def test_an_open_circuit_holds_a_delivery_without_calling_the_channel_until_its_probe():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    probe = NOW + 300 * S
    await svc.stores["circuits"].apply(SELLER, "hook", "seed", lambda _: (Circuit(
        endpoint_id="hook", channel="webhook", state=CircuitState.OPEN, failures=2, probe_at=probe, openings=1,
        last_error="503 Service Unavailable"), []))
    evt = fact(BREACHED, NOW)
    delivery_id = f"{catalog.notification_id(evt)}.hook"
    await svc.built(handlers.on_event, evt)

    await tick(svc)
    assert svc.channels["webhook"].sent == []
    d = await delivery(svc, delivery_id)
    assert (d.status, d.next_attempt_at) == (St.PENDING, probe)
    assert d.attempts == [Attempt(at=NOW, ok=False, detail="circuit open")]

    svc.clock.set(probe)
    await tick(svc)
    assert svc.sent("webhook") == [delivery_id]
    assert (await delivery(svc, delivery_id)).status is St.DELIVERED
    [closed] = svc.publish.of_type(EndpointCircuitClosed)
    assert (closed.endpoint_id, closed.channel, closed.occurred_at) == ("hook", "webhook", probe)
    assert (await svc.stores["circuits"].load(SELLER, "hook")).state is CircuitState.CLOSED


async def test_an_endpoint_failing_in_a_row_opens_its_circuit_once_and_the_seller_is_told_elsewhere():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"], Kind.SYSTEM: ["ops"]}))
    svc.channels["webhook"].script = [Outcome(ok=False, detail="502 Bad Gateway") for _ in range(10)]
    first, second = fact(FORECAST, NOW - 2 * S), fact(RECOVERED, NOW - S)
    await svc.built(handlers.on_event, first)
    await svc.built(handlers.on_event, second)

    await tick(svc)
    [opened] = svc.publish.of_type(EndpointCircuitOpened)
    assert (opened.endpoint_id, opened.channel, opened.failures, opened.last_error, opened.probe_at) == (
        "hook", "webhook", 2, "502 Bad Gateway", NOW + 300 * S)
    assert len(svc.channels["webhook"].sent) == 2

    svc.clock.advance(10 * S)  # both retries due: held by the open circuit, the channel is not called
    await tick(svc)
    assert len(svc.channels["webhook"].sent) == 2
    for evt in (first, second):
        d = await delivery(svc, f"{catalog.notification_id(evt)}.hook")
        assert (d.attempts[-1].detail, d.next_attempt_at) == ("circuit open", NOW + 300 * S)
    assert len(svc.publish.of_type(EndpointCircuitOpened)) == 1

    await svc.built(handlers.on_event, opened)  # the service hears its own event: the seller's system route
    await tick(svc)
    [(endpoint, message)] = svc.channels["log"].sent
    assert (endpoint.id, message.kind, message.severity, message.title) == (
        "ops", "system", "critical", "Notifications to hook are failing")


@pytest.mark.parametrize("remaining", [
    [Endpoint(id="mail", channel="email", target="ops@example.com")],
    [Endpoint(id="hook", channel="webhook", target="https://hooks.example.com/sellerops", secret=SECRET,
              enabled=False), Endpoint(id="mail", channel="email", target="ops@example.com")],
], ids=["removed", "disabled"])
async def test_a_delivery_to_an_endpoint_removed_or_disabled_since_fails_without_calling_the_channel(remaining):
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    evt = fact(BREACHED, NOW)
    delivery_id = f"{catalog.notification_id(evt)}.hook"
    await svc.built(handlers.on_event, evt)
    svc.clock.advance(S)
    await svc.built(handlers.set_preferences, SELLER, prefs(endpoints=remaining, routes={Kind.HEALTH: ["mail"]}))

    await tick(svc)
    assert svc.channels["webhook"].sent == []
    d = await delivery(svc, delivery_id)
    assert d.status is St.FAILED
    assert d.attempts == [Attempt(at=NOW + S, ok=False, detail="endpoint removed or disabled")]
    [failed] = svc.publish.of_type(DeliveryFailed)
    assert (failed.delivery_id, failed.reason, failed.attempts) == (delivery_id, "endpoint removed or disabled", 1)
    assert await svc.stores["circuits"].load(SELLER, "hook") is None  # not the endpoint's fault
    assert svc.kvs[CIRCUITS].writes == 0


async def test_a_negative_feedback_on_an_order_with_a_review_state_mentions_the_order():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    order = "113-4567890-1234567"
    await svc.built(handlers.on_order_fact, fact("orders.order_recorded.v1", NOW - timedelta(days=10), order_id=order))
    await svc.built(handlers.on_order_fact, fact("market.order_delivered.v1", datetime(2026, 11, 18, 19, 3, tzinfo=UTC),
                                       order_id=order))
    assert svc.publish.events == []  # order facts the catalog does not know tell no one
    feedback = fact("market.feedback_received.v1", NOW - H, order_id=order, rating=1)
    await svc.built(handlers.on_event, feedback)

    body = ('"Mugs arrived cracked and the seller took four days to answer." Order: 113-4567890-1234567, '
            'delivered 2026-11-18. Reply to the buyer or ask for removal if it is a product review.')
    [raised] = svc.publish.of_type(NotificationRaised)
    assert (raised.kind, raised.severity, raised.title, raised.body) == (
        Kind.FEEDBACK, Severity.WARNING, "1-star feedback on order 113-4567890-1234567", body)
    await tick(svc)
    assert svc.channels["webhook"].sent[0][1].body == body

    other = fact("market.feedback_received.v1", NOW - H, order_id="113-0000000-0000001", rating=2)
    await svc.built(handlers.on_event, other)
    assert "Order:" not in svc.publish.of_type(NotificationRaised)[-1].body


# ---- requests ----


def masked_prefs() -> Preferences:
    """prefs() as the service answers it: the webhook's secret masked to its last 4 characters."""
    hook, *rest = prefs().preferences.endpoints
    return msgspec.structs.replace(prefs().preferences,
                                   endpoints=[msgspec.structs.replace(hook, secret="****cdef"), *rest])


async def test_preferences_are_saved_and_read_back_with_secrets_masked():
    svc = service()
    view = await svc.built(handlers.set_preferences, SELLER, prefs())
    assert (view.seller, view.updated_at, view.preferences) == (SELLER, NOW, masked_prefs())
    read = await svc.built(handlers.get_preferences, SELLER, GetPreferences())
    assert (read.preferences, read.updated_at) == (masked_prefs(), NOW)
    assert SECRET not in msgspec.json.encode(read).decode()
    nobody = await svc.built(handlers.get_preferences, "other", GetPreferences())
    assert (nobody.preferences, nobody.updated_at) == (Preferences(), None)


async def test_the_secret_itself_is_answered_only_by_its_own_verb():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    found = await svc.built(handlers.get_endpoint_secret, SELLER, EndpointRef(endpoint_id="hook"))
    assert (found.endpoint_id, found.secret) == ("hook", SECRET)
    assert (await svc.built(handlers.get_endpoint_secret, SELLER, EndpointRef(endpoint_id="mail"))).secret is None
    with pytest.raises(RequestError) as refused:
        await svc.built(handlers.get_endpoint_secret, SELLER, EndpointRef(endpoint_id="nope"))
    assert (refused.value.reply.code, refused.value.reply.field) == ("not_found", "$.endpoint_id")


async def test_preferences_read_edited_and_sent_back_keep_the_masked_secret():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    read = (await svc.built(handlers.get_preferences, SELLER, GetPreferences())).preferences
    edited = msgspec.structs.replace(read, routes={**read.routes, Kind.CLAIMS: ["hook"]})
    await svc.built(handlers.set_preferences, SELLER, SetPreferences(preferences=edited))
    assert (await svc.built(handlers.get_endpoint_secret, SELLER, EndpointRef(endpoint_id="hook"))).secret == SECRET
    assert (await svc.built(handlers.get_preferences, SELLER, GetPreferences())).preferences.routes[Kind.CLAIMS] == ["hook"]


@pytest.mark.parametrize("secret", ["****beef", "****"], ids=["another secret's mask", "a bare mask"])
async def test_a_masked_secret_that_is_not_the_stored_ones_mask_is_refused_naming_it(secret):
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    hook, *rest = prefs().preferences.endpoints
    bad = prefs(endpoints=[msgspec.structs.replace(hook, secret=secret), *rest])
    with pytest.raises(RequestError) as refused:
        await svc.built(handlers.set_preferences, SELLER, bad)
    assert refused.value.reply.field == "$.preferences.endpoints[0].secret" and "masked" in refused.value.reply.message
    assert (await svc.built(handlers.get_endpoint_secret, SELLER, EndpointRef(endpoint_id="hook"))).secret == SECRET


@pytest.mark.parametrize(("bad", "field"), [
    (prefs(endpoints=[Endpoint(id="hook", channel="webhook", target="http://hooks.example.com/", secret=SECRET)],
           routes={}), "$.preferences.endpoints[0].target"),
    (prefs(routes={Kind.HEALTH: ["pager"]}), "$.preferences.routes.health[0]"),
    (prefs(endpoints=[*endpoints(), Endpoint(id="sms", channel="sms", target="+15550100")]),
     "$.preferences.endpoints[3].channel"),
    (prefs(quiet_hours=QuietHours(start="22:00", end="07:00", timezone="Mars/Olympus_Mons")),
     "$.preferences.quiet_hours.timezone"),
], ids=["http-webhook", "unknown-endpoint-in-route", "unknown-channel", "unknown-timezone"])
async def test_bad_preferences_are_refused_naming_the_field_and_nothing_is_saved(bad, field):
    svc = service()
    with pytest.raises(RequestError) as refused:
        await svc.built(handlers.set_preferences, SELLER, bad)
    assert (refused.value.reply.code, refused.value.reply.field) == ("refused", field)
    assert (await svc.built(handlers.get_preferences, SELLER, GetPreferences())).updated_at is None


async def test_deliveries_are_listed_newest_first_and_filtered_by_status():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    ids = []
    for hours_ago, outcome in ((3, None), (2, Outcome(ok=False, detail="410 Gone", retry=False)), (1, "leave")):
        evt = fact(BREACHED, NOW - hours_ago * H)
        ids.append(f"{catalog.notification_id(evt)}.hook")
        await svc.built(handlers.on_event, evt)
        if outcome == "leave":
            break
        if outcome is not None:
            svc.channels["webhook"].script = [outcome]
        await tick(svc)
    delivered, failed, pending = ids

    assert [(d.delivery_id, d.status) for d in await deliveries_of(svc)] == [
        (pending, St.PENDING), (failed, St.FAILED), (delivered, St.DELIVERED)]
    assert [d.delivery_id for d in await deliveries_of(svc, St.DELIVERED)] == [delivered]
    assert [d.delivery_id for d in await deliveries_of(svc, St.FAILED)] == [failed]
    assert [d.delivery_id for d in await deliveries_of(svc, St.PENDING)] == [pending]
    assert [d.delivery_id for d in await deliveries_of(svc, limit=2)] == [pending, failed]
    assert (await svc.built(handlers.list_deliveries, "other", ListDeliveries())).deliveries == []


async def test_a_failed_delivery_asked_for_again_goes_out_under_the_same_id():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    svc.channels["webhook"].script = [Outcome(ok=False, detail="400 Bad Request", retry=False)]
    evt = fact(BREACHED, NOW)
    delivery_id = f"{catalog.notification_id(evt)}.hook"
    await svc.built(handlers.on_event, evt)
    await tick(svc)
    assert (await delivery(svc, delivery_id)).status is St.FAILED

    svc.clock.advance(H)
    view = await svc.built(handlers.redeliver, SELLER, Redeliver(delivery_id=delivery_id))
    assert (view.delivery_id, view.status, view.next_attempt_at) == (delivery_id, St.PENDING, NOW + H)
    again = await svc.built(handlers.redeliver, SELLER, Redeliver(delivery_id=delivery_id))  # already pending: unchanged
    assert again == view
    await tick(svc)
    d = await delivery(svc, delivery_id)
    assert d.status is St.DELIVERED and [a.detail for a in d.attempts] == ["400 Bad Request", "200"]
    assert svc.sent("webhook") == [delivery_id, delivery_id]
    [failed], [succeeded] = svc.publish.of_type(DeliveryFailed), svc.publish.of_type(DeliverySucceeded)
    assert failed.event_id != succeeded.event_id


async def test_asking_again_for_an_unknown_delivery_is_not_found_naming_the_delivery_id():
    svc = service()
    with pytest.raises(RequestError) as refused:
        await svc.built(handlers.redeliver, SELLER, Redeliver(delivery_id="N-0000000000000000.hook"))
    assert (refused.value.reply.code, refused.value.reply.field) == ("not_found", "$.delivery_id")


# ---- known bugs (strict: a fix makes these pass, and the marker must go) ----


async def test_preferences_set_twice_at_the_same_instant_keep_the_second():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs())
    view = await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["mail"]}))
    read = await svc.built(handlers.get_preferences, SELLER, GetPreferences())
    assert read.preferences == view.preferences


class _ReadThenInterleave:
    """The digests store, with another event handled right after send_digest has read the box."""

    def __init__(self, inner, meanwhile) -> None:
        self.inner, self.meanwhile = inner, meanwhile

    async def load(self, seller: str, aggregate_id: str):
        box = await self.inner.load(seller, aggregate_id)
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            await meanwhile()
        return box

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


async def test_a_notification_boxed_while_the_digest_is_being_sent_is_not_lost():
    svc = service()
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}, digest=Digest(kinds=[Kind.HEALTH])))
    await svc.built(handlers.on_event, fact(RECOVERED, NOW - H))
    due = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    svc.clock.set(due)
    late = fact(FORECAST, due - S)
    digests = _ReadThenInterleave(svc.stores["digests"], lambda: svc.built(handlers.on_event, late))
    await handlers.send_digest(f"{SELLER}.hook", "digest", due, digests=digests,
                               deliveries_store=svc.stores["deliveries"], prefs=svc.stores["prefs"])
    assert (await delivery(svc, "digest-1.hook")).title == "Daily digest: 1 notification(s)"
    box = await svc.stores["digests"].load(SELLER, "hook")
    assert [i.notification_id for i in box.items] == [catalog.notification_id(late)]


# ---- crash safety of the delivery events ----


class FailOnce(RecordingPublisher):
    """A publisher that fails its first call whose events include `tag`, as a process dying there would."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.tag, self.failed = tag, False

    async def __call__(self, events):
        if not self.failed and any(e.type_tag() == self.tag for e in events):
            self.failed = True
            raise ConnectionError("NATS went away before publishing")
        await super().__call__(events)


async def test_the_events_of_an_attempt_survive_a_crash_before_they_are_published():
    svc = service()
    svc.publish = FailOnce("notifications.delivery_succeeded.v1")
    svc.built, svc.schedulers = bootstrap.build(stores=svc.stores, publish=svc.publish, clock=svc.clock,
                                                channels=svc.channels, plugins=PLUGINS, policy=POLICY,
                                                jitter=lambda: 0.0)
    await svc.built(handlers.set_preferences, SELLER, prefs())
    await svc.built(handlers.on_event, fact(BREACHED, NOW))

    await tick(svc)  # delivered and saved, then the process dies before publishing (the watch logs it)
    saved = await svc.stores["deliveries"].load(SELLER, next(
        d.delivery_id for d in await deliveries_of(svc) if d.endpoint_id == "hook"))
    pending = (await svc.stores["deliveries"].load_record(SELLER, saved.delivery_id)).pending
    assert saved.status is DeliveryStatus.DELIVERED and pending, "the event waits in the delivery"
    assert not [e for e in svc.publish.events if e.type_tag() == "notifications.delivery_succeeded.v1" and
                e.delivery_id == saved.delivery_id]

    for _ in range(3):  # the deadline watch after a restart: the saved events go out, once
        await tick(svc)
    published = [e for e in svc.publish.events if e.type_tag() == "notifications.delivery_succeeded.v1"]
    assert sorted(e.endpoint_id for e in published) == ["hook", "mail"], "each published once"
    assert not (await svc.stores["deliveries"].load_record(SELLER, saved.delivery_id)).pending


async def delivered_to_the_hook(svc: Service) -> str:
    """A health breach delivered to the webhook and its events published; its delivery id."""
    await svc.built(handlers.set_preferences, SELLER, prefs(routes={Kind.HEALTH: ["hook"]}))
    evt = fact(BREACHED, NOW)
    await svc.built(handlers.on_event, evt)
    svc.clock.advance(S)
    await tick(svc)  # delivered
    await tick(svc)  # its events published
    return f"{catalog.notification_id(evt)}.hook"


async def test_a_finished_delivery_is_deleted_when_its_retention_runs_out_and_its_events_stay():
    svc = service()
    delivery_id = await delivered_to_the_hook(svc)
    assert (await delivery(svc, delivery_id)).status is St.DELIVERED
    svc.clock.advance(timedelta(days=POLICY.keep_finished_days) - 2 * S)
    await tick(svc)
    assert await svc.stores["deliveries"].load(SELLER, delivery_id) is not None, "kept until its time"
    svc.clock.advance(2 * S)
    await tick(svc)
    assert await svc.stores["deliveries"].load(SELLER, delivery_id) is None
    assert (await svc.built(handlers.list_deliveries, SELLER, ListDeliveries())).deliveries == []
    assert [e.delivery_id for e in svc.publish.of_type(DeliverySucceeded)] == [delivery_id], "history stays"


async def test_a_delivery_sent_again_before_its_retention_ran_out_is_not_deleted():
    svc = service()
    delivery_id = await delivered_to_the_hook(svc)
    finished = await svc.stores["deliveries"].load(SELLER, delivery_id)
    await svc.built(handlers.redeliver, SELLER, Redeliver(delivery_id=delivery_id))
    # the old retention deadline, fired late (a scheduler that had not yet seen the redelivery)
    await svc.schedulers[DELIVERIES][0]._fire(f"{SELLER}.{delivery_id}", "forget", finished.forget_at)
    assert (await svc.stores["deliveries"].load(SELLER, delivery_id)).status is St.PENDING


@pytest.mark.parametrize(("now", "outcome"), [
    (datetime(2027, 1, 5, tzinfo=UTC), "ReviewRequestSkipped"),  # the window closed 2026-12-11
    (datetime(2026, 11, 25, tzinfo=UTC), "ReviewRequested"),
])
async def test_a_review_request_for_facts_that_arrive_after_the_window_closed_is_skipped(now, outcome):
    svc = service(now)
    order = "113-4567890-1234567"
    await svc.built(handlers.on_order_fact, fact("orders.order_recorded.v1", datetime(2026, 11, 1, tzinfo=UTC), order_id=order))
    await svc.built(handlers.on_order_fact, fact("market.order_delivered.v1", datetime(2026, 11, 18, 19, 3, tzinfo=UTC),
                                       order_id=order))
    state = await svc.stores["reviews"].load(SELLER, order)
    [(kind, due)] = reviews.deadlines(state)

    await svc.schedulers[REVIEWS][0]._fire(f"{SELLER}.{order}", kind, due)

    [event] = [e for e in svc.publish.events if type(e).__name__.startswith("ReviewRequest")]
    assert type(event).__name__ == outcome
    assert outcome == "ReviewRequested" or event.reason == "window closed"


async def test_a_redelivery_asked_as_the_retention_deletes_the_delivery_is_not_found_naming_the_delivery_id():
    svc = service()
    delivery_id = await delivered_to_the_hook(svc)
    finished = await svc.stores["deliveries"].load(SELLER, delivery_id)
    svc.clock.set(finished.forget_at)
    forget = svc.schedulers[DELIVERIES][0]._fire
    store = _ReadThenInterleave(svc.stores["deliveries"], lambda: forget(f"{SELLER}.{delivery_id}", "forget",
                                                                          finished.forget_at))
    with pytest.raises(RequestError) as refused:
        await handlers.redeliver(SELLER, Redeliver(delivery_id=delivery_id), deliveries_store=store, clock=svc.clock)
    assert (refused.value.reply.code, refused.value.reply.field) == ("not_found", "$.delivery_id")
    assert await svc.stores["deliveries"].load(SELLER, delivery_id) is None
