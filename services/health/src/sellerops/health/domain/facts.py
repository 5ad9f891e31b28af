"""What the health service knows of one order, folded from the events of four streams (pure).

Facts arrive in any order across streams (a claim may come before the order, a scan before the
confirmation): the state keeps what it needs to place each fact when its partner arrives, and each fold
ends by recomputing the packages' scan and delivery times. A fact about a claim or a feedback older than
the one already applied changes nothing. A buyer message's facts only add to what is known of it (a reply,
a no-response mark, a missed deadline), so they too fold the same in any order.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.health import (
    ClaimFacts, FeedbackFacts, FeedbackReceived, FeedbackRemoved, MessageFacts, OrderFacts, OrderPackageScanned,
    PackageFacts,
)
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyMissed,
)
from sellerops.contracts.orders import (
    OrderCanceled, OrderRecorded, OrderShipByMissed, OrderShipped, OrderTrackingCorrected,
)
from sellerops.contracts.returns import ClaimAppealResolved, ClaimDecided, ClaimRecorded, OrderDelivered
from sellerops.plugins.carriers import normalize_tracking

CLAIM_EVENTS = (ClaimRecorded, ClaimDecided, ClaimAppealResolved)
ORDER_EVENTS = (OrderRecorded, OrderShipped, OrderShipByMissed, OrderCanceled, OrderTrackingCorrected)
MARKET_EVENTS = (OrderDelivered, OrderPackageScanned, FeedbackReceived, FeedbackRemoved)
MESSAGE_EVENTS = (
    BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageNoResponseNeeded, BuyerMessageReplyMissed,
)
EVENTS = ORDER_EVENTS + CLAIM_EVENTS + MARKET_EVENTS + MESSAGE_EVENTS


class Delta(msgspec.Struct, frozen=True, kw_only=True):
    """Counter changes one message made, waiting (a pending effect of the order) to be added to the days."""

    days: dict[str, dict[str, int]]  # "<marketplace>.<ISO day>" -> counter -> change


class OrderState(msgspec.Struct, frozen=True, kw_only=True):
    facts: OrderFacts
    scans: dict[str, datetime] = {}  # tracking number -> first scan
    deliveries: dict[str, datetime] = {}  # tracking number ("" when the scan named none) -> delivered at
    claim_at: dict[str, datetime] = {}  # claim id -> time of the claim event applied


def new_state(event: Event) -> OrderState:
    if not isinstance(event, EVENTS):
        raise TypeError(f"order health facts do not take {type(event).__name__}")
    return OrderState(facts=OrderFacts(order_id=event.order_id, seller=event.seller))


def apply(state: OrderState | None, event: Event) -> OrderState:
    state = state or new_state(event)
    fold = _FOLDS.get(type(event))
    if fold is None:
        raise TypeError(f"order health facts do not take {type(event).__name__}")
    state = fold(state, state.facts, event)
    return msgspec.structs.replace(state, facts=msgspec.structs.replace(state.facts, packages=_packages(state)))


def _facts(state: OrderState, **changes: object) -> OrderState:
    return msgspec.structs.replace(state, facts=msgspec.structs.replace(state.facts, **changes))


def _recorded(state: OrderState, f: OrderFacts, e: OrderRecorded) -> OrderState:
    return _facts(state, marketplace_id=e.marketplace_id, channel=e.fulfillment_channel, purchased_at=e.purchased_at,
                  latest_ship_date=e.ship_window.latest if e.ship_window else None,
                  latest_delivery_date=e.delivery_window.latest if e.delivery_window else None)


def _shipped(state: OrderState, f: OrderFacts, e: OrderShipped) -> OrderState:
    package = PackageFacts(number=e.package_number, tracking_number=normalize_tracking(e.package.tracking_number),
                           carrier_code=e.package.carrier_code, confirmed_at=e.confirmed_at)
    known = next((p for p in f.packages if p.number == e.package_number), None)
    if known is not None and known.confirmed_at > e.confirmed_at:
        package = known  # an older confirmation of this package: the later one stands, whatever the arrival order
    packages = [p for p in f.packages if p.number != e.package_number] + [package]
    shipped_at = min(f.shipped_at, e.confirmed_at) if f.shipped_at else e.confirmed_at
    return _facts(state, packages=sorted(packages, key=lambda p: p.number), shipped_at=shipped_at,
                  channel=f.channel or e.fulfillment_channel, late_shipment=f.late_shipment or e.late,
                  latest_ship_date=f.latest_ship_date or e.latest_ship_date)


def _ship_by_missed(state: OrderState, f: OrderFacts, e: OrderShipByMissed) -> OrderState:
    return _facts(state, late_shipment=True, latest_ship_date=f.latest_ship_date or e.latest_ship_date)


def _canceled(state: OrderState, f: OrderFacts, e: OrderCanceled) -> OrderState:
    """The latest cancel by time stands (on a tie, the one that counts), whatever order they arrive in."""
    if f.canceled_at is not None and (e.occurred_at, e.counts_against_seller) < (f.canceled_at, f.cancel_counts):
        return state
    return _facts(state, canceled_at=e.occurred_at, canceled_by=e.canceled_by.value,
                  cancel_counts=e.counts_against_seller, channel=f.channel or e.fulfillment_channel)


def _tracking_corrected(state: OrderState, f: OrderFacts, e: OrderTrackingCorrected) -> OrderState:
    packages = [msgspec.structs.replace(p, tracking_number=normalize_tracking(e.tracking_number),
                                        carrier_code=e.carrier_code) if p.number == e.package_number else p
                for p in f.packages]
    return _facts(state, packages=packages)


def _claim(state: OrderState, f: OrderFacts, e: ClaimRecorded | ClaimDecided | ClaimAppealResolved) -> OrderState:
    last = state.claim_at.get(e.claim_id)
    if last is not None and e.occurred_at < last:
        return state  # an older word on this claim
    filed_at = e.filed_at
    claim = ClaimFacts(claim_id=e.claim_id, kind=e.kind, counts_as_defect=e.counts_as_defect, filed_at=filed_at)
    claims = [c for c in f.claims if c.claim_id != e.claim_id] + [claim]
    state = msgspec.structs.replace(state, claim_at={**state.claim_at, e.claim_id: e.occurred_at})
    return _facts(state, claims=sorted(claims, key=lambda c: c.claim_id))


def _delivered(state: OrderState, f: OrderFacts, e: OrderDelivered) -> OrderState:
    key = normalize_tracking(e.tracking_number) if e.tracking_number else ""
    if key in state.deliveries and state.deliveries[key] <= e.occurred_at:
        return state
    return msgspec.structs.replace(state, deliveries={**state.deliveries, key: e.occurred_at})


def _scanned(state: OrderState, f: OrderFacts, e: OrderPackageScanned) -> OrderState:
    key = normalize_tracking(e.tracking_number)
    if key in state.scans and state.scans[key] <= e.occurred_at:
        return state
    return msgspec.structs.replace(state, scans={**state.scans, key: e.occurred_at})


def _feedback(state: OrderState, f: OrderFacts, e: FeedbackReceived) -> OrderState:
    # The latest feedback wins; two given at the same moment are ordered by rating (the lower one stands), so
    # the outcome does not depend on which of them arrived first.
    if f.feedback is not None and (f.feedback.at, -f.feedback.rating) > (e.occurred_at, -e.rating):
        return state
    return _facts(state, feedback=FeedbackFacts(rating=e.rating, at=e.occurred_at, comment=e.comment),
                  marketplace_id=f.marketplace_id if f.purchased_at else e.marketplace_id)


def _feedback_removed(state: OrderState, f: OrderFacts, e: FeedbackRemoved) -> OrderState:
    if f.feedback is None or f.feedback.at > e.occurred_at:
        return state  # removes the feedback it was about, not a later one
    return _facts(state, feedback=msgspec.structs.replace(f.feedback, removed_at=e.occurred_at))


MessageEvent = BuyerMessageAwaitingReply | BuyerMessageReplied | BuyerMessageNoResponseNeeded | BuyerMessageReplyMissed


def _message(state: OrderState, f: OrderFacts, e: MessageEvent) -> OrderState:
    """Every message event carries the message's receipt and deadline; each adds what it says."""
    found = {m.message_id: m for m in f.messages}
    m = found.get(e.message_id) or MessageFacts(message_id=e.message_id, received_at=e.received_at,
                                                reply_due_at=e.reply_due_at)
    if isinstance(e, BuyerMessageReplied):
        m = msgspec.structs.replace(m, replied_at=e.replied_at, response_seconds=e.response_seconds,
                                    within_deadline=e.within_deadline)
    elif isinstance(e, BuyerMessageNoResponseNeeded):
        m = msgspec.structs.replace(m, no_response_needed=True)
    elif isinstance(e, BuyerMessageReplyMissed):
        m = msgspec.structs.replace(m, missed=True)
    if found.get(e.message_id) == m:
        return state
    found[e.message_id] = m
    return _facts(state, messages=[found[k] for k in sorted(found)])


def _packages(state: OrderState) -> list[PackageFacts]:
    """Each package with the first scan and the delivery seen for its tracking number."""
    anonymous = state.deliveries.get("")
    found = []
    for p in state.facts.packages:
        delivered = state.deliveries.get(p.tracking_number, anonymous)
        found.append(msgspec.structs.replace(p, scanned_at=state.scans.get(p.tracking_number), delivered_at=delivered))
    return found


# each fold takes the one event type it is registered for (Any: a Callable's argument cannot vary with the key)
_FOLDS: dict[type[Event], Callable[[OrderState, OrderFacts, Any], OrderState]] = {
    OrderRecorded: _recorded, OrderShipped: _shipped, OrderShipByMissed: _ship_by_missed, OrderCanceled: _canceled,
    OrderTrackingCorrected: _tracking_corrected, ClaimRecorded: _claim, ClaimDecided: _claim,
    ClaimAppealResolved: _claim, OrderDelivered: _delivered, OrderPackageScanned: _scanned,
    FeedbackReceived: _feedback, FeedbackRemoved: _feedback_removed,
    **{t: _message for t in MESSAGE_EVENTS},
}
