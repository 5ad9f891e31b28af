"""The buyer-message reply clock (pure).

One aggregate per buyer message. A message received opens a reply deadline `reply_hours` after it arrived
(24 hours by default, weekends and holidays included: docs/domain.md, "Buyer messages, review requests and feedback"), with reminders
`remind_hours_left` before it (12 and 2 hours by default). The seller replies, or marks the message as
needing no response (it then leaves the contact-response metric); either closes the clock. A reply after
the deadline is still a reply, only not within the deadline.

The policy in force when the message arrived is kept on it, so its deadlines need no policy later. Each
deadline fires at most once, in order: a reminder not fired before a later deadline fired is dropped.
"""

from datetime import datetime, timedelta
from typing import Annotated

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyDueSoon,
    BuyerMessageReplyMissed, MessageStatus, MessageView,
)
from sellerops.contracts.orders import HistoryEntry
from sellerops.contracts.returns import BuyerMessageReceived
from sellerops.runtime.decisions import Cause, Emitter, NotFound, Refused

St = MessageStatus
REPLY_DUE = "reply_due"
Hours = Annotated[float, msgspec.Meta(gt=0)]


class MessagingPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """A seller's reply clock: the deadline after a message arrives, and the reminders before it (hours left)."""

    reply_hours: Hours = 24.0
    remind_hours_left: list[Hours] = msgspec.field(default_factory=lambda: [12.0, 2.0])


