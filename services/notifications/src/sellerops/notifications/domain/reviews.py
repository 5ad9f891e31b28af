"""Review requests: one review-and-feedback request per order, inside the window the Solicitations API allows
(pure; docs/domain.md, "Review requests").

One aggregate per order, folded from the order's facts. The window opens `open_after_days` (5) after the
earliest delivery date and closes `close_after_days` (30) after the latest delivery date of the order's
delivery window, both inclusive. The request is due at the window's opening plus the seller's `delay_days`
(kept inside the window), and never before the order was delivered: an order delivered later is asked at
its delivery. An order not delivered by the window's close, or delivered after it, is skipped ("window
closed"); so is one whose send time comes while the window is open but is only acted on after it closed
(facts ingested late, a backfill, downtime): soliciting outside the window breaks the marketplace's policy,
so `deadline_passed` compares the close with the real time it decides at (`now`). An order without a
delivery window is skipped when it is delivered ("no delivery window").

A refund of any amount, a cancellation or the buyer's opt-out skips the order as soon as it is known (one
reason, in that order of precedence: canceled, refunded, returned, buyer opted out). The outcome is decided once, by
`deadline_passed`; facts that arrive after it change nothing. With the policy disabled nothing is due.
The policy of the latest fact applies.
"""

from datetime import datetime, timedelta
from enum import Enum
from typing import Annotated

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.notifications import BuyerOptedOut, ReviewRequested, ReviewRequestSkipped
from sellerops.contracts.orders import HistoryEntry, OrderCanceled, OrderRecorded, OrderRefunded
from sellerops.contracts.returns import CustomerReturnReceived, OrderDelivered, ReturnRecorded
from sellerops.runtime.decisions import Cause, Emitter

EVENTS = (OrderRecorded, OrderDelivered, OrderRefunded, OrderCanceled, BuyerOptedOut, ReturnRecorded,
          CustomerReturnReceived)
SEND, SKIP, CLOSE = "send", "skip", "window_closed"  # deadline kinds
Days = Annotated[float, msgspec.Meta(ge=0)]


class ReviewPolicy(msgspec.Struct, frozen=True, kw_only=True):
    enabled: bool = True
    delay_days: Days = 0  # after the window opens (kept inside the window)
    open_after_days: Days = 5  # after the earliest delivery date
    close_after_days: Days = 30  # after the latest delivery date


class Outcome(str, Enum):
    REQUESTED = "requested"
    SKIPPED = "skipped"


