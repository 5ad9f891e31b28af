"""Inbound shipments: the seller's updates, the center's reports, receiving, the discrepancy case and the ledger."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerops.contracts.inbound import (
    CaseClosed, CaseReimbursed, CaseStatus, ClaimDeadlineApproaching, DiscrepancyCaseOpened, DiscrepancyKind,
    ExpectedUnits, InboundPlanCanceled, InboundPlanConfirmed, InboundReceiptReported, InboundShipmentCreated,
    InboundShipmentStatusChanged, InboundShipmentStatusReported, InboundUnitsReceived, PlacedShipment,
    PlacementOption, ReceiptLine, ReimbursementIssued, ReimbursementUnmatched, ResolveCase, ShipFrom, ShipmentStatus,
    ShipmentUnits, ShipmentView, SplitKind, UpdateShipment,
)
from sellerops.contracts.market import Money
from sellerops.fulfillment.domain import ledger, shipments
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, requested
from sellerops.fulfillment.domain.stock_effects import inbound_moves

St = ShipmentStatus
K = DiscrepancyKind
POLICY = shipments.Policy()
T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
SENT = T0 + timedelta(days=1)
ARRIVED = T0 + timedelta(days=4)  # delivered
DAY = timedelta(days=1)
HOME = ShipFrom(name="Acme", address_line1="1 Main", city="Reno", state_or_region="NV", postal_code="89502")


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def placed(shipment_id: str = "S1", center: str = "SMF3", units=(("MUG", 10), ("CUP", 4))) -> PlacedShipment:
    return PlacedShipment(shipment_id=shipment_id, center_id=center, items=[ShipmentUnits(s, n) for s, n in units],
                          units=sum(n for _, n in units), weight_kg=3.0, distance_km=250.0,
                          transport_cost=usd("20.00"))


def confirmed(*planned: PlacedShipment, event_id: uuid.UUID | None = None) -> InboundPlanConfirmed:
    option = PlacementOption(option_id="OPT-A", strategy="minimal", split=SplitKind.MINIMAL,
                             shipments=list(planned or (placed(),)), placement_fee=usd("3.00"),
                             transport_cost=usd("20.00"), total_cost=usd("23.00"), expires_at=T0 + DAY)
    return InboundPlanConfirmed(event_id=event_id or uuid.uuid4(), seller="acme", occurred_at=T0, plan_id="P1",
                                option=option, ship_from=HOME)


def new(units=(("MUG", 10), ("CUP", 4)), shipment_id: str = "S1") -> shipments.Shipment:
    planned = placed(shipment_id, units=units)
    return shipments.create_shipment(None, confirmed=confirmed(planned), planned=planned)[0]


def update(ship, status: St, carrier: str | None = None, tracking: str | None = None,
           now: datetime = SENT, check=None):
    request = UpdateShipment(shipment_id="S1", status=status, carrier_code=carrier, tracking_number=tracking)
    verb = f"update/{status.value}/{tracking or ''}"
    return shipments.seller_update(ship, request, cause=requested("acme", "S1", verb), now=now, check_carrier=check)


def reported(status: St, at: datetime, pod: str | None = None) -> InboundShipmentStatusReported:
    return InboundShipmentStatusReported(event_id=uuid.uuid4(), seller="acme", occurred_at=at, shipment_id="S1",
                                         status=status, proof_of_delivery=pod)


def report(ship, status: St, at: datetime, pod: str | None = None, policy=POLICY):
    return shipments.status_reported(ship, fact=reported(status, at, pod), policy=policy)


def receipt(receipt_id: str, at: datetime, *lines: tuple) -> InboundReceiptReported:
    """Lines are (sku, received) or (sku, received, damaged)."""
    return InboundReceiptReported(event_id=uuid.uuid4(), seller="acme", occurred_at=at, shipment_id="S1",
                                  receipt_id=receipt_id, lines=[ReceiptLine(sku=x[0], received=x[1],
                                                                            damaged=x[2] if len(x) > 2 else 0)
                                                                for x in lines])


def receive(ship, receipt_id: str, at: datetime, *lines: tuple, policy=POLICY):
    return shipments.receipt_reported(ship, fact=receipt(receipt_id, at, *lines), policy=policy)


def fire(ship, kind: str, due: datetime, policy=POLICY):
    return shipments.deadline_passed(ship, kind=kind, due=due, policy=policy)


def paid(reimbursement_id: str, sku: str, cash: int = 0, inventory: int = 0, amount: str | None = None,
         at: datetime = ARRIVED + 30 * DAY) -> ReimbursementIssued:
    return ReimbursementIssued(event_id=uuid.uuid4(), seller="acme", occurred_at=at, reimbursement_id=reimbursement_id,
                               sku=sku, quantity_cash=cash, quantity_inventory=inventory,
                               amount=usd(amount) if amount else None)


def pay(ship, reimbursement_id: str, sku: str, cash: int = 0, inventory: int = 0, amount: str | None = None):
    return shipments.reimbursed(ship, fact=paid(reimbursement_id, sku, cash, inventory, amount))


def resolve(ship, reason: str = "found at the dock", now: datetime = ARRIVED + 20 * DAY):
    return shipments.resolve_case(ship, ResolveCase(shipment_id="S1", reason=reason),
                                  cause=requested("acme", "S1", "resolve"), now=now)


def sent(units=(("MUG", 10), ("CUP", 4))) -> shipments.Shipment:
    return update(new(units), St.SHIPPED, "UPS", "1Z999")[0]


def delivered(units=(("MUG", 10), ("CUP", 4)), pod: str | None = "POD-77") -> shipments.Shipment:
    return report(sent(units), St.DELIVERED, ARRIVED, pod)[0]


def closed_short(policy=POLICY) -> shipments.Shipment:
    """MUG: 10 shipped, 6 received and 1 damaged (3 short); CUP: 4 of 4."""
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6, 1), ("CUP", 4), policy=policy)
    return report(ship, St.CLOSED, ARRIVED + 2 * DAY, policy=policy)[0]


def kinds(events: list) -> list[type]:
    return [type(e) for e in events]


def lines(case) -> list[tuple]:
    return [(x.sku, x.kind, x.units, x.expected, x.received, x.damaged) for x in case.lines]


def statuses(events: list) -> list[tuple[St, St]]:
    return [(e.previous, e.status) for e in events if isinstance(e, InboundShipmentStatusChanged)]


def notes(ship) -> list[str]:
    return [h.summary for h in ship.history if h.type == "note"]


# ---- creating ----


def test_a_shipment_created_from_a_confirmed_plan_is_working_with_its_units_expected():
    planned = placed("S1", "SMF3", (("MUG", 10), ("CUP", 4)))
    event = confirmed(planned)

    ship, events = shipments.create_shipment(None, confirmed=event, planned=planned)

    assert (ship.shipment_id, ship.seller, ship.plan_id, ship.center_id, ship.status) == (
        "S1", "acme", "P1", "SMF3", St.WORKING)
    assert ship.items == [ExpectedUnits(sku="MUG", expected=10), ExpectedUnits(sku="CUP", expected=4)]
    assert (ship.ship_from, ship.created_at, ship.updated_at) == (HOME, T0, T0)
    [created] = events
    assert isinstance(created, InboundShipmentCreated)
    assert (created.shipment_id, created.plan_id, created.center_id, created.confirmation_id, created.items,
            created.ship_from, created.occurred_at) == ("S1", "P1", "SMF3", ship.confirmation_id, ship.items, HOME, T0)
    assert created.correlation_id == event.correlation


def test_the_confirmation_id_is_fba_and_nine_characters_stable_for_the_seller_and_shipment():
    code = shipments.confirmation_id("acme", "S1")

    assert re.fullmatch(r"FBA[0-9A-Z]{9}", code)
    assert new().confirmation_id == code == shipments.confirmation_id("acme", "S1")
    assert len({code, shipments.confirmation_id("acme", "S2"), shipments.confirmation_id("zeta", "S1")}) == 3


def test_the_shipments_of_one_confirmation_get_distinct_event_ids_that_a_retry_repeats():
    one, two = placed("S1", "SMF3"), placed("S2", "ONT8", (("MUG", 5),))
    event = confirmed(one, two)

    first = [shipments.create_shipment(None, confirmed=event, planned=p)[1][0] for p in (one, two)]
    again = [shipments.create_shipment(None, confirmed=event, planned=p)[1][0] for p in (one, two)]

    assert first[0].event_id != first[1].event_id
    assert [e.event_id for e in first] == [e.event_id for e in again]


def test_creating_a_shipment_that_exists_changes_nothing():
    ship = new()

    assert shipments.create_shipment(ship, confirmed=confirmed(), planned=placed()) == (ship, [])


# ---- the seller's updates ----


def test_labels_printed_moves_a_working_shipment_to_ready_to_ship():
    ship, events = update(new(), St.READY_TO_SHIP, now=T0 + timedelta(hours=3))

    assert ship.status is St.READY_TO_SHIP and ship.updated_at == T0 + timedelta(hours=3)
    assert statuses(events) == [(St.WORKING, St.READY_TO_SHIP)]
    assert events[0].items == ship.items and ship.shipped_at is None


def test_ready_to_ship_again_changes_nothing_and_after_shipping_is_refused():
    ready, _ = update(new(), St.READY_TO_SHIP)

    assert update(ready, St.READY_TO_SHIP) == (ready, [])
    with pytest.raises(Refused) as excinfo:
        update(sent(), St.READY_TO_SHIP)
    assert excinfo.value.field == "$.status"


@pytest.mark.parametrize("start", [St.WORKING, St.READY_TO_SHIP])
def test_shipping_records_carrier_tracking_and_when_it_was_sent(start: St):
    ship = new() if start is St.WORKING else update(new(), St.READY_TO_SHIP)[0]

    after, events = update(ship, St.SHIPPED, "UPS", "1Z999", now=SENT)

    assert (after.status, after.carrier_code, after.tracking_number, after.shipped_at) == (
        St.SHIPPED, "UPS", "1Z999", SENT)
    [changed] = events
    assert (changed.previous, changed.status, changed.carrier_code, changed.tracking_number, changed.items) == (
        start, St.SHIPPED, "UPS", "1Z999", ship.items)
    assert after.history[-1].summary == "status=SHIPPED tracking=1Z999"


def test_shipping_without_a_carrier_is_refused_naming_the_carrier_code():
    with pytest.raises(Refused) as excinfo:
        update(new(), St.SHIPPED, None, "1Z999")

    assert excinfo.value.field == "$.carrier_code"


def test_shipping_without_a_tracking_number_is_refused_naming_the_tracking_number():
    with pytest.raises(Refused) as excinfo:
        update(new(), St.SHIPPED, "UPS", None)

    assert excinfo.value.field == "$.tracking_number"


@pytest.mark.parametrize(("field", "path"), [("tracking_number", "$.tracking_number"),
                                             ("carrier_code", "$.carrier_code"),
                                             ("carrier_name", "$.carrier_code")])
def test_a_carrier_check_refusal_names_the_field_it_blames(field: str, path: str):
    def check(code: str, tracking: str, name: str | None) -> tuple[str, str]:
        return field, f"{code} does not issue {tracking}"

    with pytest.raises(Refused) as excinfo:
        update(new(), St.SHIPPED, "UPS", "BAD", check=check)

    assert (excinfo.value.field, str(excinfo.value)) == (path, "UPS does not issue BAD")


def test_a_carrier_check_that_passes_is_asked_with_the_carrier_and_tracking():
    asked = []

    def check(code: str, tracking: str, name: str | None) -> None:
        asked.append((code, tracking, name))

    after, _ = update(new(), St.SHIPPED, "UPS", "1Z999", check=check)

    assert asked == [("UPS", "1Z999", None)] and after.status is St.SHIPPED


def test_shipped_again_with_the_same_tracking_changes_nothing():
    ship = sent()

    assert update(ship, St.SHIPPED, "UPS", "1Z999", now=SENT + DAY) == (ship, [])


@pytest.mark.parametrize("status", [St.SHIPPED, St.IN_TRANSIT])
def test_shipped_again_with_other_tracking_is_a_correction_that_moves_no_stock(status: St):
    ship = sent() if status is St.SHIPPED else report(sent(), St.IN_TRANSIT, SENT + DAY)[0]

    after, events = update(ship, St.SHIPPED, "FEDEX", "7777", now=SENT + 2 * DAY)

    assert (after.status, after.carrier_code, after.tracking_number, after.shipped_at) == (
        status, "FEDEX", "7777", SENT)
    [corrected] = events
    assert (corrected.previous, corrected.status, corrected.carrier_code, corrected.tracking_number) == (
        status, status, "FEDEX", "7777")
    assert inbound_moves(events) == []
    assert after.history[-1].summary == f"status={status.value} tracking=7777"


@pytest.mark.parametrize("status", [St.DELIVERED, St.CANCELLED])
def test_shipping_a_shipment_delivered_or_cancelled_is_refused(status: St):
    ship = report(sent(), status, ARRIVED)[0]

    with pytest.raises(Refused) as excinfo:
        update(ship, St.SHIPPED, "UPS", "1Z000")

    assert excinfo.value.field == "$.status" and status.value in str(excinfo.value)


@pytest.mark.parametrize("status", [St.SHIPPED, St.IN_TRANSIT])
def test_a_shipment_sent_and_not_yet_delivered_is_cancelled(status: St):
    ship = sent() if status is St.SHIPPED else report(sent(), St.IN_TRANSIT, SENT + DAY)[0]

    after, events = update(ship, St.CANCELLED, now=SENT + 2 * DAY)

    assert after.status is St.CANCELLED and statuses(events) == [(status, St.CANCELLED)]
    assert events[0].items == ship.items
    assert update(after, St.CANCELLED) == (after, [])


@pytest.mark.parametrize("start", ["working", "delivered"])
def test_cancelling_a_shipment_not_sent_or_already_delivered_is_refused(start: str):
    ship = new() if start == "working" else delivered()

    with pytest.raises(Refused) as excinfo:
        update(ship, St.CANCELLED)

    assert excinfo.value.field == "$.status" and "only a shipment sent" in str(excinfo.value)


@pytest.mark.parametrize("start", [St.WORKING, St.READY_TO_SHIP])
def test_a_shipment_not_yet_sent_is_deleted_and_deleting_again_changes_nothing(start: St):
    ship = new() if start is St.WORKING else update(new(), St.READY_TO_SHIP)[0]

    after, events = update(ship, St.DELETED)

    assert after.status is St.DELETED and statuses(events) == [(start, St.DELETED)]
    assert update(after, St.DELETED) == (after, [])


def test_deleting_a_shipment_already_sent_is_refused():
    with pytest.raises(Refused) as excinfo:
        update(sent(), St.DELETED)

    assert excinfo.value.field == "$.status" and "CANCELLED after" in str(excinfo.value)


@pytest.mark.parametrize("status", [St.WORKING, St.IN_TRANSIT, St.DELIVERED, St.CHECKED_IN, St.RECEIVING, St.CLOSED])
def test_statuses_the_carrier_or_the_center_report_are_refused_to_the_seller(status: St):
    with pytest.raises(Refused) as excinfo:
        update(sent(), status)

    assert excinfo.value.field == "$.status" and status.value in str(excinfo.value)


def test_updating_an_unknown_shipment_is_not_found():
    with pytest.raises(NotFound):
        update(None, St.READY_TO_SHIP)


# ---- the carrier's and the center's reports ----


def test_a_report_about_an_unknown_shipment_is_left_alone():
    assert report(None, St.DELIVERED, ARRIVED) == (None, [])


def test_a_report_may_skip_ahead_and_counts_the_skipped_statuses_as_passed():
    ship, events = report(new(), St.DELIVERED, ARRIVED, pod="POD-1")

    assert (ship.status, ship.shipped_at, ship.delivered_at, ship.proof_of_delivery) == (
        St.DELIVERED, ARRIVED, ARRIVED, "POD-1")
    [changed] = events
    assert (changed.previous, changed.status, changed.proof_of_delivery) == (St.WORKING, St.DELIVERED, "POD-1")


def test_later_statuses_keep_the_time_the_shipment_was_first_seen_sent():
    ship, _ = report(sent(), St.IN_TRANSIT, SENT + DAY)
    ship, _ = report(ship, St.DELIVERED, ARRIVED)

    assert (ship.shipped_at, ship.delivered_at, ship.closed_at) == (SENT, ARRIVED, None)


def test_a_late_report_of_an_earlier_status_is_noted_and_ignored():
    ship = delivered()
    later = ARRIVED + timedelta(hours=2)

    after, events = report(ship, St.IN_TRANSIT, later)

    assert events == [] and after.status is St.DELIVERED
    assert notes(after) == ["IN_TRANSIT reported while DELIVERED: ignored"]
    assert after.updated_at == later and after.history[:-1] == ship.history


def test_the_same_status_reported_again_changes_nothing():
    ship = delivered()

    assert report(ship, St.DELIVERED, ARRIVED + DAY, pod="POD-77") == (ship, [])


def test_a_new_proof_of_delivery_on_a_repeated_status_is_recorded_without_an_event():
    after, events = report(delivered(pod=None), St.DELIVERED, ARRIVED + DAY, pod="BOL-9")

    assert events == [] and after.proof_of_delivery == "BOL-9"
    assert notes(after) == ["proof of delivery BOL-9 recorded"]


def test_a_report_without_a_proof_of_delivery_keeps_the_one_recorded():
    ship, _ = report(delivered(pod="POD-77"), St.CHECKED_IN, ARRIVED + DAY)

    assert ship.proof_of_delivery == "POD-77"


def test_the_carrier_cancels_a_shipment_still_on_the_way_but_not_one_delivered():
    cancelled, events = report(sent(), St.CANCELLED, SENT + DAY)
    kept, ignored = report(delivered(), St.CANCELLED, ARRIVED + DAY)

    assert cancelled.status is St.CANCELLED and statuses(events) == [(St.SHIPPED, St.CANCELLED)]
    assert kept.status is St.DELIVERED and ignored == []
    assert notes(kept) == ["CANCELLED reported while DELIVERED: ignored"]


def test_a_deleted_report_applies_only_before_the_shipment_is_sent():
    deleted, events = report(new(), St.DELETED, T0 + DAY)
    kept, ignored = report(sent(), St.DELETED, SENT + DAY)

    assert deleted.status is St.DELETED and statuses(events) == [(St.WORKING, St.DELETED)]
    assert kept.status is St.SHIPPED and ignored == []


def test_reports_about_a_cancelled_shipment_are_ignored():
    cancelled, _ = update(sent(), St.CANCELLED)

    after, events = report(cancelled, St.DELIVERED, ARRIVED)

    assert events == [] and after.status is St.CANCELLED
    assert notes(after) == ["DELIVERED reported while CANCELLED: ignored"]


def test_closing_with_everything_located_opens_no_case():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 10), ("CUP", 4))

    after, events = report(ship, St.CLOSED, ARRIVED + 2 * DAY)

    assert (after.status, after.closed_at, after.case) == (St.CLOSED, ARRIVED + 2 * DAY, None)
    assert kinds(events) == [InboundShipmentStatusChanged]
    assert shipments.deadlines(after, policy=POLICY) == []


def test_closing_short_opens_a_case_with_what_a_claim_needs():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6, 1), ("CUP", 4), ("PEN", 2))
    closing = ARRIVED + 2 * DAY

    after, events = report(ship, St.CLOSED, closing)

    assert kinds(events) == [InboundShipmentStatusChanged, DiscrepancyCaseOpened]
    case = after.case
    assert events[1].case == case
    assert lines(case) == [("MUG", K.SHORTAGE, 3, 10, 6, 1), ("MUG", K.DAMAGED, 1, 10, 6, 1),
                           ("PEN", K.OVERAGE, 2, 0, 2, 0)]
    assert (case.case_id, case.shipment_id, case.plan_id, case.center_id, case.confirmation_id, case.status) == (
        "S1.case", "S1", "P1", "SMF3", after.confirmation_id, CaseStatus.OPEN)
    assert (case.shipped_at, case.delivered_at, case.closed_at, case.opened_at) == (SENT, ARRIVED, closing, closing)
    assert (case.claim_opens_at, case.claim_deadline) == (ARRIVED + 15 * DAY, ARRIVED + 60 * DAY)
    assert (case.carrier_code, case.tracking_number, case.proof_of_delivery) == ("UPS", "1Z999", "POD-77")
    assert shipments.unreimbursed(case) == 4


def test_a_shipment_closed_without_any_receipt_is_short_by_everything():
    after, events = report(delivered(), St.CLOSED, ARRIVED + DAY)

    assert lines(after.case) == [("MUG", K.SHORTAGE, 10, 10, 0, 0), ("CUP", K.SHORTAGE, 4, 4, 0, 0)]
    assert kinds(events) == [InboundShipmentStatusChanged, DiscrepancyCaseOpened]


def test_a_shipment_closed_straight_from_shipped_counts_the_close_as_its_delivery():
    closing = SENT + 3 * DAY

    after, _ = report(sent(), St.CLOSED, closing)

    assert (after.delivered_at, after.closed_at) == (closing, closing)
    assert after.case.claim_deadline == closing + 60 * DAY


def test_an_overage_alone_opens_a_case_and_closes_it_resolved():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 12), ("CUP", 4))

    after, events = report(ship, St.CLOSED, ARRIVED + 2 * DAY)

    assert kinds(events) == [InboundShipmentStatusChanged, DiscrepancyCaseOpened, CaseClosed]
    opened, closed = events[1:]
    assert opened.case.status is CaseStatus.OPEN and lines(opened.case) == [("MUG", K.OVERAGE, 2, 10, 12, 0)]
    assert closed.case.status is CaseStatus.RESOLVED and "overage only" in closed.reason
    assert after.case == closed.case and shipments.deadlines(after, policy=POLICY) == []


def test_damaged_units_are_not_claimed_when_the_policy_says_so():
    policy = shipments.Policy(damaged_claimable=False)

    after = closed_short(policy)

    assert lines(after.case) == [("MUG", K.SHORTAGE, 3, 10, 6, 1)]
    assert shipments.unreimbursed(after.case) == 3


def test_the_case_and_deadlines_follow_a_custom_policy():
    policy = shipments.Policy(claim_opens_after=5 * DAY, claim_window=20 * DAY, reminders_before=(2 * DAY,))

    after = closed_short(policy)

    assert (after.case.claim_opens_at, after.case.claim_deadline) == (ARRIVED + 5 * DAY, ARRIVED + 20 * DAY)
    assert shipments.deadlines(after, policy=policy) == [("remind_2d", ARRIVED + 18 * DAY),
                                                         ("claim_expiry", ARRIVED + 20 * DAY)]


# ---- receipts ----


def test_a_receipt_about_an_unknown_shipment_is_left_alone():
    assert receive(None, "R1", ARRIVED, ("MUG", 1)) == (None, [])


def test_the_first_receipt_moves_the_shipment_to_receiving_before_its_units_are_counted():
    ship = delivered()
    at = ARRIVED + DAY

    after, events = receive(ship, "R1", at, ("MUG", 6, 1))

    assert kinds(events) == [InboundShipmentStatusChanged, InboundUnitsReceived]
    changed, counted = events
    assert (changed.previous, changed.status) == (St.DELIVERED, St.RECEIVING)
    assert changed.items == ship.items  # the units still expected, before this receipt
    assert (counted.receipt_id, counted.center_id, counted.after_close) == ("R1", "SMF3", False)
    assert counted.lines == [ReceiptLine(sku="MUG", received=6, damaged=1)]
    assert counted.totals == after.items == [ExpectedUnits(sku="MUG", expected=10, received=6, damaged=1),
                                             ExpectedUnits(sku="CUP", expected=4)]
    assert (after.status, after.receipts, after.updated_at) == (St.RECEIVING, ["R1"], at)
    assert after.history[-1].summary == "receipt=R1 MUG+6/1d"


def test_later_receipts_add_to_the_running_totals_without_another_status_change():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))

    after, events = receive(ship, "R2", ARRIVED + 2 * DAY, ("MUG", 2), ("CUP", 4, 0))

    assert kinds(events) == [InboundUnitsReceived]
    assert after.items == [ExpectedUnits(sku="MUG", expected=10, received=8), ExpectedUnits(sku="CUP", expected=4,
                                                                                          received=4)]
    assert after.receipts == ["R1", "R2"]


def test_the_same_receipt_again_changes_nothing():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))

    assert receive(ship, "R1", ARRIVED + 2 * DAY, ("MUG", 6)) == (ship, [])


def test_a_sku_the_shipment_never_listed_is_counted_as_an_overage_expecting_none():
    after, _ = receive(delivered(), "R1", ARRIVED + DAY, ("PEN", 2))

    assert after.items[-1] == ExpectedUnits(sku="PEN", expected=0, received=2)


def test_a_receipt_before_any_delivery_report_counts_the_shipment_as_sent_and_delivered():
    at = SENT + DAY

    after, events = receive(sent(), "R1", at, ("MUG", 1))

    assert statuses(events) == [(St.SHIPPED, St.RECEIVING)]
    assert (after.shipped_at, after.delivered_at) == (SENT, at)


def test_a_receipt_after_closing_counts_as_found_stock_and_shrinks_the_open_case():
    ship = closed_short()

    after, events = receive(ship, "R9", ARRIVED + 10 * DAY, ("MUG", 2))

    assert kinds(events) == [InboundUnitsReceived]
    assert events[0].after_close is True and after.status is St.CLOSED
    assert lines(after.case) == [("MUG", K.SHORTAGE, 1, 10, 8, 1), ("MUG", K.DAMAGED, 1, 10, 8, 1)]
    assert after.case.status is CaseStatus.OPEN
    assert notes(after)[-1] == "case recounted: 2 units claimable"


def test_a_late_receipt_that_locates_every_claimed_unit_closes_the_case_resolved():
    ship = closed_short(shipments.Policy(damaged_claimable=False))

    after, events = receive(ship, "R9", ARRIVED + 10 * DAY, ("MUG", 3), policy=shipments.Policy(
        damaged_claimable=False))

    assert kinds(events) == [InboundUnitsReceived, CaseClosed]
    assert events[1].case.status is CaseStatus.RESOLVED and "located" in events[1].reason
    assert after.case.status is CaseStatus.RESOLVED and after.case.lines == []
    assert shipments.deadlines(after, policy=POLICY) == []


def test_a_late_receipt_for_a_shipment_closed_without_a_case_is_found_stock_only():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 10), ("CUP", 4))
    ship, _ = report(ship, St.CLOSED, ARRIVED + 2 * DAY)

    after, events = receive(ship, "R2", ARRIVED + 3 * DAY, ("MUG", 1))

    assert kinds(events) == [InboundUnitsReceived] and events[0].after_close
    assert after.case is None


def test_a_receipt_after_the_shipment_was_cancelled_counts_as_found_stock():
    cancelled, _ = update(sent(), St.CANCELLED)

    after, events = receive(cancelled, "R1", ARRIVED, ("MUG", 3))

    assert kinds(events) == [InboundUnitsReceived] and events[0].after_close is True
    assert after.status is St.CANCELLED


def test_one_receipt_naming_a_sku_twice_counts_both_lines_as_one():
    after, events = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 4), ("MUG", 3, 1))

    assert after.items[0] == ExpectedUnits(sku="MUG", expected=10, received=7, damaged=1)
    assert events[-1].lines == [ReceiptLine(sku="MUG", received=7, damaged=1)]


# ---- deadlines ----


def test_a_shipment_not_yet_delivered_has_no_deadline():
    assert shipments.deadlines(new(), policy=POLICY) == []
    assert shipments.deadlines(sent(), policy=POLICY) == []


def test_receiving_must_end_within_the_reconciliation_window_after_delivery():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))

    assert shipments.deadlines(delivered(), policy=POLICY) == [("reconcile", ARRIVED + 30 * DAY)]
    assert shipments.deadlines(ship, policy=POLICY) == [("reconcile", ARRIVED + 30 * DAY)]


def test_the_reconciliation_window_passing_opens_the_case_without_closing_the_shipment():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))
    due = ARRIVED + 30 * DAY

    after, events = fire(ship, "reconcile", due)

    assert kinds(events) == [DiscrepancyCaseOpened]
    assert (after.status, after.closed_at) == (St.RECEIVING, None)
    case = after.case
    assert lines(case) == [("MUG", K.SHORTAGE, 4, 10, 6, 0), ("CUP", K.SHORTAGE, 4, 4, 0, 0)]
    assert (case.opened_at, case.closed_at, case.claim_deadline) == (due, None, ARRIVED + 60 * DAY)
    assert "reconciliation window passed with receiving open" in notes(after)
    assert shipments.deadlines(after, policy=POLICY) == [
        ("remind_14d", ARRIVED + 46 * DAY), ("remind_3d", ARRIVED + 57 * DAY), ("claim_expiry", ARRIVED + 60 * DAY)]


def test_a_receipt_after_the_window_opened_the_case_recounts_it():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))
    ship, _ = fire(ship, "reconcile", ARRIVED + 30 * DAY)

    after, events = receive(ship, "R2", ARRIVED + 31 * DAY, ("MUG", 4), ("CUP", 4))

    assert kinds(events) == [InboundUnitsReceived, CaseClosed]
    assert events[0].after_close is False
    assert after.case.status is CaseStatus.RESOLVED and after.status is St.RECEIVING


def test_closing_after_the_window_opened_the_case_recounts_it_rather_than_opening_another():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))
    ship, _ = fire(ship, "reconcile", ARRIVED + 30 * DAY)
    closing = ARRIVED + 32 * DAY

    after, events = report(ship, St.CLOSED, closing)

    assert kinds(events) == [InboundShipmentStatusChanged]
    assert after.case.opened_at == ARRIVED + 30 * DAY and after.case.closed_at == closing
    assert lines(after.case) == lines(ship.case)


def test_the_reconciliation_window_passing_with_nothing_to_claim_fires_once_in_effect():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 10), ("CUP", 4))
    due = ARRIVED + 30 * DAY

    after, events = fire(ship, "reconcile", due)

    assert events == [] and after.case is None
    assert notes(after) == ["reconciliation window passed with receiving open"]
    assert shipments.deadlines(after, policy=POLICY) == []
    assert fire(after, "reconcile", due) == (after, [])


def test_a_closed_shipment_has_no_reconciliation_window():
    after = closed_short()

    assert "reconcile" not in dict(shipments.deadlines(after, policy=POLICY))


def test_reminders_fire_before_the_claim_deadline_once_each():
    ship = closed_short()
    deadline = ARRIVED + 60 * DAY

    ship, first = fire(ship, "remind_14d", deadline - 14 * DAY)
    ship, second = fire(ship, "remind_3d", deadline - 3 * DAY)

    assert kinds(first) == kinds(second) == [ClaimDeadlineApproaching]
    assert [(e.case_id, e.claim_deadline, e.days_left, e.unreimbursed_units) for e in first + second] == [
        ("S1.case", deadline, 14.0, 4), ("S1.case", deadline, 3.0, 4)]
    assert ship.reminded == ["remind_14d", "remind_3d"]
    assert fire(ship, "remind_14d", deadline - 14 * DAY) == (ship, [])
    assert shipments.deadlines(ship, policy=POLICY) == [("claim_expiry", deadline)]


def test_a_case_opened_late_gets_only_the_reminders_still_ahead_of_it():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6))

    after, _ = report(ship, St.CLOSED, ARRIVED + 50 * DAY)

    assert [kind for kind, _ in shipments.deadlines(after, policy=POLICY)] == ["remind_3d", "claim_expiry"]


def test_the_claim_deadline_passing_expires_a_case_still_owed_units():
    ship = closed_short()
    deadline = ARRIVED + 60 * DAY

    after, events = fire(ship, "claim_expiry", deadline)

    [closed] = events
    assert isinstance(closed, CaseClosed) and closed.case.status is CaseStatus.EXPIRED
    assert "4 units unreimbursed" in closed.reason
    assert after.case.status is CaseStatus.EXPIRED and shipments.deadlines(after, policy=POLICY) == []
    assert after.updated_at == deadline


@pytest.mark.parametrize(("kind", "due"), [("claim_expiry", ARRIVED + 61 * DAY), ("remind_7d", ARRIVED + 53 * DAY),
                                           ("reconcile", ARRIVED + 30 * DAY)])
def test_a_deadline_no_longer_in_the_state_changes_nothing(kind: str, due: datetime):
    ship = closed_short()

    assert fire(ship, kind, due) == (ship, [])


def test_a_deadline_for_an_unknown_shipment_changes_nothing():
    assert fire(None, "reconcile", ARRIVED) == (None, [])


def test_deadline_events_get_the_same_ids_when_fired_again_from_the_same_state():
    ship = closed_short()

    _, first = fire(ship, "remind_14d", ARRIVED + 46 * DAY)
    _, again = fire(ship, "remind_14d", ARRIVED + 46 * DAY)

    assert [e.event_id for e in first] == [e.event_id for e in again]


def test_no_reminders_or_expiry_once_the_case_is_fully_reimbursed():
    ship, _ = pay(closed_short(), "RB1", "MUG", cash=4, amount="40.00")

    assert ship.case.status is CaseStatus.REIMBURSED
    assert shipments.deadlines(ship, policy=POLICY) == []
    assert fire(ship, "remind_14d", ARRIVED + 46 * DAY) == (ship, [])


# ---- reimbursements ----


def test_a_reimbursement_covers_the_shortage_of_its_sku_first_then_the_damaged_units():
    ship = closed_short()

    after, events = pay(ship, "RB1", "MUG", cash=2, inventory=1, amount="30.00")

    [event] = events
    assert isinstance(event, CaseReimbursed)
    assert (event.reimbursement_id, event.sku, event.units, event.amount) == ("RB1", "MUG", 3, usd("30.00"))
    assert [(x.kind, x.reimbursed_units, x.reimbursed_amount) for x in after.case.lines] == [
        (K.SHORTAGE, 3, usd("30.00")), (K.DAMAGED, 0, None)]
    assert after.case.status is CaseStatus.OPEN and shipments.unreimbursed(after.case) == 1
    assert event.case == after.case and after.reimbursements == ["RB1"]


def test_a_partial_reimbursement_leaves_the_case_open_and_the_rest_closes_it_reimbursed():
    ship, _ = pay(closed_short(), "RB1", "MUG", cash=2, amount="20.00")
    assert ship.case.status is CaseStatus.OPEN

    after, events = pay(ship, "RB2", "MUG", cash=2, amount="20.00")

    assert [(x.kind, x.reimbursed_units) for x in after.case.lines] == [(K.SHORTAGE, 3), (K.DAMAGED, 1)]
    assert after.case.status is CaseStatus.REIMBURSED and events[0].case.status is CaseStatus.REIMBURSED


def test_the_amounts_of_reimbursements_of_one_line_are_summed_as_decimal_money():
    ship, _ = pay(closed_short(), "RB1", "MUG", cash=1, amount="10.10")
    ship, _ = pay(ship, "RB2", "MUG", cash=1, amount="0.20")

    total = ship.case.lines[0].reimbursed_amount
    assert total == Money(Decimal("10.30"), "USD") and isinstance(total.amount, Decimal)


def test_the_amount_of_a_reimbursement_spanning_two_lines_is_booked_once():
    after, _ = pay(closed_short(), "RB1", "MUG", cash=4, amount="40.00")

    assert [x.reimbursed_amount for x in after.case.lines] == [usd("40.00"), None]


def test_the_same_reimbursement_again_changes_nothing():
    ship, _ = pay(closed_short(), "RB1", "MUG", cash=1, amount="10.00")

    assert pay(ship, "RB1", "MUG", cash=1, amount="10.00") == (ship, [])


def test_a_reimbursement_for_a_sku_the_case_does_not_claim_is_published_unmatched():
    ship = closed_short()

    after, events = pay(ship, "RB1", "CUP", cash=2, amount="8.00")

    [event] = events
    assert isinstance(event, ReimbursementUnmatched)
    assert (event.reimbursement_id, event.sku, event.units, event.amount) == ("RB1", "CUP", 2, usd("8.00"))
    assert "claims nothing for SKU CUP" in event.reason
    assert after.case == ship.case and after.reimbursements == []


def test_a_reimbursement_for_a_sku_only_over_received_is_unmatched():
    ship, _ = receive(delivered(), "R1", ARRIVED + DAY, ("MUG", 6), ("CUP", 5))
    ship, _ = report(ship, St.CLOSED, ARRIVED + 2 * DAY)

    _, events = pay(ship, "RB1", "CUP", cash=1)

    assert kinds(events) == [ReimbursementUnmatched]


def test_a_reimbursement_for_a_shipment_without_a_case_is_published_unmatched():
    ship = delivered()

    after, events = pay(ship, "RB1", "MUG", cash=1)

    assert after == ship and kinds(events) == [ReimbursementUnmatched]
    assert "no discrepancy case" in events[0].reason


def test_a_reimbursement_for_an_unknown_shipment_is_left_alone():
    assert pay(None, "RB1", "MUG", cash=1) == (None, [])


def test_units_reimbursed_beyond_the_claim_are_booked_on_the_last_line():
    after, _ = pay(closed_short(), "RB1", "MUG", cash=9)

    assert [x.reimbursed_units for x in after.case.lines if x.sku == "MUG"] == [3, 6]
    assert after.case.status is CaseStatus.REIMBURSED


# ---- the seller resolves ----


def test_the_seller_resolves_an_open_case_and_resolving_again_changes_nothing():
    when = ARRIVED + 20 * DAY

    after, events = resolve(closed_short(), "found at the dock", now=when)

    [closed] = events
    assert isinstance(closed, CaseClosed) and closed.reason == "found at the dock"
    assert after.case.status is CaseStatus.RESOLVED and after.updated_at == when
    assert shipments.deadlines(after, policy=POLICY) == []
    assert resolve(after) == (after, [])


def test_resolving_a_shipment_without_a_case_is_refused():
    with pytest.raises(Refused) as excinfo:
        resolve(delivered())

    assert excinfo.value.field == "$.shipment_id"


def test_resolving_a_case_already_reimbursed_or_expired_is_refused():
    reimbursed, _ = pay(closed_short(), "RB1", "MUG", cash=4)
    expired, _ = fire(closed_short(), "claim_expiry", ARRIVED + 60 * DAY)

    for ship, status in ((reimbursed, "REIMBURSED"), (expired, "EXPIRED")):
        with pytest.raises(Refused) as excinfo:
            resolve(ship)
        assert excinfo.value.field == "$.shipment_id" and status in str(excinfo.value)


def test_resolving_a_case_of_an_unknown_shipment_is_not_found():
    with pytest.raises(NotFound):
        resolve(None)


# ---- the plan was cancelled ----


def canceled(event_id: uuid.UUID | None = None) -> InboundPlanCanceled:
    return InboundPlanCanceled(event_id=event_id or uuid.uuid4(), seller="acme", occurred_at=SENT + DAY,
                               plan_id="P1", reason="changed my mind", shipment_ids=["S1", "S2"])


@pytest.mark.parametrize("start", [St.WORKING, St.READY_TO_SHIP])
def test_a_canceled_plan_deletes_its_shipment_not_yet_sent(start: St):
    ship = new() if start is St.WORKING else update(new(), St.READY_TO_SHIP)[0]

    after, events = shipments.plan_canceled(ship, canceled=canceled())

    assert after.status is St.DELETED and statuses(events) == [(start, St.DELETED)]
    assert after.updated_at == SENT + DAY


def test_a_canceled_plan_keeps_its_shipment_already_sent_with_a_note():
    ship = sent()

    after, events = shipments.plan_canceled(ship, canceled=canceled())

    assert events == [] and after.status is St.SHIPPED
    assert notes(after) == ["plan canceled while the shipment is SHIPPED: kept"]


def test_a_canceled_plan_changes_nothing_for_a_shipment_already_deleted_or_unknown():
    deleted, _ = update(new(), St.DELETED)

    assert shipments.plan_canceled(deleted, canceled=canceled()) == (deleted, [])
    assert shipments.plan_canceled(None, canceled=canceled()) == (None, [])


def test_the_shipments_of_one_canceled_plan_get_distinct_event_ids():
    event = canceled()

    _, [one] = shipments.plan_canceled(new(shipment_id="S1"), canceled=event)
    _, [two] = shipments.plan_canceled(new(shipment_id="S2"), canceled=event)

    assert one.event_id != two.event_id and one.shipment_id == "S1" and two.shipment_id == "S2"


# ---- queries ----


def with_case(shipment_id: str, deadline: datetime, status: CaseStatus) -> shipments.Shipment:
    ship = closed_short()
    case = msgspec.structs.replace(ship.case, case_id=f"{shipment_id}.case", shipment_id=shipment_id,
                                   claim_deadline=deadline, status=status)
    return msgspec.structs.replace(ship, shipment_id=shipment_id, case=case)


def test_open_cases_come_soonest_claim_deadline_first_then_by_case_id():
    found = [with_case("S3", ARRIVED + 60 * DAY, CaseStatus.OPEN), delivered(),
             with_case("S2", ARRIVED + 30 * DAY, CaseStatus.OPEN),
             with_case("S1", ARRIVED + 60 * DAY, CaseStatus.OPEN),
             with_case("S4", ARRIVED + 10 * DAY, CaseStatus.EXPIRED)]

    assert [c.case_id for c in shipments.open_cases(found, CaseStatus.OPEN)] == ["S2.case", "S1.case", "S3.case"]
    assert [c.case_id for c in shipments.open_cases(found, CaseStatus.EXPIRED)] == ["S4.case"]
    assert [c.case_id for c in shipments.open_cases(found, None)] == ["S4.case", "S2.case", "S1.case", "S3.case"]
    assert shipments.open_cases([], CaseStatus.OPEN) == []


def test_the_view_shows_the_shipment_with_its_case_and_history():
    ship = closed_short()

    shown = shipments.view(ship)

    assert isinstance(shown, ShipmentView)
    assert (shown.shipment_id, shown.seller, shown.plan_id, shown.center_id, shown.confirmation_id, shown.status) == (
        "S1", "acme", "P1", "SMF3", ship.confirmation_id, St.CLOSED)
    assert (shown.items, shown.carrier_code, shown.tracking_number, shown.proof_of_delivery) == (
        ship.items, "UPS", "1Z999", "POD-77")
    assert (shown.shipped_at, shown.delivered_at, shown.closed_at, shown.updated_at) == (
        SENT, ARRIVED, ARRIVED + 2 * DAY, ARRIVED + 2 * DAY)
    assert (shown.case, shown.history) == (ship.case, ship.history)
    assert msgspec.json.decode(msgspec.json.encode(shown), type=ShipmentView) == shown


def test_a_shipment_survives_the_state_store_round_trip():
    ship, _ = pay(closed_short(), "RB1", "MUG", cash=1, amount="9.99")

    assert msgspec.json.decode(msgspec.json.encode(ship), type=shipments.Shipment) == ship


def test_the_discrepancies_of_each_sku_compare_shipped_with_located():
    found = shipments.discrepancies([ExpectedUnits(sku="A", expected=5, received=5),
                                     ExpectedUnits(sku="B", expected=5, received=2, damaged=1),
                                     ExpectedUnits(sku="C", expected=5, received=5, damaged=2),
                                     ExpectedUnits(sku="D", expected=0, received=1)])

    assert [(x.sku, x.kind, x.units) for x in found] == [
        ("B", K.SHORTAGE, 2), ("B", K.DAMAGED, 1), ("C", K.OVERAGE, 2), ("C", K.DAMAGED, 2), ("D", K.OVERAGE, 1)]


# ---- the ledger, fed every decision's events as the service does ----


class Books:
    """Per-SKU ledgers fed with the movements of each decision's events; remembers every entry."""

    def __init__(self) -> None:
        self.stock: dict[str, ledger.Stock] = {}
        self.entries: list = []

    def post(self, decision: tuple) -> shipments.Shipment | None:
        state, events = decision
        moves = inbound_moves(events)
        for sku in sorted({m.sku for m in moves}):
            self.stock[sku], entries = ledger.move(
                self.stock.get(sku), [m for m in moves if m.sku == sku], seller="acme", sku=sku,
                cause=Cause(f"ledger/{len(self.entries)}/{sku}"), at=T0)
            self.entries += entries
        return state

    def buckets(self, prefix: str = "") -> dict[tuple[str, str], int]:
        return {(sku, b): n for sku, s in self.stock.items() for c in s.centers.values() for b, n in c.items()
                if b.startswith(prefix)}

    def short(self) -> list:
        return [e for e in self.entries if e.short]


