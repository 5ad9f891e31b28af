"""Buyer messages: the 24-hour reply clock (its events are published from the message: runtime.effects)."""

from datetime import datetime
from functools import partial
from typing import Protocol

from sellerops.contracts.notifications import (
    ListMessages, MarkNoResponseNeeded, MessageList, MessageStatus, MessageView, ReplyToMessage,
)
from sellerops.contracts.requests import RequestError
from sellerops.contracts.returns import BuyerMessageReceived
from sellerops.notifications.domain import messaging
from sellerops.notifications.ports import Clock, Store
from sellerops.runtime.decisions import Cause, refusals, requested
from sellerops.runtime.paging import page


async def on_buyer_message(evt: BuyerMessageReceived, *, messages: Store,
                           messaging_policy: messaging.MessagingPolicy) -> None:
    await messages.apply(evt.seller, evt.message_id, str(evt.event_id),
                         partial(messaging.received, fact=evt, policy=messaging_policy))


class _Rule(Protocol):
    """A seller's request on a message (messaging.replied, messaging.no_response_needed)."""

    def __call__(self, message: messaging.Message | None, *, at: datetime, cause: Cause) -> messaging.Decision: ...


async def _message_request(seller: str, message_id: str, verb: str, rule: _Rule, at: datetime, *,
                           messages: Store, clock: Clock) -> MessageView:
    cause = requested(seller, message_id, verb, at.isoformat())
    with refusals("message_id"):
        applied = await messages.apply(seller, message_id, str(cause.id), partial(rule, at=at, cause=cause))
    assert applied.state is not None  # a rule refuses a missing message (NotFound), so one is always left
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