class ReviewRequest(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    seller: str
    policy: ReviewPolicy = ReviewPolicy()
    earliest_delivery: datetime | None = None  # the order's delivery window
    latest_delivery: datetime | None = None
    delivered_at: datetime | None = None  # first delivery seen
    canceled_at: datetime | None = None
    refunded_at: datetime | None = None  # first refund seen
    returned_at: datetime | None = None  # a return requested (seller-fulfilled) or received (FBA)
    opted_out_at: datetime | None = None
    outcome: Outcome | None = None
    reason: str | None = None  # why skipped
    decided_at: datetime | None = None
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[ReviewRequest | None, list[Event]]


def _first(known: datetime | None, at: datetime) -> datetime:
    return at if known is None else min(known, at)


# ---- the order's facts ----


def apply(state: ReviewRequest | None, event: Event, *, policy: ReviewPolicy) -> Decision:
    """Fold one fact about the order (one of EVENTS); never emits (the outcome comes from `deadline_passed`)."""
    if not isinstance(event, EVENTS):
        raise TypeError(f"review requests do not take {type(event).__name__}")
    at = event.occurred_at
    state = state or ReviewRequest(order_id=event.order_id, seller=event.seller, policy=policy, updated_at=at)
    if state.outcome is not None:
        return state, []
    changes: dict[str, object] = {"policy": policy, "updated_at": max(state.updated_at, at)}
    if isinstance(event, OrderRecorded):
        if event.delivery_window is not None:
            changes |= {"earliest_delivery": event.delivery_window.earliest,
                        "latest_delivery": event.delivery_window.latest}
    elif isinstance(event, OrderDelivered):
        changes["delivered_at"] = _first(state.delivered_at, at)
    elif isinstance(event, OrderRefunded):
        changes["refunded_at"] = _first(state.refunded_at, at)
    elif isinstance(event, OrderCanceled):
        changes["canceled_at"] = _first(state.canceled_at, at)
    elif isinstance(event, (ReturnRecorded, CustomerReturnReceived)):
        changes["returned_at"] = _first(state.returned_at, at)
    else:
        changes["opted_out_at"] = _first(state.opted_out_at, at)
    return msgspec.structs.replace(state, **changes), []


# ---- the window and the deadline ----


def window(state: ReviewRequest) -> tuple[datetime, datetime] | None:
    """(opens, closes) of the solicitation window, both inclusive; None without a delivery window."""
    if state.earliest_delivery is None or state.latest_delivery is None:
        return None
    return (state.earliest_delivery + timedelta(days=state.policy.open_after_days),
            state.latest_delivery + timedelta(days=state.policy.close_after_days))


def planned_at(state: ReviewRequest) -> datetime | None:
    """The window's opening plus the delay, clamped inside the window (delivery aside)."""
    found = window(state)
    if found is None:
        return None
    opens, closes = found
    return max(opens, min(opens + timedelta(days=state.policy.delay_days), closes))


def _blocked(state: ReviewRequest) -> tuple[str, datetime] | None:
    for reason, at in (("canceled", state.canceled_at), ("refunded", state.refunded_at),
                       ("returned", state.returned_at), ("buyer opted out", state.opted_out_at)):
        if at is not None:
            return reason, at
    return None


def deadlines(state: ReviewRequest) -> list[tuple[str, datetime]]:
    """At most one: the skip when a refund, cancellation or opt-out is known; else the send time once delivered
    (the delivery itself when delivered after the planned time, or without a delivery window); else the
    window's close while undelivered."""
    if state.outcome is not None or not state.policy.enabled:
        return []
    blocked = _blocked(state)
    if blocked is not None:
        return [(SKIP, blocked[1])]
    planned, found = planned_at(state), window(state)
    if state.delivered_at is not None:
        return [(SEND, state.delivered_at if planned is None else max(planned, state.delivered_at))]
    if found is not None:
        return [(CLOSE, found[1])]
    return []


def deadline_passed(state: ReviewRequest | None, *, kind: str, due: datetime,
                    now: datetime | None = None) -> Decision:
    """Decide the order's one outcome: ReviewRequested or ReviewRequestSkipped(reason). A deadline no longer in
    the state (already decided, or moved by a later fact) changes nothing. `now` is when the decision is made
    (the real time, not the event time being replayed): a request due inside the window but decided after
    its close is skipped as "window closed"."""
    if state is None or (kind, due) not in deadlines(state):
        return state, []
    emit = Emitter(state.seller, Cause(f"deadline/{state.seller}/{state.order_id}/{kind}/{due.isoformat()}"), due,
                   summary=_summary, order_id=state.order_id)
    found, blocked = window(state), _blocked(state)
    if blocked is not None:
        reason = blocked[0]
    elif found is None:
        reason = "no delivery window"
    elif kind == CLOSE or due > found[1] or (now is not None and now > found[1]):
        reason = "window closed"
    else:
        reason = None
    if reason is None and found is not None:  # no reason: a window was found
        emit(ReviewRequested, window_opens_at=found[0], window_closes_at=found[1])
        decided = msgspec.structs.replace(state, outcome=Outcome.REQUESTED, decided_at=due)
    else:
        emit(ReviewRequestSkipped, reason=reason)
        decided = msgspec.structs.replace(state, outcome=Outcome.SKIPPED, reason=reason, decided_at=due)
    return emit.done(decided)


def _summary(event: Event) -> str:
    if isinstance(event, ReviewRequested):
        return f"review requested (window {event.window_opens_at.isoformat()} to {event.window_closes_at.isoformat()})"
    if isinstance(event, ReviewRequestSkipped):
        return f"review request skipped: {event.reason}"
    return ""
