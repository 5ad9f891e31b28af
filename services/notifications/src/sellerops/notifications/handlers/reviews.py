"""Review requests: an order's facts move its request (and may be worth a notification); the request's
window opening or closing is a deadline (its events are published from the request: runtime.effects)."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import FeedbackReceived
from sellerops.notifications.domain import reviews
from sellerops.notifications.ports import Clock, Store


async def on_order_fact(evt: Event, *, reviews_store: Store, review_policy: reviews.ReviewPolicy,
                        notify: Callable) -> None:
    """An order fact moves its review request (if reviews care) and may be worth a notification."""
    if isinstance(evt, reviews.EVENTS):
        await reviews_store.apply(evt.seller, evt.order_id, str(evt.event_id),
                                  partial(reviews.apply, event=evt, policy=review_policy), new=evt.opens_aggregate)
    await notify(evt)


async def on_review_deadline(key: str, kind: str, due: datetime, *, reviews_store: Store,
                             deadline_clock: Clock | None = None) -> None:
    """`deadline_clock.base_now()` is the real time under any replayed backlog: a request it finds past the window
    is skipped."""
    seller, order_id = key.split(".", 1)
    now = deadline_clock.base_now() if deadline_clock is not None else None
    await reviews_store.apply(seller, order_id, f"deadline/{kind}/{due.isoformat()}",
                              partial(reviews.deadline_passed, kind=kind, due=due, now=now))


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
