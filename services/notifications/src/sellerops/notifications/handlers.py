"""Use cases as short recipes.

An event worth telling the seller about becomes one notification (its id derived from the event's) and
one delivery per endpoint its kind is routed to, each saved before anything is sent; the deliveries'
deadline watch then makes the attempts, so a slow or failing endpoint never holds up the event streams.
An attempt: check the endpoint's circuit, send once through the channel, log the attempt on the delivery,
update the circuit, publish what changed.
"""

import random
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from datetime import datetime, timedelta
from typing import NamedTuple

import msgspec
import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import FeedbackReceived
from sellerops.contracts.notifications import (
    DeliveryList, DeliveryStatus, DeliveryView, EndpointRef, EndpointSecret, GetPreferences, ListDeliveries, ListMessages, MarkNoResponseNeeded,
    MessageList, MessageStatus, MessageView, NotificationRaised, Preferences, PreferencesView, Redeliver,
    ReplyToMessage, SetPreferences, Severity,
)
from sellerops.contracts.returns import BuyerMessageReceived
from sellerops.contracts.requests import RequestError
from sellerops.notifications.domain.records import PREFS_KEY, DigestBox, DigestItem, PrefsRecord
from sellerops.notifications.domain import catalog, deliveries, messaging, preferences, reviews
from sellerops.notifications.domain.deliveries import Circuit, Delivery, DeliveryPolicy
from sellerops.notifications.ports import Channel, Clock, Publisher, Store
from sellerops.plugins.channels import ChannelPlugin, Message
from sellerops.runtime.decisions import Cause, refusals, requested, stamp
from sellerops.runtime.logging import Tally
from sellerops.runtime.paging import page

log = structlog.get_logger("sellerops.notifications")
# one INFO line per old event replayed would flood the log (a backfill is thousands); counted instead
skipped_old = Tally(log, "notification_skipped_old_event")
Context = Callable[[Event], "dict"]


async def prefs_of(seller: str, *, prefs: Store) -> Preferences:
    record = await prefs.load(seller, PREFS_KEY)
    return record.preferences if record is not None else Preferences()


# ---- events -> notifications -> deliveries ----


async def on_event(evt: Event, *, prefs: Store, deliveries_store: Store, digests: Store, publish: Publisher,
                   clock: Clock, max_age: timedelta, context=None) -> None:  # noqa: ANN001
    """Raise the notification an event calls for, and save one delivery per routed endpoint. An event older
    than `max_age` (a backlog replayed, a new service reading old streams) tells no one."""
    if clock.now() - evt.occurred_at > max_age:
        skipped_old.add(evt.type_tag(), seller=evt.seller, event_type=evt.type_tag(),
                        occurred_at=evt.occurred_at.isoformat())
        return
    extra = await context(evt) if context is not None else {}
    note = catalog.notify(evt, extra)
    if note is None:
        return
    kind, severity, title, body = note
    seller, at, nid = evt.seller, evt.occurred_at, catalog.notification_id(evt)
    found = await prefs_of(seller, prefs=prefs)
    targets = preferences.endpoints_for(found, kind, severity)
    when, digest = preferences.send_at(found, kind, severity, at)
    for endpoint in targets:
        if digest:
            item = DigestItem(notification_id=nid, kind=kind, title=title, body=body, at=at)
            await digests.apply(seller, endpoint.id, nid, lambda box, e=endpoint: (_boxed(box, seller, e.id, item,
                                                                                      when), []))
            continue
        delivery = Delivery(delivery_id=f"{nid}.{endpoint.id}", seller=seller, notification_id=nid,
                            endpoint_id=endpoint.id, channel=endpoint.channel, kind=kind, severity=severity,
                            title=title, body=body, about=evt.type_tag(), created_at=at, next_attempt_at=when)
        await deliveries_store.apply(seller, delivery.delivery_id, nid, lambda existing, d=delivery: (existing or d, []))
    raised = NotificationRaised(**stamp(Cause(f"notify/{seller}/{evt.event_id}"), NotificationRaised, seller, at),
                                notification_id=nid, kind=kind, severity=severity, title=title, body=body,
                                about=evt.type_tag(), about_event_id=str(evt.event_id),
                                endpoints=[e.id for e in targets], digest=digest)
    await publish([raised])


def _boxed(box: DigestBox | None, seller: str, endpoint_id: str, item: DigestItem, due: datetime) -> DigestBox:
    box = box or DigestBox(seller=seller, endpoint_id=endpoint_id)
    if any(i.notification_id == item.notification_id for i in box.items):
        return box
    return msgspec.structs.replace(box, items=[*box.items, item], due_at=box.due_at or due)


