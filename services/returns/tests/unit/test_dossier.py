"""An order's dossier: events folded in once, the facts it gives, the FBA return watch and the case file."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest
from rich.console import Console

from sellerops.contracts.inventory import Bucket
from sellerops.contracts.market import FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderLine, OrderPackageUpdated, OrderRecorded, OrderRefunded, OrderShipped,
    OrderStatus, OrderTrackingCorrected, PackageDetail, PackageItem, RefundLine, RefundReason,
)
from sellerops.contracts.returns import (
    BuyerMessageReceived, CaseFile, ClaimKind, ClaimReason, ClaimRecorded, ClaimStatus, ClaimView,
    CustomerReturnMissing, CustomerReturnReceived, CustomerReturnReported, Disposition, OrderDelivered,
    ReturnItem, ReturnPolicy, ReturnRecorded, ReturnStatus, ReturnView,
)
from sellerops.returns.domain import dossier
from sellerops.returns.plugin import commands

AFN, MFN = FulfillmentChannel.AFN, FulfillmentChannel.MFN
ORDER = "111-0000001-0000001"
T0 = datetime(2026, 11, 2, 15, tzinfo=UTC)  # purchased
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
SHIPPED, DELIVERED, REFUNDED = T0 + DAY, T0 + 3 * DAY, T0 + 10 * DAY


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def envelope(at: datetime) -> dict:
    return {"event_id": uuid.uuid4(), "seller": "acme", "occurred_at": at, "order_id": ORDER}


def recorded(channel: FulfillmentChannel = MFN, latest_delivery: datetime | None = None) -> OrderRecorded:
    window = Window(T0 + 2 * DAY, latest_delivery) if latest_delivery else None
    return OrderRecorded(**envelope(T0), status=OrderStatus.UNSHIPPED, fulfillment_channel=channel,
                         order_type=OrderType.STANDARD, purchased_at=T0, delivery_window=window,
                         lines=[OrderLine(order_item_id="I1", sku="MUG", quantity_ordered=2, item_price=usd("30.00")),
                                OrderLine(order_item_id="I2", sku="CUP", quantity_ordered=1, item_price=usd("10.00"))])


def shipped(channel: FulfillmentChannel = MFN, number: int = 1, late: bool = False) -> OrderShipped:
    package = PackageDetail(carrier_code="UPS", tracking_number=f"1Z{number:03d}", ship_date=SHIPPED.date(),
                            items=[PackageItem("I1", 2), PackageItem("I2", 1)], ship_method="Ground")
    return OrderShipped(**envelope(SHIPPED + number * HOUR), package=package, package_number=number,
                        status=OrderStatus.SHIPPED, fulfillment_channel=channel, confirmed_at=SHIPPED + number * HOUR,
                        late=late)


def delivered(at: datetime = DELIVERED) -> OrderDelivered:
    return OrderDelivered(**envelope(at), carrier_code="UPS", tracking_number="1Z001", proof="signed: J. Doe")


def message(message_id: str = "M1", at: datetime = T0 + 4 * DAY) -> BuyerMessageReceived:
    return BuyerMessageReceived(**envelope(at), message_id=message_id, title="Where is my order?",
                                body="It has not arrived.")


def refunded(refund_id: str = "R1", at: datetime = REFUNDED, **items: str) -> OrderRefunded:
    lines = [RefundLine(item, usd(amount)) for item, amount in (items or {"I1": "30.00"}).items()]
    return OrderRefunded(**envelope(at), refund_id=refund_id, lines=lines,
                         total=usd(str(sum(x.amount.amount for x in lines))), reason=RefundReason.CUSTOMER_RETURN,
                         fully_refunded=False)


def returned(lpn: str = "LPN1", quantity: int = 2, disposition: Disposition = Disposition.SELLABLE,
             at: datetime = REFUNDED + 5 * DAY, sku: str = "MUG") -> CustomerReturnReported:
    return CustomerReturnReported(**envelope(at), return_id=lpn, sku=sku, center_id="SMF3", quantity=quantity,
                                  disposition=disposition, reason="NOT_AS_DESCRIBED")


def claim_recorded(at: datetime = T0 + 6 * DAY) -> ClaimRecorded:
    return ClaimRecorded(**envelope(at), claim_id="C1", kind=ClaimKind.A_TO_Z, reason=ClaimReason.NOT_RECEIVED,
                         amount=usd("40.00"), filed_at=at, response_due_at=at + 72 * HOUR, counts_as_defect=True)


def fold(*events, policy: ReturnPolicy | None = None):
    """The dossier after `events`, and every event it emitted."""
    state, out = None, []
    for event in events:
        state, emitted = dossier.apply(state, event, policy=policy)
        out += emitted
    return state, out


def claim_view(kind: ClaimKind = ClaimKind.A_TO_Z, reason: ClaimReason = ClaimReason.NOT_RECEIVED,
               filed_at: datetime = T0 + 6 * DAY) -> ClaimView:
    return ClaimView(claim_id="C1", seller="acme", kind=kind, order_id=ORDER, reason=reason, amount=usd("40.00"),
                     status=ClaimStatus.AWAITING_RESPONSE, filed_at=filed_at, response_due_at=filed_at + 72 * HOUR,
                     counts_as_defect=True, updated_at=filed_at)


# ---- folding events ----


def test_an_order_event_starts_the_dossier_with_its_lines_channel_and_purchase_date() -> None:
    d, events = fold(recorded(AFN))

    assert events == [] and d.order_seen and d.channel is AFN and d.purchased_at == T0
    assert [(x.order_item_id, x.sku, x.quantity, x.price) for x in d.lines] == [
        ("I1", "MUG", 2, usd("30.00")), ("I2", "CUP", 1, usd("10.00"))]
    assert [e.kind for e in d.timeline] == ["order"]


def test_a_buyer_message_can_start_a_dossier_before_any_order_event() -> None:
    d, _ = fold(message())

    assert d.order_id == ORDER and d.seller == "acme" and d.order_seen is False
    assert [(m.message_id, m.title) for m in d.messages] == [("M1", "Where is my order?")]


def test_every_event_adds_one_timeline_entry_with_its_event_id() -> None:
    events = [recorded(), shipped(), delivered(), message(), claim_recorded(), refunded()]

    d, _ = fold(*events)

    assert [e.kind for e in d.timeline] == ["order", "shipment", "delivery", "buyer_message", "claim", "refund"]
    assert [e.event_id for e in d.timeline] == [str(e.event_id) for e in events]


def test_the_same_event_twice_changes_nothing() -> None:
    event = shipped()
    d, _ = fold(recorded(), event)

    assert dossier.apply(d, event) == (d, [])


def test_a_shipment_records_its_package_and_when_the_order_first_shipped() -> None:
    d, _ = fold(recorded(), shipped(late=True), shipped(number=2))

    assert [(p.number, p.carrier_code, p.tracking_number, p.ship_date, p.late) for p in d.packages] == [
        (1, "UPS", "1Z001", SHIPPED.date(), True), (2, "UPS", "1Z002", SHIPPED.date(), False)]
    assert d.shipped_at == SHIPPED + HOUR
    assert "(late)" in d.timeline[1].summary


def test_a_tracking_correction_and_a_package_update_change_the_package() -> None:
    d, _ = fold(recorded(), shipped(),
                OrderTrackingCorrected(**envelope(SHIPPED + 2 * HOUR), package_number=1, carrier_code="FEDEX",
                                       tracking_number="7777", previous_carrier_code="UPS",
                                       previous_tracking_number="1Z001"),
                OrderPackageUpdated(**envelope(SHIPPED + 3 * HOUR), package_number=1, ship_date=date(2026, 11, 4),
                                    previous_ship_date=SHIPPED.date()))

    [package] = d.packages
    assert (package.carrier_code, package.tracking_number, package.ship_date) == ("FEDEX", "7777", date(2026, 11, 4))
    assert [e.kind for e in d.timeline[-2:]] == ["tracking_corrected", "package_updated"]
    assert "UPS 1Z001 -> FEDEX 7777" in d.timeline[-2].summary


def test_a_delivery_scan_is_kept_with_its_proof() -> None:
    d, _ = fold(recorded(), shipped(), delivered())

    assert d.delivered_at == DELIVERED
    assert (d.delivery.tracking_number, d.delivery.proof) == ("1Z001", "signed: J. Doe")


def test_a_cancellation_is_kept() -> None:
    d, _ = fold(recorded(), OrderCanceled(**envelope(T0 + HOUR), reason="BuyerCanceled", canceled_by=CanceledBy.BUYER,
                                          counts_against_seller=False, previous_status=OrderStatus.UNSHIPPED))

    assert (d.canceled.reason, d.canceled.by, d.canceled.at) == ("BuyerCanceled", CanceledBy.BUYER, T0 + HOUR)


def test_returns_and_claims_of_the_order_are_noted_once() -> None:
    ret = ReturnRecorded(**envelope(T0 + 5 * DAY), return_id="RET1", status=ReturnStatus.PENDING_AUTHORIZATION,
                         in_policy=True, items=[ReturnItem(order_item_id="I1", sku="MUG", quantity=1,
                                                           reason="DEFECTIVE")])
    d, _ = fold(recorded(), ret, claim_recorded(), claim_recorded())

    assert d.return_ids == ["RET1"] and d.claim_ids == ["C1"]


def test_the_facts_give_paid_and_refunded_per_item() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), delivered(), refunded("R1", I1="10.00"),
                refunded("R2", REFUNDED + DAY, I1="5.00", I2="10.00"))

    facts = dossier.facts(d)

    assert facts.paid == {"I1": usd("30.00"), "I2": usd("10.00")}
    assert facts.refunded == {"I1": Decimal("15.00"), "I2": Decimal("10.00")}
    assert facts.skus == {"I1": "MUG", "I2": "CUP"} and facts.quantities == {"I1": 2, "I2": 1}
    assert (facts.channel, facts.purchased_at, facts.shipped_at, facts.delivered_at) == (
        AFN, T0, SHIPPED + HOUR, DELIVERED)


def test_the_same_refund_reported_twice_is_kept_once() -> None:
    d, _ = fold(recorded(), refunded("R1"), refunded("R1"))

    assert [r.refund_id for r in d.refunds] == ["R1"]


def test_a_dossier_survives_a_json_round_trip() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), delivered(), message(), refunded(), returned(quantity=1))

    assert msgspec.json.decode(msgspec.json.encode(d), type=dossier.Dossier) == d


def test_an_event_a_dossier_does_not_take_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        dossier.apply(None, claim_view())


# ---- FBA customer returns ----


@pytest.mark.parametrize(("disposition", "bucket"), [
    (Disposition.SELLABLE, Bucket.FULFILLABLE),
    (Disposition.DEFECTIVE, Bucket.UNFULFILLABLE_DEFECTIVE),
    (Disposition.CUSTOMER_DAMAGED, Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED),
    (Disposition.CARRIER_DAMAGED, Bucket.UNFULFILLABLE_CARRIER_DAMAGED),
    (Disposition.FULFILLER_DAMAGED, Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED),
])
def test_a_reported_customer_return_is_received_into_its_dispositions_bucket(disposition: Disposition,
                                                                              bucket: Bucket) -> None:
    report = returned(disposition=disposition)

    d, [received] = fold(recorded(AFN), report)

    assert isinstance(received, CustomerReturnReceived)
    assert (received.return_id, received.order_id, received.sku, received.center_id, received.quantity) == (
        "LPN1", ORDER, "MUG", "SMF3", 2)
    assert received.disposition is disposition and received.bucket is bucket
    assert received.causation_id == report.event_id and received.occurred_at == report.occurred_at
    assert [(r.return_id, r.disposition) for r in d.customer_returns] == [("LPN1", disposition)]


def test_the_same_lpn_reported_twice_is_received_once() -> None:
    d, events = fold(recorded(AFN), returned(), returned())

    assert len(events) == 1 and len(d.customer_returns) == 1 and len(d.timeline) == 2


def test_a_shipped_afn_order_refunded_without_its_units_back_is_watched() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded())

    assert d.fba_watch_due == REFUNDED + 60 * DAY and d.fba_claim_deadline == REFUNDED + 120 * DAY
    assert dossier.deadlines(d) == [("fba_return_missing", datetime(2027, 1, 11, 15, tzinfo=UTC))]


def test_a_refund_seen_before_the_order_and_its_shipment_is_watched_once_they_arrive() -> None:
    d, _ = fold(refunded(), recorded(AFN), shipped(AFN))

    assert d.fba_watch_due == REFUNDED + 60 * DAY and d.fba_claim_deadline == REFUNDED + 120 * DAY


def test_the_watch_follows_the_sellers_fba_windows() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded(),
                policy=ReturnPolicy(fba_return_wait_days=45, fba_claim_window_days=90))

    assert (d.fba_watch_due, d.fba_claim_deadline) == (REFUNDED + 45 * DAY, REFUNDED + 90 * DAY)


def test_refunded_units_not_back_when_the_wait_ends_are_flagged_missing_once() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded("R1", I1="30.00"), refunded("R2", REFUNDED + DAY, I2="4.00"))
    due = d.fba_watch_due

    d, [missing] = dossier.deadline_passed(d, kind="fba_return_missing", due=due)

    assert isinstance(missing, CustomerReturnMissing)
    assert (missing.order_id, missing.refund_id, missing.refunded_at) == (ORDER, "R1", REFUNDED)
    assert missing.amount == usd("34.00") and missing.skus == ["CUP", "MUG"]
    assert (missing.units_expected, missing.units_returned) == (3, 0)  # 2 refunded in full + 1 in part
    assert missing.claim_deadline == REFUNDED + 120 * DAY and missing.occurred_at == due
    assert d.fba_flagged and dossier.deadlines(d) == [] and d.timeline[-1].kind == "return_missing"
    assert dossier.deadline_passed(d, kind="fba_return_missing", due=due) == (d, [])


def test_units_partly_back_are_still_flagged_with_what_came_back() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded(), returned(quantity=1))

    _, [missing] = dossier.deadline_passed(d, kind="fba_return_missing", due=d.fba_watch_due)

    assert (missing.units_expected, missing.units_returned, missing.skus) == (2, 1, ["MUG"])


def test_units_back_in_time_end_the_watch_and_nothing_is_flagged() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded())
    due = d.fba_watch_due

    d, [received] = fold(recorded(AFN), shipped(AFN), refunded(), returned(quantity=2))

    assert isinstance(received, CustomerReturnReceived)
    assert d.fba_watch_due is None and dossier.deadlines(d) == []
    assert dossier.deadline_passed(d, kind="fba_return_missing", due=due) == (d, [])


def test_a_watch_whose_units_are_back_when_it_fires_ends_quietly() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded())
    d = msgspec.structs.replace(d, customer_returns=fold(returned(quantity=2))[0].customer_returns)

    d, events = dossier.deadline_passed(d, kind="fba_return_missing", due=d.fba_watch_due)

    assert events == [] and d.fba_watch_due is None and not d.fba_flagged


def test_a_partial_refund_counts_one_unit() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), refunded(I1="12.00"))

    assert dossier.units_refunded(d) == 1
    assert fold(recorded(AFN), shipped(AFN), refunded(I1="12.00"), returned(quantity=1))[0].fba_watch_due is None


def test_units_back_before_the_refund_mean_no_watch() -> None:
    d, _ = fold(recorded(AFN), shipped(AFN), returned(quantity=2, at=REFUNDED - DAY), refunded())

    assert d.fba_watch_due is None and dossier.deadlines(d) == []


def test_a_seller_fulfilled_refund_is_not_watched() -> None:
    d, _ = fold(recorded(MFN), shipped(MFN), refunded())

    assert d.fba_watch_due is None


def test_an_afn_order_refunded_before_it_shipped_is_not_watched() -> None:
    d, _ = fold(recorded(AFN), refunded())

    assert d.fba_watch_due is None


# ---- the case file ----


def full_dossier() -> dossier.Dossier:
    return fold(recorded(MFN, latest_delivery=T0 + 5 * DAY), shipped(), delivered(), message(),
                refunded(at=T0 + 7 * DAY), claim_recorded())[0]


def test_the_case_file_gathers_order_shipments_delivery_messages_refunds_and_returns() -> None:
    ret = ReturnView(return_id="RET1", seller="acme", order_id=ORDER, status=ReturnStatus.AUTHORIZED,
                     items=[ReturnItem(order_item_id="I1", sku="MUG", quantity=1, reason="DEFECTIVE")],
                     in_policy=True, requested_at=T0 + 5 * DAY, updated_at=T0 + 5 * DAY)
    now = T0 + 7 * DAY

    case = dossier.case_file(claim_view(), full_dossier(), [ret], now=now)

    assert case.order_known and case.generated_at == now and case.claim.claim_id == "C1"
    assert case.order["purchased_at"] == "2026-11-02T15:00:00Z" and case.order["channel"] == "MFN"
    assert case.order["lines"][0] == {"order_item_id": "I1", "sku": "MUG", "quantity": 2,
                                      "price": {"amount": "30.00", "currency": "USD"}}
    [package] = case.shipments
    assert (package["carrier_code"], package["tracking_number"], package["ship_date"], package["late"]) == (
        "UPS", "1Z001", "2026-11-03", False)
    assert case.delivery["proof"] == "signed: J. Doe" and case.delivery["delivered_at"] == "2026-11-05T15:00:00Z"
    assert [m["body"] for m in case.buyer_messages] == ["It has not arrived."]
    assert [(r["refund_id"], r["total"]["amount"]) for r in case.refunds] == [("R1", "30.00")]
    assert case.returns == [ret]
    assert case.gaps == []


def test_the_case_file_as_a_person_reads_it_shows_the_order_lines_the_shipped_items_and_the_returns(
        monkeypatch) -> None:
    ret = ReturnView(return_id="RET1", seller="acme", order_id=ORDER, status=ReturnStatus.AUTHORIZED,
                     items=[ReturnItem(order_item_id="I1", sku="MUG", quantity=1, reason="DEFECTIVE")],
                     in_policy=True, requested_at=T0 + 5 * DAY, updated_at=T0 + 5 * DAY)
    case = dossier.case_file(claim_view(), full_dossier(), [ret], now=T0 + 7 * DAY)
    out = Console(width=200, record=True, file=io.StringIO())
    monkeypatch.setattr(commands, "console", out)

    commands._show_case_file(case)

    text = out.export_text()
    assert "  2 x MUG (item I1)  30.00 USD" in text
    assert "package 1: UPS 1Z001, shipped 2026-11-03; I1 x2" in text
    assert "  RET1  Authorized  1 x MUG DEFECTIVE" in text


def test_the_case_file_timeline_is_sorted_by_time() -> None:
    d, _ = fold(message(at=T0 + 4 * DAY), recorded(), delivered(), shipped())

    case = dossier.case_file(claim_view(), d, [], now=T0 + 7 * DAY)

    assert [e.kind for e in case.timeline] == ["order", "shipment", "delivery", "buyer_message"]


def test_a_case_file_for_an_order_never_seen_names_what_is_missing() -> None:
    case = dossier.case_file(claim_view(), None, [], now=T0 + 7 * DAY)

    assert case.order_known is False and case.order is None and case.shipments == [] and case.delivery is None
    assert case.gaps == ["no order event seen for this order", "no shipment seen: no carrier or tracking number",
                         "no delivery scan",
                         "no buyer message before the claim (A-to-z asks the buyer to contact the seller first)"]


def test_a_dossier_started_by_a_message_alone_is_not_a_known_order() -> None:
    case = dossier.case_file(claim_view(), fold(message())[0], [], now=T0 + 7 * DAY)

    assert case.order_known is False and "no order event seen for this order" in case.gaps
    assert not any("buyer message" in gap for gap in case.gaps)


def test_a_buyer_message_only_after_the_claim_does_not_count_as_contact_first() -> None:
    d, _ = fold(recorded(), shipped(), delivered(), message(at=T0 + 8 * DAY))

    assert dossier.case_file(claim_view(), d, [], now=T0 + 9 * DAY).gaps == [
        "no buyer message before the claim (A-to-z asks the buyer to contact the seller first)"]


def test_a_chargeback_needs_no_buyer_message_first() -> None:
    d, _ = fold(recorded(), shipped(), delivered())

    assert dossier.case_file(claim_view(ClaimKind.CHARGEBACK), d, [], now=T0 + 9 * DAY).gaps == []


def test_a_not_received_claim_filed_before_the_latest_delivery_date_is_pointed_out() -> None:
    d, _ = fold(recorded(latest_delivery=T0 + 8 * DAY), shipped(), message(at=T0 + 2 * DAY))

    gaps = dossier.case_file(claim_view(filed_at=T0 + 6 * DAY), d, [], now=T0 + 7 * DAY).gaps

    assert gaps == ["no delivery scan", "claim filed before the latest delivery date (2026-11-10T15:00:00+00:00)"]


def test_a_return_not_refunded_claim_without_a_refund_seen_names_it() -> None:
    d, _ = fold(recorded(), shipped(), delivered(), message())

    gaps = dossier.case_file(claim_view(reason=ClaimReason.RETURN_NOT_REFUNDED), d, [], now=T0 + 7 * DAY).gaps

    assert gaps == ["no refund seen for this order"]


def test_a_case_file_reads_the_same_after_a_json_round_trip() -> None:
    case = dossier.case_file(claim_view(), full_dossier(), [], now=T0 + 7 * DAY)

    assert msgspec.json.decode(msgspec.json.encode(case), type=CaseFile) == case
