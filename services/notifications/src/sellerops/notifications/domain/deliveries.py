"""Deliveries and the per-endpoint circuit breaker (pure).

A delivery is one notification for one endpoint, tried until it is delivered or given up: a permanent
refusal (the channel says trying again cannot help: a 4xx other than 429) fails it at once; otherwise the
next attempt waits an exponential backoff with jitter (or the receiver's Retry-After, if longer), up to
`max_attempts`. Every attempt is logged on the delivery. A seller can ask for a delivery again.

The breaker counts an endpoint's failures in a row. At `breaker_failures` it opens: deliveries to the
endpoint wait until `probe_at`, when one of them is tried as a probe; a success closes it, a failure
keeps it open for another cooldown. Opening and closing are published once each (the seller is told).
"""

from datetime import datetime, timedelta
from enum import Enum

import msgspec

from sellerops.contracts.notifications import (
    Attempt, DeliveryFailed, DeliveryStatus, DeliverySucceeded, DeliveryView, EndpointCircuitClosed,
    EndpointCircuitOpened, Kind, Severity,
)
from sellerops.runtime.decisions import Cause, stamp

ATTEMPT = "attempt"
FORGET = "forget"  # a finished delivery's retention ran out: it is deleted
KEEP_ATTEMPTS = 50


class DeliveryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    max_attempts: int = 10
    backoff_s: float = 5.0  # the first retry waits about this long, then doubles
    max_backoff_s: float = 3600.0
    breaker_failures: int = 5
    breaker_cooldown_s: float = 300.0
    keep_finished_days: float = 30.0  # a delivered or failed delivery is deleted this long after it finished


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    delivery_id: str
    seller: str
    notification_id: str
    endpoint_id: str
    channel: str
    kind: Kind
    severity: Severity
    title: str
    body: str
    about: str
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    next_attempt_at: datetime | None = None
    attempts: list[Attempt] = []
    tries: int = 0  # attempts made since created or last redelivered (what max_attempts counts)
    round: int = 0  # redeliveries asked for (event ids)
    forget_at: datetime | None = None  # finished: deleted then (its events stay in the stream)


class CircuitState(str, Enum):
    CLOSED = "closed"
    OPEN = "open"


class Circuit(msgspec.Struct, frozen=True, kw_only=True):
    endpoint_id: str
    channel: str
    state: CircuitState = CircuitState.CLOSED
    failures: int = 0
    probe_at: datetime | None = None
    openings: int = 0
    last_error: str = ""


def backoff(tries: int, policy: DeliveryPolicy, jitter: float) -> timedelta:
    """Exponential, with `jitter` in [0, 1) taking off up to half (spreads retries of many deliveries)."""
    full = min(policy.max_backoff_s, policy.backoff_s * 2 ** max(0, tries - 1))
    return timedelta(seconds=full * (1 - jitter / 2))


def deadlines(d: Delivery) -> list[tuple[str, datetime]]:
    """Its next attempt, or its deletion once finished (the store keeps it while its events wait to be
    published: runtime.effects)."""
    found = [(ATTEMPT, d.next_attempt_at)] if d.status is DeliveryStatus.PENDING and d.next_attempt_at else []
    if d.status is not DeliveryStatus.PENDING and d.forget_at is not None:
        found.append((FORGET, d.forget_at))
    return found


def _fields(d: Delivery) -> dict:
    return {"delivery_id": d.delivery_id, "notification_id": d.notification_id, "endpoint_id": d.endpoint_id,
            "channel": d.channel}