async def send_digest(key: str, kind: str, due: datetime, *, digests: Store, deliveries_store: Store,
                      prefs: Store) -> None:
    """The digest is due: one delivery with everything that waited for it, then an empty box."""
    seller, endpoint_id = key.split(".", 1)
    box = await digests.load(seller, endpoint_id)
    if box is None or not box.items or box.due_at != due:
        return
    number = box.sent + 1
    lines = [f"- [{i.kind.value}] {i.title}: {i.body}" for i in box.items]
    first = box.items[0]
    found = await prefs_of(seller, prefs=prefs)
    endpoint_channel = next((e.channel for e in found.endpoints if e.id == endpoint_id), "")
    delivery = Delivery(delivery_id=f"digest-{number}.{endpoint_id}", seller=seller, notification_id=f"digest-{number}",
                        endpoint_id=endpoint_id, channel=endpoint_channel, kind=first.kind, severity=Severity.INFO,
                        title=f"Daily digest: {len(box.items)} notification(s)", body="\n".join(lines),
                        about="notifications.digest", created_at=due, next_attempt_at=due)
    await deliveries_store.apply(seller, delivery.delivery_id, f"digest/{number}",
                                 lambda existing: (existing or delivery, []))
    sent = {i.notification_id for i in box.items}

    def emptied(current: DigestBox | None):  # noqa: ANN202  (keeps what arrived while this one was made)
        rest = [i for i in (current.items if current else []) if i.notification_id not in sent]
        return DigestBox(seller=seller, endpoint_id=endpoint_id, sent=number, items=rest,
                         due_at=due if rest else None), []

    await digests.apply(seller, endpoint_id, f"digest-sent/{number}", emptied)


def digest_deadlines(box: DigestBox) -> list[tuple[str, datetime]]:
    return [("digest", box.due_at)] if box.items and box.due_at else []


async def attempt(key: str, kind: str, due: datetime, *, deliveries_store: Store, circuits: Store, prefs: Store,
                  channels: Mapping[str, Channel], clock: Clock, policy: DeliveryPolicy,
                  jitter: Callable[[], float] = random.random) -> None:
    """One attempt of a delivery that is due (fired by the deliveries' deadline watch): its events, and the
    circuit's, are saved with the delivery and published from there (runtime.effects)."""
    seller, delivery_id = key.split(".", 1)
    if kind == deliveries.FORGET:  # deleted only while it is still finished with this very retention
        await deliveries_store.forget(seller, delivery_id, lambda cur: (kind, due) in deliveries.deadlines(cur))
        return
    d = await deliveries_store.load(seller, delivery_id)
    if d is None or (kind, due) not in deliveries.deadlines(d):
        return
    now = clock.now()
    circuit = await circuits.load(seller, d.endpoint_id)
    if (until := deliveries.blocked_until(circuit, now)) is not None:
        await deliveries_store.apply(seller, delivery_id, f"held/{due.isoformat()}",
                                     lambda cur: (deliveries.held(cur, until=until, at=now, why="circuit open"), []))
        return
    outcome = await _send(d, prefs=prefs, channels=channels)
    await deliveries_store.apply(seller, delivery_id, f"attempt/{d.round}/{d.tries}", partial(
        deliveries.attempted, ok=outcome.ok, retry=outcome.retry, detail=outcome.detail,
        retry_after_s=outcome.retry_after_s, duration_ms=outcome.duration_ms, at=now, policy=policy, jitter=jitter()))
    if outcome.sent:
        await _circuit_after(d, outcome.ok, outcome.detail, now, circuit, circuits=circuits,
                             deliveries_store=deliveries_store, policy=policy)
    log.info("delivery_attempted", seller=seller, delivery_id=delivery_id, endpoint=d.endpoint_id, ok=outcome.ok,
             detail=outcome.detail)


class _Outcome(NamedTuple):
    sent: bool  # reached a channel (else: no endpoint or channel to send by)
    ok: bool
    retry: bool
    detail: str
    retry_after_s: float | None = None
    duration_ms: float = 0.0


