"""Notifications and their deliveries to a seller's endpoints, and the requests about deliveries."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, Timestamp
from sellerops.contracts.schema import SchemaStruct


Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(max_length=8000)]
EndpointId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class Kind(str, Enum):
    """What a notification is about; preferences route kinds to endpoints."""

    ORDERS = "orders"  # ship-by at risk or missed, cancellations, buyer cancel requests
    RETURNS = "returns"  # return requests and their deadlines
    CLAIMS = "claims"  # A-to-z claims and chargebacks, their deadlines and decisions
    HEALTH = "health"  # account-health red flags and status changes
    INBOUND = "inbound"  # inbound shipments, receiving cases and their claim deadlines
    INVENTORY = "inventory"  # stock, removals, unfulfillable orders
    MESSAGING = "messaging"  # buyer messages and the 24-hour reply clock
    REVIEWS = "reviews"  # review requests sent or skipped
    FEEDBACK = "feedback"  # negative feedback to follow up
    SYSTEM = "system"  # sellerops about itself: an endpoint that stopped answering


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"  # delivered even in quiet hours


# ---- notifications and deliveries ----


class NotificationRaised(Event, frozen=True, kw_only=True, tag="notifications.notification_raised.v1"):
    """Something the seller should know, routed to their endpoints (or held for quiet hours or the digest)."""

    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "notification"
    fact: ClassVar[str] = "raised"
    key_field: ClassVar[str] = "notification_id"

    notification_id: Id
    kind: Kind
    severity: Severity
    title: Title
    body: Body
    about: str  # the event type it comes from
    about_event_id: str
    endpoints: list[str] = []  # endpoint ids it goes to
    digest: bool = False  # held for the daily digest


class _DeliveryEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "delivery"
    key_field: ClassVar[str] = "delivery_id"

    delivery_id: Id
    notification_id: Id
    endpoint_id: str
    channel: str
    attempts: Count


class DeliverySucceeded(_DeliveryEvent, frozen=True, kw_only=True, tag="notifications.delivery_succeeded.v1"):
    fact: ClassVar[str] = "succeeded"


class DeliveryFailed(_DeliveryEvent, frozen=True, kw_only=True, tag="notifications.delivery_failed.v1"):
    """Given up: a permanent refusal (a 4xx other than 429), or the attempts ran out."""

    fact: ClassVar[str] = "failed"

    reason: str


class _EndpointEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "endpoint"
    key_field: ClassVar[str] = "endpoint_id"

    endpoint_id: EndpointId
    channel: str


class EndpointCircuitOpened(_EndpointEvent, frozen=True, kw_only=True, tag="notifications.endpoint_circuit_opened.v1"):
    """An endpoint failed `failures` times in a row: deliveries to it wait, and a probe tries it again."""

    fact: ClassVar[str] = "circuit_opened"

    failures: Count
    last_error: str
    probe_at: Timestamp


class EndpointCircuitClosed(_EndpointEvent, frozen=True, kw_only=True, tag="notifications.endpoint_circuit_closed.v1"):
    fact: ClassVar[str] = "circuit_closed"


# ---- deliveries ----


class Attempt(SchemaStruct, frozen=True, kw_only=True):
    at: datetime
    ok: bool
    detail: str  # "200", "503 Service Unavailable", "timeout after 10 s", "circuit open"
    duration_ms: float = 0.0


class DeliveryStatus(str, Enum):
    PENDING = "pending"  # waiting for its next attempt (backoff, quiet hours, an open circuit)
    DELIVERED = "delivered"
    FAILED = "failed"  # given up


class DeliveryView(SchemaStruct, frozen=True, kw_only=True):
    delivery_id: str
    notification_id: str
    endpoint_id: str
    channel: str
    kind: Kind
    title: str
    status: DeliveryStatus
    attempts: list[Attempt] = []
    next_attempt_at: datetime | None = None
    created_at: datetime


class ListDeliveries(SchemaStruct, frozen=True, kw_only=True):
    status: DeliveryStatus | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    cursor: str | None = None  # the `next_cursor` of the previous page


class DeliveryList(SchemaStruct, frozen=True, kw_only=True):
    deliveries: list[DeliveryView]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


class Redeliver(SchemaStruct, frozen=True, kw_only=True):
    delivery_id: Id
