"""Notifications: a seller's preferences and endpoints, notifications and their deliveries, the buyer-message
reply clock and review requests (docs/domain.md, "Notifications from the marketplace" and "Buyer messages, review requests and feedback").

Buyer messages arrive as `market.buyer_message_received.v1` (contracts.returns). There is no SP-API event for
a buyer's message or for a seller's reply, so the reply clock is kept here and its events let the health
service measure contact response.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, Timestamp
from sellerops.contracts.schema import SchemaStruct

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[str, msgspec.Meta(max_length=8000)]
EndpointId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Clock = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]  # "22:00"


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


# ---- market facts ----


class BuyerOptedOut(Event, frozen=True, kw_only=True, tag="market.order_buyer_opted_out.v1"):
    """The buyer of an order opted out of unsolicited messages (no review request may be sent)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "buyer_opted_out"
    key_field: ClassVar[str] = "order_id"

    order_id: Id


# ---- the reply clock (stream NOTIFICATIONS, entity buyer_message) ----


class _MessageEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "buyer_message"
    key_field: ClassVar[str] = "message_id"

    message_id: Id
    order_id: Id
    received_at: Timestamp
    reply_due_at: Timestamp


class BuyerMessageAwaitingReply(_MessageEvent, frozen=True, kw_only=True,
                                tag="notifications.buyer_message_awaiting_reply.v1"):
    """A buyer's message opened a reply deadline (24 hours, weekends and holidays included)."""

    fact: ClassVar[str] = "awaiting_reply"

    title: str | None = None


class BuyerMessageReplied(_MessageEvent, frozen=True, kw_only=True, tag="notifications.buyer_message_replied.v1"):
    fact: ClassVar[str] = "replied"

    replied_at: Timestamp
    response_seconds: Count
    within_deadline: bool


class BuyerMessageNoResponseNeeded(_MessageEvent, frozen=True, kw_only=True,
                                   tag="notifications.buyer_message_no_response_needed.v1"):
    """The seller marked the message as needing no response: it leaves the response-time metric."""

    fact: ClassVar[str] = "no_response_needed"

    marked_at: Timestamp


class BuyerMessageReplyDueSoon(_MessageEvent, frozen=True, kw_only=True,
                               tag="notifications.buyer_message_reply_due_soon.v1"):
    fact: ClassVar[str] = "reply_due_soon"

    hours_left: float


class BuyerMessageReplyMissed(_MessageEvent, frozen=True, kw_only=True,
                              tag="notifications.buyer_message_reply_missed.v1"):
    fact: ClassVar[str] = "reply_missed"


# ---- review requests (entity review) ----


class ReviewRequested(Event, frozen=True, kw_only=True, tag="notifications.review_requested.v1"):
    """The review-and-feedback request is due for an order now (an integration sends it through the
    Solicitations API: productReviewAndSellerFeedback)."""

    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "review"
    fact: ClassVar[str] = "requested"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    window_opens_at: Timestamp
    window_closes_at: Timestamp


class ReviewRequestSkipped(Event, frozen=True, kw_only=True, tag="notifications.review_request_skipped.v1"):
    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "review"
    fact: ClassVar[str] = "request_skipped"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    reason: str  # refunded, returned, canceled, buyer opted out, window closed, no delivery window


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


# ---- preferences ----


class Endpoint(SchemaStruct, frozen=True, kw_only=True):
    """Where notifications go: a webhook URL (with its signing secret), an email address, or the log."""

    id: EndpointId
    channel: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]  # a `sellerops.channels` plugin
    target: Annotated[str, msgspec.Meta(max_length=2000)] = ""  # URL, address, ...
    secret: Annotated[str, msgspec.Meta(max_length=256)] | None = None  # webhook signing secret
    enabled: bool = True


class QuietHours(SchemaStruct, frozen=True, kw_only=True):
    start: Clock  # "22:00"
    end: Clock  # "07:00"
    timezone: str = "UTC"  # an IANA name: "America/New_York"


class Digest(SchemaStruct, frozen=True, kw_only=True):
    at: Clock = "08:00"  # local time (the quiet hours' timezone)
    kinds: list[Kind] = []  # these kinds wait for the digest instead of going out one by one


class Preferences(SchemaStruct, frozen=True, kw_only=True):
    endpoints: list[Endpoint] = []
    routes: dict[Kind, list[EndpointId]] = {}  # kind -> endpoint ids; a kind not listed goes nowhere
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None
    min_severity: Severity = Severity.INFO


class SetPreferences(SchemaStruct, frozen=True, kw_only=True):
    preferences: Preferences


class GetPreferences(SchemaStruct, frozen=True, kw_only=True):
    pass


class PreferencesView(SchemaStruct, frozen=True, kw_only=True):
    """A seller's preferences as answered: every endpoint secret masked (`****` and at most its last 4
    characters). Sending the masked value back in `set_preferences` keeps the stored secret."""

    seller: str
    preferences: Preferences
    updated_at: datetime | None = None


class EndpointRef(SchemaStruct, frozen=True, kw_only=True):
    endpoint_id: EndpointId


class EndpointSecret(SchemaStruct, frozen=True, kw_only=True):
    endpoint_id: str
    secret: str | None


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


# ---- buyer messages ----


class ReplyToMessage(SchemaStruct, frozen=True, kw_only=True):
    message_id: Id
    replied_at: Timestamp | None = None  # default: now


class MarkNoResponseNeeded(SchemaStruct, frozen=True, kw_only=True):
    message_id: Id


class MessageStatus(str, Enum):
    AWAITING_REPLY = "AwaitingReply"
    REPLIED = "Replied"
    NO_RESPONSE_NEEDED = "NoResponseNeeded"


class MessageView(SchemaStruct, frozen=True, kw_only=True):
    message_id: str
    order_id: str
    title: str | None = None
    status: MessageStatus
    received_at: datetime
    reply_due_at: datetime
    replied_at: datetime | None = None
    overdue: bool = False


class ListMessages(SchemaStruct, frozen=True, kw_only=True):
    open_only: bool = True
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class MessageList(SchemaStruct, frozen=True, kw_only=True):
    messages: list[MessageView]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


class MessageRef(SchemaStruct, frozen=True, kw_only=True):
    message_id: Id