async def _send(d: Delivery, *, prefs: Store, channels: Mapping[str, Channel]) -> _Outcome:
    found = await prefs_of(d.seller, prefs=prefs)
    endpoint = next((e for e in found.endpoints if e.id == d.endpoint_id and e.enabled), None)
    channel = channels.get(d.channel)
    if endpoint is None or channel is None:
        why = "endpoint removed or disabled" if endpoint is None else f"channel {d.channel!r} not installed"
        return _Outcome(False, False, False, why)
    sent = await channel.send(endpoint, _message(d))
    return _Outcome(True, sent.ok, sent.retry, sent.detail, sent.retry_after_s, sent.duration_ms)


async def _circuit_after(d: Delivery, ok: bool, detail: str, now: datetime, circuit: Circuit | None, *,
                         circuits: Store, deliveries_store: Store, policy: DeliveryPolicy) -> None:
    """The endpoint's breaker after the attempt; its opening or closing is published from the delivery."""
    base = circuit or Circuit(endpoint_id=d.endpoint_id, channel=d.channel)
    attempt_id = f"{d.delivery_id}/{d.round}/{d.tries}"
    changed = await circuits.apply(d.seller, d.endpoint_id, attempt_id, lambda cur: (
        deliveries.circuit_after(cur or base, ok=ok, error=detail, seller=d.seller, at=now, policy=policy)))
    if changed.events:
        await deliveries_store.apply(d.seller, d.delivery_id, f"circuit/{d.round}/{d.tries}",
                                     lambda cur: (cur, changed.events))


def _message(d: Delivery) -> Message:
    payload = {"delivery_id": d.delivery_id, "notification_id": d.notification_id, "seller": d.seller,
               "kind": d.kind.value, "severity": d.severity.value, "title": d.title, "body": d.body,
               "about": d.about, "created_at": d.created_at.isoformat()}
    return Message(delivery_id=d.delivery_id, notification_id=d.notification_id, seller=d.seller, kind=d.kind.value,
                   severity=d.severity.value, title=d.title, body=d.body, created_at=d.created_at, about=d.about,
                   payload=payload)


# ---- requests ----


async def set_preferences(seller: str, request: SetPreferences, *, prefs: Store, plugins: Mapping[str, ChannelPlugin],
                          clock: Clock, channels: Mapping[str, Channel] | None = None) -> PreferencesView:
    stored = await prefs.load(seller, PREFS_KEY)
    with refusals("seller"):
        wanted = preferences.unmasked(request.preferences, stored.preferences if stored else None)
        preferences.validate(wanted, plugins, channels or {})
    now = clock.now()
    await prefs.apply(seller, PREFS_KEY, f"prefs/{now.isoformat()}/{uuid.uuid4()}",  # each request replaces
                      lambda _: (PrefsRecord(wanted, now), []))
    return PreferencesView(seller=seller, preferences=preferences.masked(wanted), updated_at=now)


async def get_preferences(seller: str, query: GetPreferences, *, prefs: Store) -> PreferencesView:
    record = await prefs.load(seller, PREFS_KEY)
    if record is None:
        return PreferencesView(seller=seller, preferences=Preferences())
    return PreferencesView(seller=seller, preferences=preferences.masked(record.preferences),
                           updated_at=record.updated_at)


async def get_endpoint_secret(seller: str, query: EndpointRef, *, prefs: Store) -> EndpointSecret:
    """One endpoint's secret, unmasked: a verb of its own, so NATS permissions can keep it to operators."""
    record = await prefs.load(seller, PREFS_KEY)
    found = next((e for e in (record.preferences.endpoints if record else []) if e.id == query.endpoint_id), None)
    if found is None:
        raise RequestError("not_found", f"no endpoint {query.endpoint_id!r}", "$.endpoint_id")
    return EndpointSecret(endpoint_id=found.id, secret=found.secret)


async def list_deliveries(seller: str, query: ListDeliveries, *, deliveries_store: Store) -> DeliveryList:
    found = [d async for d in deliveries_store.scan(seller) if query.status is None or d.status is query.status]
    found.sort(key=lambda d: (d.created_at, d.delivery_id), reverse=True)
    taken, after = page([deliveries.view(d) for d in found], key=lambda v: (v.created_at, v.delivery_id),
                        cursor=query.cursor, limit=query.limit, newest_first=True)
    return DeliveryList(deliveries=taken, next_cursor=after)


async def redeliver(seller: str, request: Redeliver, *, deliveries_store: Store, clock: Clock) -> DeliveryView:
    d = await deliveries_store.load(seller, request.delivery_id)
    if d is None:
        raise RequestError("not_found", f"no delivery {request.delivery_id}", "$.delivery_id")
    if d.status is DeliveryStatus.PENDING:
        return deliveries.view(d)
    now = clock.now()
    applied = await deliveries_store.apply(seller, request.delivery_id, f"redeliver/{d.round + 1}",
                                           lambda cur: (deliveries.redeliver(cur, at=now), []))
    return deliveries.view(applied.state)


