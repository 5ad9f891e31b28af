"""Incremental and exact: whatever order the facts arrive in, and however often, the live counters give the
same answer as folding the whole history at once (time travel), measure by measure."""

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sellerops.contracts.health import (
    FeedbackReceived, FeedbackRemoved, GetAccountHealth, OrderPackageScanned, PolicyWarningReported,
    PolicyWarningResolved,
)
from sellerops.contracts.market import FulfillmentChannel, Money
from sellerops.contracts.orders import CanceledBy, OrderCanceled, OrderShipByMissed, OrderStatus
from sellerops.contracts.returns import ClaimDecided, ClaimKind, ClaimOutcome, ClaimReason, ClaimRecorded, OrderDelivered
from sellerops.health import bootstrap, handlers
from sellerops.health.domain.history import health_as_of
from sellerops.health.domain.report import RatingRules

from .test_handlers import NOW, recorded, service, shipped

SELLER = "acme"


def _id() -> uuid.UUID:
    return uuid.uuid4()


def facts_for(order: int, kind: str, hours: int, flag: bool):  # noqa: ANN201
    """One fact about order `order`, `hours` after its purchase."""
    order_id = f"O-{order}"
    placed = NOW - timedelta(days=order * 7 % 55 + 1)
    at = placed + timedelta(hours=hours % ((NOW - placed).days * 24))  # facts happen before now
    common = {"event_id": _id(), "seller": SELLER, "occurred_at": at, "order_id": order_id}
    if kind == "recorded":
        return recorded(SELLER, order_id, placed)
    if kind == "shipped":
        return shipped(SELLER, order_id, at, late=flag)
    if kind == "missed":
        return OrderShipByMissed(**common, latest_ship_date=placed + timedelta(days=2), units_unshipped=1)
    if kind == "canceled":
        return OrderCanceled(**common, reason="NoInventory", canceled_by=CanceledBy.SELLER if flag else CanceledBy.BUYER,
                             counts_against_seller=flag, previous_status=OrderStatus.UNSHIPPED)
    if kind == "claim":
        return ClaimRecorded(**common, claim_id=f"AZ-{order}", kind=ClaimKind.A_TO_Z, reason=ClaimReason.NOT_RECEIVED,
                             amount=Money(Decimal("9.99"), "USD"), filed_at=at, response_due_at=at + timedelta(days=3),
                             counts_as_defect=True)
    if kind == "decided":
        return ClaimDecided(**common, claim_id=f"AZ-{order}", kind=ClaimKind.A_TO_Z,
                            outcome=ClaimOutcome.GRANTED_AMAZON_FUNDED if flag else ClaimOutcome.DENIED,
                            counts_as_defect=flag, filed_at=at)
    if kind == "feedback":
        return FeedbackReceived(**common, rating=1 if flag else 5)
    if kind == "removed":
        return FeedbackRemoved(**common)
    if kind == "scanned":
        return OrderPackageScanned(**common, tracking_number="1Z999AA10123456784")
    return OrderDelivered(**common, tracking_number="1Z999AA10123456784")


KINDS = ["recorded", "shipped", "missed", "canceled", "claim", "decided", "feedback", "removed", "scanned",
         "delivered"]
FACTS = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(KINDS), st.integers(0, 24 * 20), st.booleans()),
                 max_size=40)


@settings(max_examples=60, deadline=None)
@given(facts=FACTS, order=st.randoms(use_true_random=False), repeats=st.integers(0, 5))
def test_live_counters_in_any_arrival_order_equal_the_history_folded_at_once(facts, order, repeats):
    events = [facts_for(*f) for f in facts]
    warnings = [PolicyWarningReported(event_id=_id(), seller=SELLER, occurred_at=NOW - timedelta(days=3),
                                      warning_id="PW-1", warning_type="listingPolicyViolations"),
                PolicyWarningResolved(event_id=_id(), seller=SELLER, occurred_at=NOW - timedelta(days=2),
                                      warning_id="PW-2")]
    arrivals = events + events[:repeats]  # at-least-once: some come twice
    order.shuffle(arrivals)

    async def live():  # noqa: ANN202
        built, _, _ = service()
        for event in arrivals + warnings:
            if isinstance(event, (PolicyWarningReported, PolicyWarningResolved)):
                await built(handlers.on_warning, event)
            else:
                await built(handlers.on_order_fact, event)
        return await built(handlers.get_account_health, SELLER, GetAccountHealth(as_of=NOW))

    now = asyncio.run(live())
    then = health_as_of(events + warnings, seller=SELLER, marketplace_id="ATVPDKIKX0DER", as_of=NOW,
                        metrics=bootstrap.load_metrics(), overrides={}, rules=RatingRules())
    assert [(m.key, m.numerator, m.denominator, m.status) for m in now.measures] == [
        (m.key, m.numerator, m.denominator, m.status) for m in then.measures]
    assert (now.rating, now.account_status, now.warnings) == (then.rating, then.account_status, then.warnings)


def test_the_channel_of_an_order_is_what_its_record_says():
    assert recorded(SELLER, "O-1", NOW).fulfillment_channel is FulfillmentChannel.MFN


async def test_a_batch_of_orders_of_one_seller_day_handled_concurrently_counts_each_once_in_a_few_day_writes():
    from sellerops.health.adapters import DAYS

    built, kvs, _ = service()
    day = NOW - timedelta(days=3)
    orders = [recorded(SELLER, f"O-{n}", day) for n in range(128)]

    await asyncio.gather(*(built(handlers.on_order_fact, e) for e in orders))
    await asyncio.gather(*(built(handlers.on_order_fact, e) for e in orders[:40]))  # redelivered: counted once still

    health = await built(handlers.get_account_health, SELLER, GetAccountHealth(as_of=NOW))
    then = health_as_of(orders, seller=SELLER, marketplace_id="ATVPDKIKX0DER", as_of=NOW,
                        metrics=bootstrap.load_metrics(), overrides={}, rules=RatingRules())
    assert [(m.key, m.denominator) for m in health.measures] == [(m.key, m.denominator) for m in then.measures]
    assert max(m.denominator for m in health.measures) == 128
    assert kvs[DAYS].writes <= 10, f"{kvs[DAYS].writes} writes of the day counter for 128 orders"
