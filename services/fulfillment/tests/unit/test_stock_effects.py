"""Inbound shipment events become ledger movements: working, shipped, receiving, received, written off."""

import uuid
from datetime import UTC, datetime

from sellerops.contracts.inbound import (
    ExpectedUnits, InboundShipmentCreated, InboundShipmentStatusChanged, InboundUnitsReceived, ReceiptLine, ShipFrom,
    ShipmentStatus,
)
from sellerops.contracts.inventory import Bucket, Cause
from sellerops.fulfillment.domain.stock_effects import inbound_moves

T = datetime(2026, 11, 1, tzinfo=UTC)
HOME = ShipFrom(name="Acme", address_line1="1 Main", city="Reno", state_or_region="NV", postal_code="89502")
ENV = {"seller": "acme", "occurred_at": T, "shipment_id": "S1"}


def env() -> dict:
    return {**ENV, "event_id": uuid.uuid4()}


def changed(previous, status, *units) -> InboundShipmentStatusChanged:
    return InboundShipmentStatusChanged(**env(), previous=previous, status=status, center_id="SMF3", items=list(units))


def received(lines, totals, after_close=False) -> InboundUnitsReceived:
    return InboundUnitsReceived(**env(), receipt_id="R", center_id="SMF3", lines=lines, totals=totals,
                                after_close=after_close)


def flows(moves) -> list[tuple]:
    return [(m.sku, m.quantity, m.from_bucket, m.to_bucket, m.cause) for m in moves]


def test_a_created_shipment_adds_its_units_as_inbound_working_at_its_center():
    created = InboundShipmentCreated(**env(), plan_id="P", center_id="SMF3", confirmation_id="FBA1", ship_from=HOME,
                                     items=[ExpectedUnits(sku="A", expected=10), ExpectedUnits(sku="B", expected=2)])

    moves = inbound_moves([created])

    assert flows(moves) == [("A", 10, None, Bucket.INBOUND_WORKING, Cause.INBOUND_PLANNED),
                            ("B", 2, None, Bucket.INBOUND_WORKING, Cause.INBOUND_PLANNED)]
    assert {m.center_id for m in moves} == {"SMF3"} and {m.reference for m in moves} == {"S1"}


def test_shipping_moves_working_units_to_inbound_shipped():
    moves = inbound_moves([changed(ShipmentStatus.READY_TO_SHIP, ShipmentStatus.SHIPPED, ExpectedUnits(sku="A", expected=10))])

    assert flows(moves) == [("A", 10, Bucket.INBOUND_WORKING, Bucket.INBOUND_SHIPPED, Cause.INBOUND_SHIPPED)]


def test_a_status_that_changes_nothing_in_the_ledger_moves_nothing():
    assert inbound_moves([changed(ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED, ExpectedUnits(sku="A", expected=10))]) == []


def test_the_first_receipt_turns_what_is_still_expected_into_inbound_receiving_then_fulfillable():
    start = changed(ShipmentStatus.CHECKED_IN, ShipmentStatus.RECEIVING, ExpectedUnits(sku="A", expected=10))
    receipt = received([ReceiptLine(sku="A", received=6, damaged=1)], [ExpectedUnits(sku="A", expected=10, received=6, damaged=1)])

    assert flows(inbound_moves([start, receipt])) == [
        ("A", 10, Bucket.INBOUND_SHIPPED, Bucket.INBOUND_RECEIVING, Cause.INBOUND_RECEIVED),
        ("A", 6, Bucket.INBOUND_RECEIVING, Bucket.FULFILLABLE, Cause.INBOUND_RECEIVED),
        ("A", 1, Bucket.INBOUND_RECEIVING, Bucket.UNFULFILLABLE_CARRIER_DAMAGED, Cause.INBOUND_RECEIVED_DAMAGED),
    ]


def test_units_beyond_what_was_expected_are_an_overage_added_from_outside():
    receipt = received([ReceiptLine(sku="A", received=5)], [ExpectedUnits(sku="A", expected=10, received=12)])

    assert flows(inbound_moves([receipt])) == [
        ("A", 3, Bucket.INBOUND_RECEIVING, Bucket.FULFILLABLE, Cause.INBOUND_RECEIVED),
        ("A", 2, None, Bucket.FULFILLABLE, Cause.INBOUND_OVERAGE),
    ]


def test_closing_writes_off_what_never_arrived_from_inbound_receiving():
    closed = changed(ShipmentStatus.RECEIVING, ShipmentStatus.CLOSED, ExpectedUnits(sku="A", expected=10, received=6, damaged=1))

    assert flows(inbound_moves([closed])) == [("A", 3, Bucket.INBOUND_RECEIVING, None, Cause.INBOUND_SHORTAGE)]


def test_closing_a_shipment_nothing_of_which_was_received_writes_off_inbound_shipped():
    closed = changed(ShipmentStatus.DELIVERED, ShipmentStatus.CLOSED, ExpectedUnits(sku="A", expected=4))

    assert flows(inbound_moves([closed])) == [("A", 4, Bucket.INBOUND_SHIPPED, None, Cause.INBOUND_SHORTAGE)]


def test_a_receipt_after_closing_adds_found_units_without_touching_inbound():
    late = received([ReceiptLine(sku="A", received=2)], [ExpectedUnits(sku="A", expected=10, received=8)], after_close=True)

    assert flows(inbound_moves([late])) == [("A", 2, None, Bucket.FULFILLABLE, Cause.INBOUND_OVERAGE)]


def test_deleting_an_unsent_shipment_removes_its_working_units_and_cancelling_a_sent_one_its_shipped_units():
    deleted = changed(ShipmentStatus.WORKING, ShipmentStatus.DELETED, ExpectedUnits(sku="A", expected=10))
    cancelled = changed(ShipmentStatus.SHIPPED, ShipmentStatus.CANCELLED, ExpectedUnits(sku="A", expected=10))

    assert flows(inbound_moves([deleted])) == [("A", 10, Bucket.INBOUND_WORKING, None, Cause.INBOUND_CANCELLED)]
    assert flows(inbound_moves([cancelled])) == [("A", 10, Bucket.INBOUND_SHIPPED, None, Cause.INBOUND_CANCELLED)]


def test_a_status_that_skips_from_working_to_closed_ships_then_writes_off():
    skipped = changed(ShipmentStatus.WORKING, ShipmentStatus.CLOSED, ExpectedUnits(sku="A", expected=5))

    assert flows(inbound_moves([skipped])) == [
        ("A", 5, Bucket.INBOUND_WORKING, Bucket.INBOUND_SHIPPED, Cause.INBOUND_SHIPPED),
        ("A", 5, Bucket.INBOUND_SHIPPED, None, Cause.INBOUND_SHORTAGE),
    ]
