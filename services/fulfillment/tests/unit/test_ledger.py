"""The SKU ledger: numbered entries without gaps, shorts instead of negatives, summaries, the drift check."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerops.contracts.inventory import (
    Bucket, Cause, InventoryAdjustmentReported, InventoryAvailabilityReported, InventoryCountDiffered,
    InventoryCountReconciled, InventoryTransferReported, Movement, TransferStage,
)
from sellerops.fulfillment.domain import common, ledger

T = datetime(2026, 11, 1, tzinfo=UTC)
F, RCO, RP = Bucket.FULFILLABLE, Bucket.RESERVED_CUSTOMER_ORDER, Bucket.RESERVED_PROCESSING
RT = Bucket.RESERVED_TRANSFER


def mv(quantity: int, source, target, center="SMF3", cause=Cause.ADJUSTMENT, ref="r", sku="MUG"):
    return Movement(sku=sku, center_id=center, quantity=quantity, from_bucket=source, to_bucket=target, cause=cause,
                    reference=ref)


def apply(stock, *moves, batch="b1"):
    return ledger.move(stock, list(moves), seller="acme", sku="MUG", cause=common.Cause(f"ledger/{batch}"), at=T)


def stocked(**by_center: int) -> ledger.Stock:
    return apply(None, *[mv(n, None, F, center=c, cause=Cause.INBOUND_RECEIVED) for c, n in by_center.items()])[0]


def test_entries_are_numbered_on_from_the_last_one_without_gaps():
    stock, first = apply(None, mv(5, None, F), mv(2, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o1"))
    stock, second = apply(stock, mv(1, RCO, None, cause=Cause.CUSTOMER_ORDER_SHIPPED, ref="o1"), batch="b2")
    assert [e.sequence for e in first + second] == [1, 2, 3]
    assert stock.sequence == 3
    assert stock.centers == {"SMF3": {"FULFILLABLE": 3, "RESERVED_CUSTOMER_ORDER": 1}}
    assert stock.reservations == {"o1": {"SMF3": 1}}


def test_a_movement_asking_for_more_than_the_bucket_holds_moves_what_is_there_and_records_the_rest_as_short():
    stock, [entry] = apply(stocked(SMF3=3), mv(5, F, Bucket.RESEARCHING), batch="b2")
    assert (entry.quantity, entry.short) == (3, 2)
    assert stock.centers["SMF3"] == {"RESEARCHING": 3}


def test_a_movement_with_nothing_to_move_still_gets_an_entry():
    stock, [entry] = apply(stocked(SMF3=1), mv(4, F, None, center="ABE8"), batch="b2")
    assert (entry.quantity, entry.short, entry.sequence) == (0, 4, 2)
    assert "ABE8" not in stock.centers


def test_entry_ids_are_deterministic_so_a_retried_batch_reemits_the_same_ids():
    _, once = apply(None, mv(5, None, F), mv(1, F, None))
    _, again = apply(None, mv(5, None, F), mv(1, F, None))
    assert [e.event_id for e in once] == [e.event_id for e in again]
    assert len({e.event_id for e in once}) == 2


def test_a_reference_releases_at_most_what_it_holds_so_it_never_takes_another_orders_units():
    reserve = Cause.CUSTOMER_ORDER_RESERVED
    stock, _ = apply(stocked(SMF3=3), mv(2, F, RCO, cause=reserve, ref="A"), mv(5, F, RCO, cause=reserve, ref="B"),
                     batch="b2")
    assert stock.reservations == {"A": {"SMF3": 2}, "B": {"SMF3": 1}}
    release = Cause.CUSTOMER_ORDER_RELEASED
    stock, [entry] = apply(stock, mv(5, RCO, F, cause=release, ref="B"), batch="b3")
    assert (entry.quantity, entry.short) == (1, 4)
    stock, [again] = apply(stock, mv(1, RCO, F, cause=release, ref="B"), batch="b4")
    assert (again.quantity, again.short) == (0, 1)
    assert stock.centers["SMF3"] == {"FULFILLABLE": 1, "RESERVED_CUSTOMER_ORDER": 2}
    assert stock.reservations == {"A": {"SMF3": 2}}


def test_availability_is_the_fulfillable_units_per_center():
    stock = stocked(SMF3=4, ABE8=2)
    assert (ledger.available(stock, "SMF3"), ledger.available(stock, "XXX1"), ledger.available(None, "SMF3")) == (
        4, 0, 0)
    assert ledger.fulfillable_by_center(stock) == {"ABE8": 2, "SMF3": 4}


def test_the_summary_totals_what_the_centers_hold_and_leaves_inbound_out():
    stock, _ = apply(stocked(SMF3=10, ABE8=5), mv(7, None, Bucket.INBOUND_WORKING),
                     mv(2, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o"), mv(1, F, RP),
                     mv(1, F, Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED), mv(2, F, Bucket.UNFULFILLABLE_EXPIRED, "ABE8"),
                     mv(1, F, Bucket.RESEARCHING), batch="b2")
    summary = ledger.summary(stock)
    smf3 = next(c.counts for c in summary.centers if c.center_id == "SMF3")
    assert (smf3.fulfillable, smf3.reserved_customer_order, smf3.reserved_processing, smf3.reserved_total) == (
        5, 2, 1, 3)
    assert smf3.unfulfillable == {"CUSTOMER_DAMAGED": 1} and smf3.unfulfillable_total == 1
    assert (smf3.researching, smf3.inbound_working, smf3.total) == (1, 7, 10)
    totals = summary.totals
    assert totals.unfulfillable == {"CUSTOMER_DAMAGED": 1, "EXPIRED": 2}
    assert (totals.fulfillable, totals.total, summary.entries) == (8, 15, 8)
    assert [c.center_id for c in summary.centers] == ["ABE8", "SMF3"]


def adjustment(source, target, quantity=2) -> InventoryAdjustmentReported:
    return InventoryAdjustmentReported(event_id=uuid.uuid4(), seller="acme", occurred_at=T, adjustment_id="adj-1",
                                       sku="MUG", center_id="SMF3", quantity=quantity, from_bucket=source,
                                       to_bucket=target, reason="E")


def transfer(stage: TransferStage, quantity=3) -> InventoryTransferReported:
    return InventoryTransferReported(event_id=uuid.uuid4(), seller="acme", occurred_at=T, transfer_id="tr-1",
                                     sku="MUG", from_center="SMF3", to_center="ABE8", quantity=quantity, stage=stage)


def test_an_adjustment_moves_stock_between_buckets_with_its_reason_as_reference():
    stock, [entry] = ledger.adjustment(stocked(SMF3=5), adjustment(F, Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED))
    assert (entry.cause, entry.reference, entry.sequence) == (Cause.ADJUSTMENT, "adj-1", 2)
    assert stock.centers["SMF3"] == {"FULFILLABLE": 3, "UNFULFILLABLE_WAREHOUSE_DAMAGED": 2}
    found, _ = ledger.adjustment(None, adjustment(None, F, 4))
    assert found.centers == {"SMF3": {"FULFILLABLE": 4}}


def test_a_transfer_is_reserved_while_under_way_and_fulfillable_at_the_destination_once_received():
    stock, _ = ledger.transfer(stocked(SMF3=5), transfer(TransferStage.STARTED))
    assert stock.centers == {"SMF3": {"FULFILLABLE": 2, "RESERVED_TRANSFER": 3}}
    assert ledger.summary(stock).totals.reserved_transfer == 3
    stock, entries = ledger.transfer(stock, transfer(TransferStage.RECEIVED))
    assert stock.centers == {"ABE8": {"FULFILLABLE": 3}, "SMF3": {"FULFILLABLE": 2}}
    assert [(e.center_id, e.from_bucket, e.to_bucket) for e in entries] == [("SMF3", RT, None), ("ABE8", None, F)]
    assert stock.reservations == {}


def test_a_transfer_received_without_its_start_takes_the_units_from_fulfillable_at_the_source():
    stock, entries = ledger.transfer(stocked(SMF3=5), transfer(TransferStage.RECEIVED))
    assert stock.centers == {"ABE8": {"FULFILLABLE": 3}, "SMF3": {"FULFILLABLE": 2}}
    assert [e.from_bucket for e in entries] == [F, None]


def test_the_check_finds_no_drift_when_the_ledger_and_the_summaries_agree():
    stock, one = apply(None, mv(5, None, F), mv(2, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o"))
    stock, two = apply(stock, mv(1, RCO, None, cause=Cause.CUSTOMER_ORDER_SHIPPED, ref="o"), batch="b2")
    entries = one + two
    assert ledger.replay(entries) == {("MUG", "SMF3", "FULFILLABLE"): 3, ("MUG", "SMF3", "RESERVED_CUSTOMER_ORDER"): 1}
    check = ledger.check({"MUG": stock}, entries + one[:1])  # a duplicate delivery of the same entry counts once
    assert (check.drift, check.gaps, check.negative, check.skus_checked, check.entries_replayed) == ([], [], [], 1, 3)


def test_the_check_catches_a_tampered_summary():
    stock, entries = apply(None, mv(5, None, F), mv(2, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o"))
    tampered = msgspec.structs.replace(stock, centers={"SMF3": {"FULFILLABLE": 4, "RESERVED_CUSTOMER_ORDER": 2}})
    [drift] = ledger.check({"MUG": tampered}, entries).drift
    assert (drift.sku, drift.center_id, drift.bucket, drift.ledger, drift.summary) == ("MUG", "SMF3", "FULFILLABLE", 3,
                                                                                      4)


def test_the_check_catches_a_sequence_gap_a_repeat_and_a_missing_tail():
    stock, entries = apply(None, mv(5, None, F), mv(1, F, None), mv(1, F, None))
    assert ledger.check({"MUG": stock}, [entries[0], entries[2]]).gaps == ["MUG"]
    repeat = msgspec.structs.replace(entries[2], event_id=uuid.uuid4(), sequence=2)
    assert ledger.check({"MUG": stock}, [entries[0], entries[1], repeat]).gaps == ["MUG"]
    assert ledger.check({"MUG": stock}, entries[:2]).gaps == ["MUG"]


def test_the_check_reports_a_bucket_the_replay_takes_below_zero():
    _, entries = apply(None, mv(1, None, F))
    forged = msgspec.structs.replace(entries[0], event_id=uuid.uuid4(), sequence=2, from_bucket=F, to_bucket=None,
                                     quantity=3)
    assert ledger.check({}, [entries[0], forged]).negative == ["MUG/SMF3/FULFILLABLE"]


BUCKETS = st.sampled_from([None, *Bucket])
MOVES = st.lists(st.builds(mv, st.integers(1, 6), BUCKETS, BUCKETS, st.sampled_from(["SMF3", "ABE8"]),
                           st.sampled_from([Cause.ADJUSTMENT, Cause.CUSTOMER_ORDER_RESERVED,
                                            Cause.CUSTOMER_ORDER_RELEASED, Cause.REMOVAL_SHIPPED]),
                           st.sampled_from(["o1", "o2"])), max_size=30)


@settings(max_examples=150, deadline=None)
@given(batches=st.lists(MOVES, max_size=4))
def test_random_movements_never_make_a_bucket_negative_and_the_replay_equals_the_state(batches):
    stock, entries = None, []
    for n, moves in enumerate(batches):
        stock, written = apply(stock, *moves, batch=f"b{n}")
        entries += written
    stock = stock or ledger.Stock(seller="acme", sku="MUG")
    assert all(units > 0 for buckets in stock.centers.values() for units in buckets.values())
    assert all(units > 0 for held in stock.reservations.values() for units in held.values())
    assert ledger.replay(entries) == {("MUG", c, b): n for c, buckets in stock.centers.items()
                                      for b, n in buckets.items()}
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    check = ledger.check({"MUG": stock}, entries)
    assert (check.drift, check.gaps, check.negative) == ([], [], [])


# ---- the marketplace's own count against the ledger ----

US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"
COMPARED = frozenset({US})


def availability(at: datetime = T, marketplace_id: str = US, **counts: int) -> InventoryAvailabilityReported:
    return InventoryAvailabilityReported(event_id=uuid.uuid4(), seller="acme", occurred_at=at, sku="MUG",
                                         marketplace_id=marketplace_id, **counts)


def reported(stock, fact):
    return ledger.availability_reported(stock, fact, compared=COMPARED)


def test_a_count_the_ledger_agrees_with_is_kept_and_says_nothing():
    stock = apply(stocked(SMF3=7, ABE8=3), mv(2, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o1"), batch="b2")[0]
    stock, events = reported(stock, availability(fulfillable=8, reserved_customer_order=2))
    assert events == []
    [seen] = ledger.summary(stock).marketplace
    assert (seen.marketplace_id, seen.reported_at, seen.counts["fulfillable"], seen.differences) == (US, T, 8, [])


def test_a_difference_is_published_once_and_again_only_when_it_changes():
    stock = stocked(SMF3=10)
    stock, first = reported(stock, availability(fulfillable=12, unfulfillable=1))
    [differed] = first
    assert isinstance(differed, InventoryCountDiffered) and differed.reported_at == T
    assert [(d.bucket, d.ledger, d.marketplace) for d in differed.differences] == [
        ("fulfillable", 10, 12), ("unfulfillable", 0, 1)]
    stock, repeated = reported(stock, availability(T + timedelta(hours=1), fulfillable=12, unfulfillable=1))
    assert repeated == [], "the same difference reported again is not news"
    stock, changed = reported(stock, availability(T + timedelta(hours=2), fulfillable=11, unfulfillable=1))
    assert [(d.bucket, d.marketplace) for d in changed[0].differences] == [("fulfillable", 11), ("unfulfillable", 1)]
    stock, fixed = reported(stock, availability(T + timedelta(hours=3), fulfillable=10))
    assert [type(e) for e in fixed] == [InventoryCountReconciled]
    assert reported(stock, availability(T + timedelta(hours=4), fulfillable=10))[1] == []


def test_an_older_count_arriving_late_changes_nothing():
    stock, _ = reported(stocked(SMF3=10), availability(T + timedelta(hours=5), fulfillable=10))
    later, events = reported(stock, availability(T, fulfillable=99))
    assert (later, events) == (stock, [])


def test_a_marketplace_the_network_does_not_sell_in_is_kept_but_not_compared():
    stock, events = reported(stocked(SMF3=10), availability(marketplace_id=CA, fulfillable=40))
    assert events == []
    assert {m.marketplace_id: m.counts["fulfillable"] for m in ledger.summary(stock).marketplace} == {CA: 40}


def test_the_difference_event_id_comes_from_the_report_so_a_redelivery_publishes_the_same_id():
    fact = availability(fulfillable=3)
    assert reported(stocked(SMF3=10), fact)[1][0].event_id == reported(stocked(SMF3=10), fact)[1][0].event_id


def test_a_difference_the_ledger_closes_with_its_own_movements_is_reconciled_at_once():
    stock = stocked(SMF3=10)
    stock, [differed] = reported(stock, availability(fulfillable=12))  # a receipt the ledger has not read yet
    assert [(d.bucket, d.ledger, d.marketplace) for d in differed.differences] == [("fulfillable", 10, 12)]
    stock, events = apply(stock, mv(2, None, F, cause=Cause.INBOUND_RECEIVED), batch="receipt")
    moved, reconciled = events
    assert moved.quantity == 2 and isinstance(reconciled, InventoryCountReconciled)
    assert (reconciled.sku, reconciled.reported_at) == ("MUG", T)
    assert ledger.summary(stock).marketplace[0].differences == []
    assert apply(stock, mv(1, F, RCO, cause=Cause.CUSTOMER_ORDER_RESERVED, ref="o9"), batch="next")[1][1:] == [], \
        "nothing more to reconcile; a later move that opens a gap waits for the next count"