def attempted(d: Delivery, *, ok: bool, retry: bool, detail: str, retry_after_s: float | None, duration_ms: float,
              at: datetime, policy: DeliveryPolicy, jitter: float) -> tuple[Delivery, list]:
    attempt = Attempt(at=at, ok=ok, detail=detail, duration_ms=duration_ms)
    tries = d.tries + 1
    logged = msgspec.structs.replace(d, attempts=[*d.attempts, attempt][-KEEP_ATTEMPTS:], tries=tries)
    cause = Cause(f"delivery/{d.seller}/{d.delivery_id}/{d.round}")
    forget_at = at + timedelta(days=policy.keep_finished_days)
    if ok:
        done = msgspec.structs.replace(logged, status=DeliveryStatus.DELIVERED, next_attempt_at=None,
                                       forget_at=forget_at)
        return done, [DeliverySucceeded(**stamp(cause, DeliverySucceeded, d.seller, at), **_fields(d),
                                        attempts=tries)]
    if not retry or tries >= policy.max_attempts:
        reason = detail if not retry else f"gave up after {tries} attempts; last: {detail}"
        failed = msgspec.structs.replace(logged, status=DeliveryStatus.FAILED, next_attempt_at=None,
                                         forget_at=forget_at)
        return failed, [DeliveryFailed(**stamp(cause, DeliveryFailed, d.seller, at), **_fields(d),
                                       attempts=tries, reason=reason)]
    wait = backoff(tries, policy, jitter)
    if retry_after_s is not None:  # the receiver's wish, within our ceiling
        wait = max(wait, timedelta(seconds=min(retry_after_s, policy.max_backoff_s)))
    return msgspec.structs.replace(logged, next_attempt_at=at + wait), []


def held(d: Delivery, *, until: datetime, at: datetime, why: str) -> Delivery:
    """Not tried now (an open circuit): logged, and tried again at `until`."""
    note = Attempt(at=at, ok=False, detail=why)
    return msgspec.structs.replace(d, attempts=[*d.attempts, note][-KEEP_ATTEMPTS:], next_attempt_at=until)


def redeliver(d: Delivery, *, at: datetime) -> Delivery:
    return msgspec.structs.replace(d, status=DeliveryStatus.PENDING, next_attempt_at=at, tries=0, round=d.round + 1,
                                   forget_at=None)


def blocked_until(c: Circuit | None, at: datetime) -> datetime | None:
    if c is None or c.state is CircuitState.CLOSED or c.probe_at is None or at >= c.probe_at:
        return None
    return c.probe_at


def circuit_after(c: Circuit, *, ok: bool, error: str, seller: str, at: datetime,
                  policy: DeliveryPolicy) -> tuple[Circuit, list]:
    cause = Cause(f"circuit/{seller}/{c.endpoint_id}/{c.openings}")
    common = {"endpoint_id": c.endpoint_id, "channel": c.channel}
    if ok:
        if c.state is CircuitState.OPEN:
            closed = msgspec.structs.replace(c, state=CircuitState.CLOSED, failures=0, probe_at=None)
            return closed, [EndpointCircuitClosed(**stamp(cause, EndpointCircuitClosed, seller, at), **common)]
        return msgspec.structs.replace(c, failures=0), []
    failures = c.failures + 1
    probe_at = at + timedelta(seconds=policy.breaker_cooldown_s)
    if c.state is CircuitState.OPEN:  # the probe failed: wait another cooldown
        return msgspec.structs.replace(c, failures=failures, probe_at=probe_at, last_error=error), []
    if failures >= policy.breaker_failures:
        opened = msgspec.structs.replace(c, state=CircuitState.OPEN, failures=failures, probe_at=probe_at,
                                         openings=c.openings + 1, last_error=error)
        cause = Cause(f"circuit/{seller}/{c.endpoint_id}/{opened.openings}")
        return opened, [EndpointCircuitOpened(**stamp(cause, EndpointCircuitOpened, seller, at), **common,
                                              failures=failures, last_error=error, probe_at=probe_at)]
    return msgspec.structs.replace(c, failures=failures, last_error=error), []


def view(d: Delivery) -> DeliveryView:
    return DeliveryView(delivery_id=d.delivery_id, notification_id=d.notification_id, endpoint_id=d.endpoint_id,
                        channel=d.channel, kind=d.kind, title=d.title, status=d.status, attempts=d.attempts,
                        next_attempt_at=d.next_attempt_at, created_at=d.created_at)
