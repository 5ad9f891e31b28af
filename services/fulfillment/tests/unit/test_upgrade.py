"""Records an older version wrote (movements in an outbox inside the state) read by this one."""

from datetime import UTC, datetime

import msgspec

from sellerops.contracts.catalog import encode
from sellerops.contracts.inbound import ExpectedUnits, ShipFrom, ShipmentStatus
from sellerops.contracts.inventory import Bucket, Cause, Movement
from sellerops.fulfillment.adapters.upgrade import upgraded
from sellerops.fulfillment.domain.ledger_moves import LedgerMoves
from sellerops.fulfillment.domain.shipments import Shipment
from sellerops.runtime.state import Record

AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SHIPMENT = Shipment(shipment_id="P1-S1", seller="acme", plan_id="P1", center_id="ABE8", confirmation_id="FBA1",
                    status=ShipmentStatus.WORKING, items=[ExpectedUnits(sku="MUG", expected=50)],
                    ship_from=ShipFrom(name="Acme", address_line1="1 Main St", city="Reno", state_or_region="NV",
                                       postal_code="89502"), created_at=AT, updated_at=AT)
MOVE = Movement(sku="MUG", center_id="ABE8", quantity=50, from_bucket=None, to_bucket=Bucket.INBOUND_WORKING,
                cause=Cause.INBOUND_PLANNED, reference="P1-S1")


def old_record(outbox: list) -> bytes:
    return encode({"state": {"state": SHIPMENT, "outbox": outbox}, "processed": [{"id": "evt-1", "events": []}]})


def test_an_outbox_an_older_version_left_becomes_pending_effects_under_the_same_batch_id():
    new = upgraded(old_record([{"id": "evt-1", "at": AT, "moves": [MOVE]}]))

    record = msgspec.json.decode(new, type=Record[Shipment])
    assert record.state == SHIPMENT and [p.id for p in record.processed] == ["evt-1"]
    assert [(p.id, p.at, p.events) for p in record.pending] == [("evt-1", AT, [])]
    assert msgspec.json.decode(record.pending[0].effects[0], type=LedgerMoves) == LedgerMoves(AT, [MOVE])


def test_a_record_with_an_empty_outbox_keeps_its_state_and_has_nothing_pending():
    record = msgspec.json.decode(upgraded(old_record([])), type=Record[Shipment])
    assert (record.state, record.pending) == (SHIPMENT, [])


def test_a_record_already_in_the_new_shape_is_left_as_it_is():
    assert upgraded(encode(Record(SHIPMENT))) is None
    assert upgraded(encode(Record())) is None
