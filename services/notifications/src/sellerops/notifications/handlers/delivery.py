"""Attempts: check the endpoint's circuit, send once through the channel, log the attempt on the delivery,
update the circuit; what changed is published from the delivery (runtime.effects). And the seller's view."""

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import NamedTuple

import structlog

from sellerops.contracts.envelope import Event
from sellerops.contracts.notifications import DeliveryList, DeliveryStatus, DeliveryView, ListDeliveries, Redeliver
from sellerops.contracts.requests import RequestError
from sellerops.notifications.domain import deliveries
from sellerops.notifications.domain.deliveries import Circuit, Delivery, DeliveryPolicy
from sellerops.notifications.handlers.notify import prefs_of
from sellerops.notifications.ports import Channel, Clock, Store
from sellerops.plugins.channels import Message
from sellerops.runtime.paging import page

log = structlog.get_logger("sellerops.notifications")


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
                                     partial(_held, until=until, at=now, why="circuit open"))
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
                                           partial(_redelivered, at=now))
    if applied.state is None:  # its retention ran out (and deleted it) since it was read
        raise RequestError("not_found", f"no delivery {request.delivery_id}", "$.delivery_id")
    return deliveries.view(applied.state)


# The delivery as it is now may be gone: its retention deleted it since it was read. Then nothing changes.
def _held(cur: Delivery | None, *, until: datetime, at: datetime, why: str) -> tuple[Delivery | None, list[Event]]:
    return (None if cur is None else deliveries.held(cur, until=until, at=at, why=why)), []


def _redelivered(cur: Delivery | None, *, at: datetime) -> tuple[Delivery | None, list[Event]]:
    return (None if cur is None else deliveries.redeliver(cur, at=at)), []