def test_the_ledger_follows_a_shipment_from_creation_to_a_short_close():
    books, planned = Books(), placed()
    ship = books.post(shipments.create_shipment(None, confirmed=confirmed(planned), planned=planned))
    ship = books.post(update(ship, St.SHIPPED, "UPS", "1Z999"))
    assert books.buckets() == {("MUG", "INBOUND_SHIPPED"): 10, ("CUP", "INBOUND_SHIPPED"): 4}
    ship = books.post(report(ship, St.DELIVERED, ARRIVED))
    ship = books.post(receive(ship, "R1", ARRIVED + DAY, ("MUG", 6, 1), ("PEN", 2)))
    assert books.buckets("INBOUND") == {("MUG", "INBOUND_RECEIVING"): 3, ("CUP", "INBOUND_RECEIVING"): 4}
    ship = books.post(report(ship, St.CLOSED, ARRIVED + 2 * DAY))
    ship = books.post(receive(ship, "R2", ARRIVED + 3 * DAY, ("CUP", 4)))

    assert books.short() == []
    assert books.buckets() == {("MUG", "FULFILLABLE"): 6, ("MUG", "UNFULFILLABLE_CARRIER_DAMAGED"): 1,
                               ("PEN", "FULFILLABLE"): 2, ("CUP", "FULFILLABLE"): 4}
    assert lines(ship.case) == [("MUG", K.SHORTAGE, 3, 10, 6, 1), ("MUG", K.DAMAGED, 1, 10, 6, 1),
                                ("PEN", K.OVERAGE, 2, 0, 2, 0)]  # the CUPs turned up after the close


