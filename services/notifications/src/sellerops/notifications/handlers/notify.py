"""Events to notifications: one per event the catalog names, and one delivery per endpoint its kind is routed
to (or an item in the endpoint's daily digest), each saved before anything is sent."""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.notifications import NotificationRaised, Preferences
from sellerops.notifications.domain import catalog, digests as digest_rules, preferences
from sellerops.notifications.domain.deliveries import Delivery
from sellerops.notifications.domain.records import PREFS_KEY, DigestItem
from sellerops.notifications.ports import Clock, HoldingStore, Publisher, Store
from sellerops.runtime.decisions import Cause, stamp
from sellerops.runtime.logging import Tally

log = structlog.get_logger("sellerops.notifications")
# one INFO line per old event replayed would flood the log (a backfill is thousands); counted instead
skipped_old = Tally(log, "notification_skipped_old_event")
Context = Callable[[Event], "dict"]


async def prefs_of(seller: str, *, prefs: Store) -> Preferences:
    record = await prefs.load(seller, PREFS_KEY)
    return record.preferences if record is not None else Preferences()


async def on_event(evt: Event, *, prefs: Store, deliveries_store: Store, digests: HoldingStore, publish: Publisher,
                   clock: Clock, max_age: timedelta,
                   context: Callable[[Event], Awaitable[dict[str, Any]]] | None = None) -> None:
    """Raise the notification an event calls for, and save one delivery per routed endpoint. An event older
    than `max_age` (a backlog replayed, a new service reading old streams) tells no one."""
    if clock.now() - evt.occurred_at > max_age:
        skipped_old.add(evt.type_tag(), seller=evt.seller, event_type=evt.type_tag(),
                        occurred_at=evt.occurred_at.isoformat())
        return
    note = catalog.notify(evt, await context(evt) if context is not None else {})
    if note is None:
        return
    kind, severity, _, _ = note
    found = await prefs_of(evt.seller, prefs=prefs)
    targets = preferences.endpoints_for(found, kind, severity)
    when, digest = preferences.send_at(found, kind, severity, evt.occurred_at)
    for endpoint in targets:
        await _save(evt, note, endpoint.id, endpoint.channel, when, digest, deliveries_store=deliveries_store,
                    digests=digests)
    await publish([_raised(evt, note, [e.id for e in targets], digest)])


async def _save(evt: Event, note: catalog.Note, endpoint_id: str, channel: str, when: datetime, digest: bool, *,
                deliveries_store: Store, digests: HoldingStore) -> None:
    """The notification for one endpoint: an item of its digest, or a delivery of its own."""
    kind, severity, title, body = note
    seller, at, nid = evt.seller, evt.occurred_at, catalog.notification_id(evt)
    if digest:
        item = DigestItem(notification_id=nid, kind=kind, title=title, body=body, at=at)
        await digests.apply_held(seller, endpoint_id, nid, partial(digest_rules.boxed, seller=seller,
                                                              endpoint_id=endpoint_id, item=item, due=when))
        return
    new = Delivery(delivery_id=f"{nid}.{endpoint_id}", seller=seller, notification_id=nid, endpoint_id=endpoint_id,
                   channel=channel, kind=kind, severity=severity, title=title, body=body, about=evt.type_tag(),
                   created_at=at, next_attempt_at=when)
    await deliveries_store.apply(seller, new.delivery_id, nid, lambda existing: (existing or new, []))


def _raised(evt: Event, note: catalog.Note, endpoints: list[str], digest: bool) -> NotificationRaised:
    kind, severity, title, body = note
    return NotificationRaised(**stamp(Cause(f"notify/{evt.seller}/{evt.event_id}"), NotificationRaised, evt.seller,
                                      evt.occurred_at),
                              notification_id=catalog.notification_id(evt), kind=kind, severity=severity,
                              title=title, body=body, about=evt.type_tag(), about_event_id=str(evt.event_id),
                              endpoints=endpoints, digest=digest)


async def send_digest(key: str, kind: str, due: datetime, *, digests: Store, deliveries_store: Store,
                      prefs: Store) -> None:
    """The digest is due: one delivery with everything that waited for it, then an empty box."""
    seller, endpoint_id = key.split(".", 1)
    box = await digests.load(seller, endpoint_id)
    if box is None or not box.items or box.due_at != due:
        return
    found = await prefs_of(seller, prefs=prefs)
    channel = next((e.channel for e in found.endpoints if e.id == endpoint_id), "")
    new = digest_rules.delivery(box, channel=channel, due=due)
    await deliveries_store.apply(seller, new.delivery_id, f"digest/{box.sent + 1}",
                                 lambda existing: (existing or new, []))
    await digests.apply(seller, endpoint_id, f"digest-sent/{box.sent + 1}",
                        partial(digest_rules.emptied, sent=box, due=due))


digest_deadlines = digest_rules.deadlines