class Message(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    seller: str
    order_id: str
    title: str | None = None
    status: MessageStatus
    received_at: datetime
    reply_due_at: datetime
    reminders: list[tuple[str, datetime]] = []  # (kind, when), soonest first, from the policy at receipt
    replied_at: datetime | None = None
    response_seconds: int | None = None
    within_deadline: bool | None = None
    marked_at: datetime | None = None  # marked as needing no response
    reminded: list[str] = []  # deadline kinds already fired
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[Message | None, list[Event]]


def reminder_kind(hours_left: float) -> str:
    """"remind_12h", "remind_0.5h"."""
    return f"remind_{hours_left:g}h"


class _Emit(Emitter):
    def __init__(self, message: Message, cause: Cause, at: datetime) -> None:
        super().__init__(message.seller, cause, at, summary=_summary, message_id=message.message_id,
                         order_id=message.order_id, received_at=message.received_at,
                         reply_due_at=message.reply_due_at)


def _summary(event: Event) -> str:
    if isinstance(event, BuyerMessageAwaitingReply):
        return f"reply due {event.reply_due_at.isoformat()}"
    if isinstance(event, BuyerMessageReplied):
        return (f"replied after {event.response_seconds} s "
                + ("within the deadline" if event.within_deadline else "after the deadline"))
    if isinstance(event, BuyerMessageReplyDueSoon):
        return f"{event.hours_left:g} hours left to reply"
    if isinstance(event, BuyerMessageReplyMissed):
        return "no reply by the deadline"
    if isinstance(event, BuyerMessageNoResponseNeeded):
        return "marked as needing no response"
    return ""


def _found(message: Message | None) -> Message:
    if message is None:
        raise NotFound("no such buyer message")
    return message


def _reminders(received_at: datetime, due: datetime, hours_left: list[float]) -> list[tuple[str, datetime]]:
    """One reminder per distinct `hours_left`, unless it would fall at or before the message arrived."""
    found = {reminder_kind(h): due - timedelta(hours=h) for h in hours_left}
    return sorted(((k, when) for k, when in found.items() if when > received_at), key=lambda kw: kw[1])


# ---- the marketplace's fact ----


def received(existing: Message | None, fact: BuyerMessageReceived, *, policy: MessagingPolicy) -> Decision:
    """Open the reply clock; the same message again changes nothing."""
    if existing is not None:
        return existing, []
    at = fact.occurred_at
    due = at + timedelta(hours=policy.reply_hours)
    message = Message(message_id=fact.message_id, seller=fact.seller, order_id=fact.order_id, title=fact.title,
                      status=St.AWAITING_REPLY, received_at=at, reply_due_at=due,
                      reminders=_reminders(at, due, policy.remind_hours_left), updated_at=at)
    emit = _Emit(message, Cause.of(fact), at)
    emit(BuyerMessageAwaitingReply, title=fact.title)
    return emit.done(message)


# ---- the seller's requests ----


def _refuse_closed(message: Message) -> None:
    if message.status is St.REPLIED:
        assert message.replied_at is not None, "set with the reply"
        raise Refused(f"message {message.message_id} was replied to at {message.replied_at.isoformat()}",
                      "$.message_id")
    if message.status is St.NO_RESPONSE_NEEDED:
        assert message.marked_at is not None, "set with the mark"
        raise Refused(f"message {message.message_id} was marked as needing no response at "
                      f"{message.marked_at.isoformat()}", "$.message_id")


def replied(message: Message | None, *, at: datetime, cause: Cause) -> Decision:
    """The seller replied at `at`: within the deadline when at or before it. The same reply again (same time)
    changes nothing; any other request on a replied or marked message is refused."""
    message = _found(message)
    if message.status is St.REPLIED and message.replied_at == at:
        return message, []
    _refuse_closed(message)
    if at < message.received_at:
        raise Refused(f"a reply cannot come before the message (received {message.received_at.isoformat()})",
                      "$.replied_at")
    seconds = int((at - message.received_at).total_seconds())
    within = at <= message.reply_due_at
    emit = _Emit(message, cause, at)
    emit(BuyerMessageReplied, replied_at=at, response_seconds=seconds, within_deadline=within)
    return emit.done(msgspec.structs.replace(message, status=St.REPLIED, replied_at=at, response_seconds=seconds,
                                             within_deadline=within))


def no_response_needed(message: Message | None, *, at: datetime, cause: Cause) -> Decision:
    """The seller marks the message as needing no response: the clock stops and it leaves the metric. The same
    mark again (same time) changes nothing."""
    message = _found(message)
    if message.status is St.NO_RESPONSE_NEEDED and message.marked_at == at:
        return message, []
    _refuse_closed(message)
    emit = _Emit(message, cause, at)
    emit(BuyerMessageNoResponseNeeded, marked_at=at)
    return emit.done(msgspec.structs.replace(message, status=St.NO_RESPONSE_NEEDED, marked_at=at))


# ---- deadlines ----


def _schedule(message: Message) -> list[tuple[str, datetime]]:
    return [*message.reminders, (REPLY_DUE, message.reply_due_at)]


def deadlines(message: Message) -> list[tuple[str, datetime]]:
    """The reminders and the deadline not fired yet, soonest first, while a reply is awaited."""
    if message.status is not St.AWAITING_REPLY:
        return []
    schedule = _schedule(message)
    fired = [when for kind, when in schedule if kind in message.reminded]
    last = max(fired, default=None)
    return [(kind, when) for kind, when in schedule
            if kind not in message.reminded and (last is None or when > last)]


def deadline_passed(message: Message | None, *, kind: str, due: datetime) -> Decision:
    """A reminder (BuyerMessageReplyDueSoon) or the deadline (BuyerMessageReplyMissed) fired; at most once each:
    a deadline no longer in the state changes nothing."""
    if message is None or (kind, due) not in deadlines(message):
        return message, []
    emit = _Emit(message, Cause(f"deadline/{message.seller}/{message.message_id}/{kind}/{due.isoformat()}"), due)
    if kind == REPLY_DUE:
        emit(BuyerMessageReplyMissed)
    else:
        emit(BuyerMessageReplyDueSoon, hours_left=(message.reply_due_at - due).total_seconds() / 3600)
    return emit.done(msgspec.structs.replace(message, reminded=[*message.reminded, kind]))


# ---- queries ----


def view(message: Message, now: datetime) -> MessageView:
    """`overdue`: still awaiting a reply after its deadline."""
    return MessageView(message_id=message.message_id, order_id=message.order_id, title=message.title,
                       status=message.status, received_at=message.received_at, reply_due_at=message.reply_due_at,
                       replied_at=message.replied_at,
                       overdue=message.status is St.AWAITING_REPLY and now > message.reply_due_at)