# ---- context for a notification ----


def order_context(reviews_store: Store) -> Callable:
    """What a feedback notification says about its order: from the review-request state, which follows it."""

    async def context(evt: Event) -> dict:
        if not isinstance(evt, FeedbackReceived):
            return {}
        state = await reviews_store.load(evt.seller, evt.order_id)
        return {"order": _describe(state)} if state is not None else {}

    return context


def _describe(state: reviews.ReviewRequest) -> str:
    parts = [state.order_id]
    for when, label in ((state.delivered_at, "delivered"), (state.refunded_at, "refunded"),
                        (state.canceled_at, "canceled")):
        if when is not None:
            parts.append(f"{label} {when:%Y-%m-%d}")
    if state.outcome is not None:
        parts.append(f"review request {state.outcome.value.lower()}" + (f" ({state.reason})" if state.reason else ""))
    return ", ".join(parts)


# ---- buyer messages: the 24-hour reply clock ----


async def on_buyer_message(evt: BuyerMessageReceived, *, messages: Store,
                           messaging_policy: messaging.MessagingPolicy) -> None:
    await messages.apply(evt.seller, evt.message_id, str(evt.event_id),
                         partial(messaging.received, fact=evt, policy=messaging_policy))


async def _message_request(seller: str, message_id: str, verb: str, rule, at: datetime, *,  # noqa: ANN001
                           messages: Store, clock: Clock) -> MessageView:
    cause = requested(seller, message_id, verb, at.isoformat())
    with refusals("message_id"):
        applied = await messages.apply(seller, message_id, str(cause.id), partial(rule, at=at, cause=cause))
    return messaging.view(applied.state, clock.now())


async def reply_to_message(seller: str, request: ReplyToMessage, *, messages: Store, clock: Clock) -> MessageView:
    if request.replied_at is not None and request.replied_at > clock.now():
        raise RequestError("invalid", "replied_at is in the future", "$.replied_at")
    return await _message_request(seller, request.message_id, "reply", messaging.replied,
                                  request.replied_at or clock.now(), messages=messages, clock=clock)


async def mark_no_response_needed(seller: str, request: MarkNoResponseNeeded, *, messages: Store,
                                  clock: Clock) -> MessageView:
    return await _message_request(seller, request.message_id, "no_response", messaging.no_response_needed,
                                  clock.now(), messages=messages, clock=clock)


async def list_messages(seller: str, query: ListMessages, *, messages: Store, clock: Clock) -> MessageList:
    now = clock.now()
    views = [messaging.view(m, now) async for m in messages.scan(seller)]
    if query.open_only:
        views = [v for v in views if v.status is MessageStatus.AWAITING_REPLY]
    ordered = sorted(views, key=lambda v: (v.reply_due_at, v.message_id))
    taken, after = page(ordered, key=lambda v: (v.reply_due_at, v.message_id), cursor=query.cursor, limit=query.limit)
    return MessageList(messages=taken, next_cursor=after)


async def on_message_deadline(key: str, kind: str, due: datetime, *, messages: Store) -> None:
    seller, message_id = key.split(".", 1)
    await messages.apply(seller, message_id, f"deadline/{kind}/{due.isoformat()}",
                         partial(messaging.deadline_passed, kind=kind, due=due))


# ---- review requests ----


async def on_order_fact(evt: Event, *, reviews_store: Store, review_policy: reviews.ReviewPolicy,
                        notify: Callable) -> None:
    """An order fact moves its review request (if reviews care) and may be worth a notification."""
    if isinstance(evt, reviews.EVENTS):
        await reviews_store.apply(evt.seller, evt.order_id, str(evt.event_id),
                                  partial(reviews.apply, event=evt, policy=review_policy))
    await notify(evt)


async def on_review_deadline(key: str, kind: str, due: datetime, *, reviews_store: Store,
                             deadline_clock: Clock | None = None) -> None:
    """`deadline_clock.base_now()` is the real time under any replayed backlog: a request it finds past the window
    is skipped."""
    seller, order_id = key.split(".", 1)
    now = deadline_clock.base_now() if deadline_clock is not None else None
    await reviews_store.apply(seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                              partial(reviews.deadline_passed, kind=kind, due=due, now=now))

