"""One order's health facts, folded from the orders, returns and market streams in any order."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.health import FeedbackReceived, FeedbackRemoved, OrderPackageScanned
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyMissed,
)
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderLine, OrderRecorded, OrderRefunded, OrderShipByMissed, OrderShipped,
    OrderStatus, OrderTrackingCorrected, PackageDetail, PackageItem, RefundLine, RefundReason,
)
from sellerops.contracts.returns import (
    ClaimAppealResolved, ClaimDecided, ClaimKind, ClaimOutcome, ClaimReason, ClaimRecorded, OrderDelivered,
)
from sellerops.health.domain import facts as order_facts

AFN, MFN = FulfillmentChannel.AFN, FulfillmentChannel.MFN
ORDER = "111-0000001-0000001"
T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)  # purchased
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
SHIP_BY = datetime(2026, 3, 4, 23, 59, tzinfo=UTC)
PROMISED = datetime(2026, 3, 9, 23, 59, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def envelope(at: datetime) -> dict:
    return {"event_id": uuid.uuid4(), "seller": "acme", "occurred_at": at, "order_id": ORDER}


def recorded(channel: FulfillmentChannel = MFN, marketplace_id: str = "ATVPDKIKX0DER") -> OrderRecorded:
    return OrderRecorded(**envelope(T0), status=OrderStatus.UNSHIPPED, fulfillment_channel=channel,
                         order_type=OrderType.STANDARD, purchased_at=T0, ship_window=Window(T0, SHIP_BY),
                         delivery_window=Window(T0 + 3 * DAY, PROMISED), marketplace_id=marketplace_id,
                         lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=1, item_price=usd("30.00"))])


def shipped(number: int = 1, at: datetime = T0 + DAY, late: bool = False, tracking: str = "1z 999-001",
            channel: FulfillmentChannel = MFN) -> OrderShipped:
    package = PackageDetail(carrier_code="UPS", tracking_number=tracking, ship_date=at.date(),
                            items=[PackageItem("I1", 1)])
    return OrderShipped(**envelope(at), package=package, package_number=number, status=OrderStatus.SHIPPED,
                        fulfillment_channel=channel, confirmed_at=at, late=late, latest_ship_date=SHIP_BY)


def ship_by_missed() -> OrderShipByMissed:
    return OrderShipByMissed(**envelope(SHIP_BY + HOUR), latest_ship_date=SHIP_BY, units_unshipped=1)


def canceled(by: CanceledBy, counts: bool, at: datetime = T0 + HOUR) -> OrderCanceled:
    return OrderCanceled(**envelope(at), reason="NoInventory", canceled_by=by, counts_against_seller=counts,
                         previous_status=OrderStatus.UNSHIPPED, fulfillment_channel=MFN)


def corrected(tracking: str = "1Z999002", number: int = 1, at: datetime = T0 + 2 * DAY) -> OrderTrackingCorrected:
    return OrderTrackingCorrected(**envelope(at), package_number=number, carrier_code="UPS", tracking_number=tracking,
                                  previous_carrier_code="UPS", previous_tracking_number="1Z999001")


def claim_recorded(at: datetime = T0 + 10 * DAY, claim_id: str = "C1", kind: ClaimKind = ClaimKind.A_TO_Z,
                   counts: bool = True) -> ClaimRecorded:
    return ClaimRecorded(**envelope(at), claim_id=claim_id, kind=kind, reason=ClaimReason.NOT_RECEIVED,
                         amount=usd("30.00"), filed_at=T0 + 10 * DAY, response_due_at=T0 + 13 * DAY,
                         counts_as_defect=counts)


def claim_decided(outcome: ClaimOutcome, counts: bool, at: datetime = T0 + 20 * DAY) -> ClaimDecided:
    return ClaimDecided(**envelope(at), claim_id="C1", kind=ClaimKind.A_TO_Z, outcome=outcome, counts_as_defect=counts,
                        filed_at=T0 + 10 * DAY)


def appeal_resolved(upheld: bool, at: datetime = T0 + 40 * DAY) -> ClaimAppealResolved:
    return ClaimAppealResolved(**envelope(at), claim_id="C1", kind=ClaimKind.A_TO_Z, upheld=upheld,
                               counts_as_defect=not upheld, filed_at=T0 + 10 * DAY)


def delivered(at: datetime = T0 + 4 * DAY, tracking: str | None = "1Z999001") -> OrderDelivered:
    return OrderDelivered(**envelope(at), carrier_code="UPS", tracking_number=tracking)


def scanned(tracking: str = "1Z999001", at: datetime = T0 + 2 * DAY) -> OrderPackageScanned:
    return OrderPackageScanned(**envelope(at), tracking_number=tracking, carrier_code="UPS", scan="In transit")


def feedback(rating: int, at: datetime = T0 + 5 * DAY, marketplace_id: str = "ATVPDKIKX0DER") -> FeedbackReceived:
    return FeedbackReceived(**envelope(at), rating=rating, comment="never again", marketplace_id=marketplace_id)


def feedback_removed(at: datetime = T0 + 7 * DAY) -> FeedbackRemoved:
    return FeedbackRemoved(**envelope(at), reason="removed by Amazon")


def fold(*events) -> order_facts.OrderState:  # noqa: ANN002
    state = None
    for event in events:
        state = order_facts.apply(state, event)
    return state


# ---- the order ----


def test_an_order_recorded_gives_its_channel_order_date_ship_by_promise_and_marketplace() -> None:
    f = fold(recorded(AFN, marketplace_id="A2EUQ1WTGCTBG2")).facts

    assert (f.order_id, f.seller, f.channel, f.purchased_at) == (ORDER, "acme", AFN, T0)
    assert (f.latest_ship_date, f.latest_delivery_date, f.marketplace_id) == (SHIP_BY, PROMISED, "A2EUQ1WTGCTBG2")
    assert (f.packages, f.claims, f.feedback, f.shipped_at, f.late_shipment) == ([], [], None, None, False)


def test_a_claim_seen_before_its_order_is_kept_and_the_order_fills_in_later() -> None:
    early = fold(claim_recorded())
    f = fold(claim_recorded(), recorded()).facts

    assert early.facts.purchased_at is None and early.facts.channel is None
    assert [c.claim_id for c in early.facts.claims] == ["C1"]
    assert (f.purchased_at, f.channel, [c.claim_id for c in f.claims]) == (T0, MFN, ["C1"])


def test_an_event_the_facts_do_not_take_is_refused() -> None:
    refund = OrderRefunded(**envelope(T0), refund_id="R1", lines=[RefundLine("I1", usd("1.00"))], total=usd("1.00"),
                           reason=RefundReason.OTHER, fully_refunded=False)

    with pytest.raises(TypeError, match="OrderRefunded"):
        order_facts.apply(None, refund)


# ---- shipping ----


def test_a_confirmed_package_keeps_its_normalized_tracking_number_and_the_first_confirmation() -> None:
    f = fold(recorded(), shipped(1, T0 + 2 * DAY, tracking="1z 999-001"),
             shipped(2, T0 + DAY, tracking="1Z999002")).facts

    assert [(p.number, p.tracking_number, p.confirmed_at) for p in f.packages] == [
        (1, "1Z999001", T0 + 2 * DAY), (2, "1Z999002", T0 + DAY)]
    assert f.shipped_at == T0 + DAY and f.late_shipment is False


def test_a_package_confirmed_again_replaces_itself() -> None:
    f = fold(recorded(), shipped(1, tracking="1Z999001"), shipped(1, T0 + 2 * DAY, tracking="1Z999009")).facts

    assert [(p.number, p.tracking_number) for p in f.packages] == [(1, "1Z999009")]
    assert f.shipped_at == T0 + DAY


def test_a_late_confirmation_marks_the_order_late() -> None:
    assert fold(recorded(), shipped(at=SHIP_BY + HOUR, late=True)).facts.late_shipment is True


def test_a_ship_by_date_passed_unconfirmed_marks_the_order_late_with_its_ship_by_date() -> None:
    f = fold(ship_by_missed()).facts

    assert (f.late_shipment, f.latest_ship_date, f.shipped_at) == (True, SHIP_BY, None)


def test_a_confirmation_on_time_after_the_ship_by_date_was_missed_keeps_the_order_late() -> None:
    assert fold(recorded(), ship_by_missed(), shipped(at=SHIP_BY + 2 * HOUR)).facts.late_shipment is True


# ---- cancels ----


def test_a_seller_cancel_counts_against_the_seller() -> None:
    f = fold(recorded(), canceled(CanceledBy.SELLER, counts=True)).facts

    assert (f.canceled_at, f.canceled_by, f.cancel_counts) == (T0 + HOUR, "seller", True)


def test_a_buyer_requested_cancel_does_not_count_against_the_seller() -> None:
    f = fold(recorded(), canceled(CanceledBy.BUYER, counts=False)).facts

    assert (f.canceled_by, f.cancel_counts) == ("buyer", False)


# ---- claims ----


def test_a_claim_recorded_counts_as_a_defect_with_its_filing_date() -> None:
    [c] = fold(recorded(), claim_recorded()).facts.claims

    assert (c.claim_id, c.kind, c.counts_as_defect, c.filed_at) == ("C1", ClaimKind.A_TO_Z, True, T0 + 10 * DAY)


def test_a_claim_decided_denied_stops_counting() -> None:
    f = fold(recorded(), claim_recorded(), claim_decided(ClaimOutcome.DENIED, counts=False)).facts

    assert [c.counts_as_defect for c in f.claims] == [False]
    assert f.claims_counting(ClaimKind.A_TO_Z) == []


def test_an_older_word_on_a_claim_arriving_late_changes_nothing() -> None:
    f = fold(recorded(), claim_decided(ClaimOutcome.DENIED, counts=False), claim_recorded()).facts

    assert [c.counts_as_defect for c in f.claims] == [False]


def test_an_upheld_appeal_stops_a_granted_claim_counting() -> None:
    granted = fold(recorded(), claim_recorded(), claim_decided(ClaimOutcome.GRANTED_SELLER_FUNDED, counts=True))
    f = order_facts.apply(granted, appeal_resolved(upheld=True)).facts

    assert granted.facts.claims_counting(ClaimKind.A_TO_Z) != []
    assert f.claims_counting(ClaimKind.A_TO_Z) == []


def test_claims_are_kept_apart_by_id() -> None:
    f = fold(recorded(), claim_recorded(claim_id="C2", kind=ClaimKind.CHARGEBACK), claim_recorded(claim_id="C1")).facts

    assert [(c.claim_id, c.kind) for c in f.claims] == [("C1", ClaimKind.A_TO_Z), ("C2", ClaimKind.CHARGEBACK)]
    assert len(f.claims_counting(ClaimKind.CHARGEBACK)) == 1


# ---- feedback ----


def test_a_one_star_feedback_is_negative_and_a_later_one_replaces_it() -> None:
    negative = fold(recorded(), feedback(1))
    replaced = order_facts.apply(negative, feedback(5, at=T0 + 6 * DAY))

    assert negative.facts.negative_feedback() is True
    assert (replaced.facts.feedback.rating, replaced.facts.negative_feedback()) == (5, False)


def test_an_older_feedback_arriving_late_does_not_replace_the_newer_one() -> None:
    f = fold(recorded(), feedback(5, at=T0 + 6 * DAY), feedback(1, at=T0 + 5 * DAY)).facts

    assert f.feedback.rating == 5 and f.negative_feedback() is False


def test_two_feedbacks_at_the_same_moment_give_the_same_facts_in_either_arrival_order() -> None:
    one_way = fold(recorded(), feedback(5), feedback(1)).facts
    other_way = fold(recorded(), feedback(1), feedback(5)).facts

    assert one_way.feedback.rating == other_way.feedback.rating == 1


def test_a_removed_feedback_stops_counting() -> None:
    f = fold(recorded(), feedback(1), feedback_removed()).facts

    assert f.feedback.removed_at == T0 + 7 * DAY
    assert f.negative_feedback() is False


def test_a_feedback_removal_older_than_the_feedback_does_nothing() -> None:
    f = fold(recorded(), feedback(1, at=T0 + 8 * DAY), feedback_removed(at=T0 + 7 * DAY)).facts

    assert f.feedback.removed_at is None and f.negative_feedback() is True


def test_a_feedback_removal_without_a_feedback_does_nothing() -> None:
    assert fold(recorded(), feedback_removed()).facts.feedback is None


def test_a_feedback_before_the_order_takes_the_feedbacks_marketplace_until_the_order_says() -> None:
    early = fold(feedback(1, marketplace_id="A1F83G8C2ARO7P"))
    later = order_facts.apply(early, recorded(marketplace_id="A1F83G8C2ARO7P"))

    assert early.facts.marketplace_id == "A1F83G8C2ARO7P"
    assert later.facts.marketplace_id == "A1F83G8C2ARO7P" and later.facts.negative_feedback() is True


# ---- scans and deliveries ----


def test_a_scan_marks_its_package_with_the_first_scan_time() -> None:
    f = fold(recorded(), shipped(), scanned(at=T0 + 3 * DAY), scanned(tracking="1z999-001", at=T0 + 2 * DAY),
             scanned(at=T0 + 4 * DAY)).facts

    assert [p.scanned_at for p in f.packages] == [T0 + 2 * DAY]


def test_a_scan_seen_before_the_confirmation_marks_the_package_when_it_arrives() -> None:
    f = fold(scanned(at=T0 + DAY), recorded(), shipped(at=T0 + DAY + HOUR)).facts

    assert [p.scanned_at for p in f.packages] == [T0 + DAY]


def test_a_scan_of_another_tracking_number_does_not_mark_the_package() -> None:
    f = fold(recorded(), shipped(), scanned(tracking="1Z999777")).facts

    assert [p.scanned_at for p in f.packages] == [None]


def test_a_corrected_tracking_number_loses_the_old_numbers_scan() -> None:
    before = fold(recorded(), shipped(tracking="1Z999001"), scanned("1Z999001"))
    after = order_facts.apply(before, corrected("1Z999002"))

    assert [p.scanned_at for p in before.facts.packages] == [T0 + 2 * DAY]
    assert [(p.tracking_number, p.carrier_code, p.scanned_at) for p in after.facts.packages] == [
        ("1Z999002", "UPS", None)]
    rescanned = order_facts.apply(after, scanned("1Z999002", at=T0 + 3 * DAY)).facts
    assert [p.scanned_at for p in rescanned.packages] == [T0 + 3 * DAY]


def test_a_delivery_marks_the_package_with_its_tracking_number_and_keeps_the_first() -> None:
    f = fold(recorded(), shipped(1, tracking="1Z999001"), shipped(2, tracking="1Z999002"),
             delivered(T0 + 5 * DAY, "1Z999001"), delivered(T0 + 4 * DAY, "1Z999001")).facts

    assert [(p.number, p.delivered_at) for p in f.packages] == [(1, T0 + 4 * DAY), (2, None)]


def test_a_delivery_naming_no_tracking_number_marks_every_package_without_its_own() -> None:
    f = fold(recorded(), shipped(1, tracking="1Z999001"), shipped(2, tracking="1Z999002"),
             delivered(T0 + 5 * DAY, "1Z999001"), delivered(T0 + 6 * DAY, None)).facts

    assert [(p.number, p.delivered_at) for p in f.packages] == [(1, T0 + 5 * DAY), (2, T0 + 6 * DAY)]


# ---- the fold as a whole ----


def test_applying_the_same_event_twice_leaves_the_same_facts() -> None:
    events = [recorded(), shipped(), scanned(), delivered(), claim_recorded(), feedback(2), feedback_removed(),
              canceled(CanceledBy.SELLER, counts=True)]
    once = fold(*events)

    twice = once
    for event in events:
        twice = order_facts.apply(twice, event)

    assert twice.facts == once.facts


def test_the_fold_takes_every_event_the_health_service_reads() -> None:
    assert set(order_facts.EVENTS) == {
        OrderRecorded, OrderShipped, OrderShipByMissed, OrderCanceled, OrderTrackingCorrected, ClaimRecorded,
        ClaimDecided, ClaimAppealResolved, OrderDelivered, OrderPackageScanned, FeedbackReceived, FeedbackRemoved,
        BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageNoResponseNeeded, BuyerMessageReplyMissed}

