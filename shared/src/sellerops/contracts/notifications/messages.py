"""The buyer-message reply clock (stream NOTIFICATIONS, entity buyer_message) and its requests."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, Timestamp
from sellerops.contracts.schema import SchemaStruct


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
