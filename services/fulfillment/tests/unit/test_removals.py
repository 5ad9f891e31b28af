"""Removal orders: claiming units, refusals naming the field, shipments and disposals, cancels."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from sellerops.contracts.inventory import (
    Bucket, Cause, CreateRemovalOrder, Movement, RemovalLine, RemovalOrderCreated, RemovalOrderProgressed,
    RemovalProcessedLine, RemovalShipmentReported, RemovalStatus, RemovalType, StockCondition,
)
from sellerops.contracts.orders import Address
from sellerops.fulfillment.domain import common, ledger, removals
from sellerops.fulfillment.domain.common import NotFound, Refused

T0 = datetime(2026, 11, 10, 12, tzinfo=UTC)
HOME = Address(name="Acme", address_line1="1 Main St", city="Reno", state_or_region="NV", postal_code="89502",
               country_code="US")
F, RP = Bucket.FULFILLABLE, Bucket.RESERVED_PROCESSING
DAMAGED, EXPIRED = Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED, Bucket.UNFULFILLABLE_EXPIRED
SELLABLE, BROKEN = StockCondition.SELLABLE, StockCondition.UNFULFILLABLE
CAUSE = common.Cause("request/acme/rm-1/create/")


def stock(*holdings: tuple[str, Bucket, int]) -> ledger.Stock:
    moves = [Movement(sku="MUG", center_id=c, quantity=n, from_bucket=None, to_bucket=b, cause=Cause.ADJUSTMENT,
                      reference="found") for c, b, n in holdings]
    return ledger.move(None, moves, seller="acme", sku="MUG", cause=common.Cause("setup"), at=T0)[0]


ON_HAND = stock(("SMF3", F, 2), ("ABE8", F, 5), ("SMF3", DAMAGED, 1), ("SMF3", EXPIRED, 2))


def request(*lines: tuple[int, StockCondition], kind=RemovalType.RETURN, address=HOME) -> CreateRemovalOrder:
    return CreateRemovalOrder(removal_order_id="rm-1", removal_type=kind, address=address,
                              lines=[RemovalLine(sku="MUG", quantity=n, condition=c) for n, c in lines])


def create(req: CreateRemovalOrder, existing=None):
    return removals.create(existing, req, seller="acme", stock={"MUG": ON_HAND}, cause=CAUSE, now=T0)


def report(*lines: tuple[str, int, int], hours: float = 5) -> RemovalShipmentReported:
    return RemovalShipmentReported(
        event_id=uuid.uuid4(), seller="acme", occurred_at=T0 + timedelta(hours=hours), removal_order_id="rm-1",
        lines=[RemovalProcessedLine(sku="MUG", center_id=c, shipped=s, disposed=d) for c, s, d in lines],
        carrier_code="UPS", tracking_number="1Z999")


def flows(moves: list[Movement]) -> list[tuple]:
    return [(m.center_id, m.quantity, m.from_bucket, m.to_bucket, m.cause) for m in moves]


def rows(removal: removals.Removal) -> list[tuple]:
    return [(r.center_id, r.condition, r.requested, r.shipped, r.disposed, r.cancelled, r.in_process)
            for r in removal.lines]


def test_a_return_without_an_address_is_refused_naming_the_address():
    with pytest.raises(Refused) as refused:
        create(request((1, SELLABLE), address=None))
    assert refused.value.field == "$.address"


def test_asking_for_more_than_the_seller_has_is_refused_naming_the_line_and_saying_how_many_are_available():
    with pytest.raises(Refused) as refused:
        create(request((2, SELLABLE), (4, BROKEN)))
    assert refused.value.field == "$.lines[1].quantity" and "3 available" in str(refused.value)
    with pytest.raises(Refused) as twice:  # two lines of the same SKU and condition share the units
        create(request((6, SELLABLE), (2, SELLABLE)))
    assert twice.value.field == "$.lines[1].quantity" and "1 available" in str(twice.value)


def test_a_removal_claims_sellable_units_from_the_centers_holding_the_most_into_processing():
    removal, [event], moves = create(request((6, SELLABLE)))
    assert isinstance(event, RemovalOrderCreated) and removal.status is RemovalStatus.IN_PROCESS
    assert rows(removal) == [("ABE8", SELLABLE, 5, 0, 0, 0, 5), ("SMF3", SELLABLE, 1, 0, 0, 0, 1)]
    assert flows(moves) == [("ABE8", 5, F, RP, Cause.REMOVAL_RESERVED), ("SMF3", 1, F, RP, Cause.REMOVAL_RESERVED)]
    assert event.lines == removal.lines and event.address == HOME


def test_unfulfillable_units_are_claimed_from_their_cause_buckets_and_shown_as_processing():
    removal, _, moves = create(request((3, BROKEN), kind=RemovalType.DISPOSAL, address=None))
    assert flows(moves) == [("SMF3", 1, DAMAGED, RP, Cause.REMOVAL_RESERVED),
                            ("SMF3", 2, EXPIRED, RP, Cause.REMOVAL_RESERVED)]
    after, _ = ledger.move(ON_HAND, moves, seller="acme", sku="MUG", cause=CAUSE, at=T0)
    counts = ledger.summary(after).totals
    assert (counts.unfulfillable_total, counts.reserved_processing) == (0, 3)
    assert rows(removal) == [("SMF3", BROKEN, 3, 0, 0, 0, 3)]


def test_the_same_request_again_changes_nothing_and_the_same_id_with_other_contents_is_refused():
    removal, _, _ = create(request((2, SELLABLE)))
    assert create(request((2, SELLABLE)), existing=removal) == (removal, [], [])
    with pytest.raises(Refused) as refused:
        create(request((3, SELLABLE)), existing=removal)
    assert refused.value.field == "$.removal_order_id"


def test_shipments_progress_a_return_until_nothing_is_in_process_and_it_completes():
    removal, _, _ = create(request((6, SELLABLE)))
    removal, [event], moves = removals.processed(removal, report(("ABE8", 5, 0)))
    assert isinstance(event, RemovalOrderProgressed) and event.status is RemovalStatus.IN_PROCESS
    assert (event.carrier_code, event.tracking_number) == ("UPS", "1Z999")
    assert flows(moves) == [("ABE8", 5, RP, None, Cause.REMOVAL_SHIPPED)]
    removal, [event], moves = removals.processed(removal, report(("SMF3", 1, 0), hours=8))
    assert removal.status is RemovalStatus.COMPLETED and event.status is RemovalStatus.COMPLETED
    assert rows(removal) == [("ABE8", SELLABLE, 5, 5, 0, 0, 0), ("SMF3", SELLABLE, 1, 1, 0, 0, 0)]
    assert removals.processed(None, report(("SMF3", 1, 0))) == (None, [], [])


def test_a_report_that_disagrees_with_the_order_is_capped_flagged_and_noted_not_refused():
    removal, _, _ = create(request((3, BROKEN), kind=RemovalType.DISPOSAL, address=None))
    removal, [event], moves = removals.processed(removal, report(("SMF3", 1, 5)))
    assert flows(moves) == [("SMF3", 3, RP, None, Cause.REMOVAL_DISPOSED)]
    assert removal.status is RemovalStatus.COMPLETED and rows(removal) == [("SMF3", BROKEN, 3, 0, 3, 0, 0)]
    assert removal.lines[0].over_reported == 2 and event.lines[0].over_reported == 2
    notes = [h.summary for h in removal.history if h.type == "note"]
    assert "reported shipped on a Disposal order" in notes[0] and "over-reported" in notes[1]
    again, [flagged], moves = removals.processed(removal, report(("SMF3", 0, 1)))
    assert (moves, again.status, again.lines[0].over_reported) == ([], RemovalStatus.COMPLETED, 3)
    assert flagged.lines[0].over_reported == 3


def test_a_removal_shipment_report_of_more_units_than_requested_is_flagged_with_its_carrier_and_tracking():
    removal, _, _ = create(request((2, SELLABLE)))  # 2 from ABE8 (the center holding the most)
    removal, [_event], moves = removals.processed(removal, report(("ABE8", 5, 0)))

    assert flows(moves) == [("ABE8", 2, RP, None, Cause.REMOVAL_SHIPPED)]
    assert (removal.lines[0].shipped, removal.lines[0].over_reported) == (2, 3)
    view = removals.view(removal)
    assert [(s.carrier_code, s.tracking_number, s.units) for s in view.shipments] == [("UPS", "1Z999", 2)]
    assert view.lines[0].over_reported == 3
    assert '"tracking_number":"1Z999"' in msgspec.json.encode(view).decode()


def test_cancelling_returns_what_is_still_in_process_to_the_buckets_it_came_from():
    removal, _, _ = create(request((4, SELLABLE), (3, BROKEN)))
    removal, _, _ = removals.processed(removal, report(("ABE8", 2, 0)))
    removal, [event], moves = removals.cancel(removal, cause=common.Cause("cancel"), now=T0 + timedelta(hours=6))
    assert removal.status is RemovalStatus.CANCELLED and event.status is RemovalStatus.CANCELLED
    assert flows(moves) == [("ABE8", 2, RP, F, Cause.REMOVAL_CANCELLED),
                            ("SMF3", 1, RP, DAMAGED, Cause.REMOVAL_CANCELLED),
                            ("SMF3", 2, RP, EXPIRED, Cause.REMOVAL_CANCELLED)]
    assert rows(removal) == [("ABE8", SELLABLE, 4, 2, 0, 2, 0), ("SMF3", BROKEN, 3, 0, 0, 3, 0)]
    assert removals.cancel(removal, cause=common.Cause("again"), now=T0) == (removal, [], [])


def test_a_completed_removal_cannot_be_cancelled_and_an_unknown_one_is_not_found():
    removal, _, _ = create(request((2, SELLABLE)))
    removal, _, _ = removals.processed(removal, report(("ABE8", 2, 0)))
    with pytest.raises(Refused) as refused:
        removals.cancel(removal, cause=common.Cause("cancel"), now=T0)
    assert refused.value.field == "$.removal_order_id"
    with pytest.raises(NotFound):
        removals.cancel(None, cause=common.Cause("cancel"), now=T0)


def test_a_removal_round_trip_through_the_ledger_leaves_no_drift():
    removal, _created, moves = create(request((6, SELLABLE)))
    after, entries = ledger.move(ON_HAND, moves, seller="acme", sku="MUG", cause=common.Cause("b1"), at=T0)
    assert after.reservations == {"rm-1": {"ABE8": 5, "SMF3": 1}}
    removal, _, moves = removals.processed(removal, report(("ABE8", 5, 0)))
    after, more = ledger.move(after, moves, seller="acme", sku="MUG", cause=common.Cause("b2"), at=T0)
    removal, _, moves = removals.cancel(removal, cause=common.Cause("cancel"), now=T0)
    after, last = ledger.move(after, moves, seller="acme", sku="MUG", cause=common.Cause("b3"), at=T0)
    assert after.centers == {"SMF3": {"FULFILLABLE": 2, "UNFULFILLABLE_CUSTOMER_DAMAGED": 1,
                                      "UNFULFILLABLE_EXPIRED": 2}}
    assert after.reservations == {} and all(e.short == 0 for e in entries + more + last)
    view = removals.view(removal)
    assert (view.removal_order_id, view.status, view.address) == ("rm-1", RemovalStatus.CANCELLED, HOME)


def test_the_stored_removal_and_stock_survive_a_json_round_trip():
    removal, _, moves = create(request((2, SELLABLE), (1, BROKEN)))
    after, _ = ledger.move(ON_HAND, moves, seller="acme", sku="MUG", cause=CAUSE, at=T0)
    assert msgspec.json.decode(msgspec.json.encode(removal), type=removals.Removal) == removal
    assert msgspec.json.decode(msgspec.json.encode(after), type=ledger.Stock) == after