def test_deleting_or_cancelling_leaves_nothing_inbound():
    for ship, step in ((new(), lambda s: update(s, St.DELETED)),
                       (sent(), lambda s: update(s, St.CANCELLED)),
                       (new(), lambda s: shipments.plan_canceled(s, canceled=canceled()))):
        books = Books()
        books.post((None, [InboundShipmentCreated(
            event_id=uuid.uuid4(), seller="acme", occurred_at=T0, shipment_id="S1", plan_id="P1", center_id="SMF3",
            confirmation_id=ship.confirmation_id, items=ship.items, ship_from=HOME)]))
        if ship.status is St.SHIPPED:
            books.post((None, [InboundShipmentStatusChanged(
                event_id=uuid.uuid4(), seller="acme", occurred_at=T0, shipment_id="S1", previous=St.WORKING,
                status=St.SHIPPED, center_id="SMF3", items=ship.items)]))
        books.post(step(ship))
        assert books.short() == [] and books.buckets() == {}


SKUS = ("MUG", "CUP", "PEN")  # PEN is never expected
LINE = st.tuples(st.sampled_from(SKUS), st.integers(0, 8), st.integers(0, 3))
RECEIPT = st.lists(LINE, min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(expected=st.tuples(st.integers(1, 15), st.integers(1, 15)),
       shipped=st.booleans(), before=st.sampled_from([None, St.IN_TRANSIT, St.DELIVERED, St.CHECKED_IN,
                                                       St.RECEIVING]),
       receipts=st.lists(RECEIPT, max_size=5), late=st.lists(RECEIPT, max_size=3),
       replay=st.booleans(), reconcile_first=st.booleans())
def test_any_receipts_and_a_close_never_short_the_ledger_and_leave_nothing_inbound(
        expected, shipped, before, receipts, late, replay, reconcile_first):
    books, planned = Books(), placed(units=(("MUG", expected[0]), ("CUP", expected[1])))
    ship = books.post(shipments.create_shipment(None, confirmed=confirmed(planned), planned=planned))
    if shipped:
        ship = books.post(update(ship, St.SHIPPED, "UPS", "1Z999"))
    if before is not None:
        ship = books.post(report(ship, before, ARRIVED))
    at = ARRIVED
    for n, lines_ in enumerate(receipts):
        at += timedelta(hours=1)
        ship = books.post(receive(ship, f"R{n}", at, *lines_))
        if replay:
            ship = books.post(receive(ship, f"R{n}", at, *lines_))
    if reconcile_first:
        for kind, due in shipments.deadlines(ship, policy=POLICY):
            ship = books.post(fire(ship, kind, due))
    ship = books.post(report(ship, St.CLOSED, at + DAY))
    assert books.buckets("INBOUND") == {}
    for n, lines_ in enumerate(late):
        ship = books.post(receive(ship, f"L{n}", at + 2 * DAY, *lines_))

    assert books.short() == []
    assert books.buckets("INBOUND") == {}
    located = {sku: sum(x[1] for r in receipts + late for x in r if x[0] == sku) for sku in SKUS}
    damaged = {sku: sum(x[2] for r in receipts + late for x in r if x[0] == sku) for sku in SKUS}
    assert {sku: n for (sku, b), n in books.buckets("FULFILLABLE").items()} == {k: v for k, v in located.items() if v}
    assert {sku: n for (sku, b), n in books.buckets("UNFULFILLABLE").items()} == {k: v for k, v in damaged.items()
                                                                                if v}
    assert ship.status is St.CLOSED
    if ship.case is not None and ship.case.status is CaseStatus.OPEN:  # an open case follows the counts
        assert ship.case.lines == shipments.discrepancies(ship.items)
