"""Outbound orders: fill policies, the reservation race, the planning hold, cancels and shipments."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from sellerops.contracts.fulfillment import (
    AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged, NetworkPackage,
)
from sellerops.contracts.inventory import (
    Allocation, Bucket, Cause, Movement, OrderKind, OutboundOrderAllocated, OutboundOrderStatusChanged,
    OutboundShipmentReported, Shortfall,
)
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import CanceledBy, FillPolicy, McfStatus, OrderCanceled, OrderStatus, PackageItem
from sellerops.fulfillment.domain import common, ledger, outbound
from sellerops.fulfillment.domain.common import NotFound, Refused

T0 = datetime(2026, 11, 10, 12, tzinfo=UTC)
POLICY = outbound.Policy()
S = McfStatus
F, RCO, RP = Bucket.FULFILLABLE, Bucket.RESERVED_CUSTOMER_ORDER, Bucket.RESERVED_PROCESSING
KILL, ALL, AVAILABLE = FillPolicy.FILL_OR_KILL, FillPolicy.FILL_ALL, FillPolicy.FILL_ALL_AVAILABLE


def at(item: str, center: str, quantity: int, sku: str = "MUG") -> Allocation:
    return Allocation(item_id=item, sku=sku, center_id=center, quantity=quantity)


def order(*allocations: Allocation, fill=KILL, kind=OrderKind.MCF, lines=(("i1", "MUG", 3),)):
    return outbound.requested(None, kind=kind, order_id="shop-1", seller="acme", lines=list(lines),
                              destination=(40.7, -74.0), fill_policy=fill, cause=common.Cause("evt-1"), at=T0,
                              allocations=list(allocations), shortfalls=[], strategy="nearest")


def mcf(events: list) -> list[McfStatus]:
    return [e.status for e in events if isinstance(e, McfOrderStatusChanged)]


def changes(events: list) -> list[tuple]:
    return [(e.previous, e.status) for e in events if isinstance(e, OutboundOrderStatusChanged)]


def flows(moves: list[Movement]) -> list[tuple]:
    return [(m.center_id, m.quantity, m.from_bucket, m.to_bucket, m.cause) for m in moves]


def shipment(center: str, tracking: str, *items: tuple[str, int], hours: float = 2) -> OutboundShipmentReported:
    when = T0 + timedelta(hours=hours)
    package = NetworkPackage(carrier_code="AMZL_US", tracking_number=tracking, shipped_at=when,
                             items=[PackageItem(i, n) for i, n in items])
    return OutboundShipmentReported(event_id=uuid.uuid4(), seller="acme", occurred_at=when,
                                    fulfillment_order_id="shop-1", center_id=center, package=package)


def fire(state, kind: str, due: datetime):
    return outbound.deadline_passed(state, kind=kind, due=due, policy=POLICY)


# ---- fill policies ----


def test_fill_or_kill_reserves_nothing_when_one_line_is_short():
    state, events, moves = order(at("i1", "SMF3", 3), fill=KILL, lines=[("i1", "MUG", 3), ("i2", "CUP", 1)])
    assert (state.status, state.allocations, moves) == (S.UNFULFILLABLE, [], [])
    assert mcf(events) == [S.RECEIVED, S.UNFULFILLABLE]
    [allocated] = [e for e in events if isinstance(e, OutboundOrderAllocated)]
    assert (allocated.status, allocated.shortfalls) == (S.UNFULFILLABLE, [Shortfall(item_id="i2", sku="CUP",
                                                                                    quantity=1)])
    assert "CUP" in events[-2].reason


def test_an_afn_order_the_network_cannot_fill_tells_the_orders_service_it_is_unfulfillable():
    state, events, _ = order(kind=OrderKind.AFN)
    [unfulfillable] = [e for e in events if isinstance(e, AfnOrderUnfulfillable)]
    assert (unfulfillable.order_id, unfulfillable.subject) == ("shop-1", "fulfillment.acme.order.unfulfillable")
    assert mcf(events) == [] and state.status is S.UNFULFILLABLE


def test_fill_or_kill_reserves_everything_when_every_line_is_there_and_the_order_is_planning():
    state, events, moves = order(at("i1", "SMF3", 2), at("i1", "ABE8", 1))
    assert state.status is S.PLANNING and mcf(events) == [S.RECEIVED, S.PLANNING]
    assert changes(events) == [(S.NEW, S.RECEIVED), (S.RECEIVED, S.PLANNING)]
    assert flows(moves) == [("ABE8", 1, F, RCO, Cause.CUSTOMER_ORDER_RESERVED),
                            ("SMF3", 2, F, RCO, Cause.CUSTOMER_ORDER_RESERVED)]
    assert {m.reference for m in moves} == {"shop-1"}
    assert len({e.event_id for e in events}) == len(events)


def test_the_same_order_requested_again_changes_nothing():
    state, _, _ = order(at("i1", "SMF3", 3))
    again = outbound.requested(state, kind=OrderKind.MCF, order_id="shop-1", seller="acme", lines=[("i1", "MUG", 3)],
                               destination=None, fill_policy=KILL, cause=common.Cause("evt-2"), at=T0,
                               allocations=[], shortfalls=[], strategy="nearest")
    assert again == (state, [], [])


def test_allocations_beyond_what_a_line_asks_are_capped_and_shortfalls_are_recomputed_from_the_lines():
    state, _, moves = order(at("i1", "SMF3", 5), at("i9", "SMF3", 1), fill=ALL)
    assert [a.quantity for a in state.allocations] == [3] and state.shortfalls == []
    assert flows(moves)[0][1] == 3


def test_fill_all_reserves_what_is_there_keeps_waiting_and_reserves_the_rest_when_stock_arrives():
    state, events, moves = order(at("i1", "SMF3", 1), fill=ALL)
    assert state.status is S.PLANNING and state.shortfalls == [Shortfall(item_id="i1", sku="MUG", quantity=2)]
    assert outbound.wanted(state) == [("i1", "MUG", 2)]
    assert (outbound.FILL_ALL_GIVE_UP, T0 + timedelta(hours=24)) in outbound.deadlines(state, POLICY)
    state, events, moves = outbound.restock(state, allocations=[at("i1", "ABE8", 2)], cause=common.Cause("arrived"),
                                            at=T0 + timedelta(hours=3))
    assert state.shortfalls == [] and outbound.wanted(state) == []
    assert flows(moves) == [("ABE8", 2, F, RCO, Cause.CUSTOMER_ORDER_RESERVED)]
    assert [type(e) for e in events] == [OutboundOrderAllocated]
    assert [d[0] for d in outbound.deadlines(state, POLICY)] == [outbound.PLANNING_HOLD]


def test_a_restock_of_an_order_already_processing_reserves_straight_into_processing():
    state, _, _ = order(at("i1", "SMF3", 1), fill=ALL)
    state, _, _ = fire(state, outbound.PLANNING_HOLD, T0 + POLICY.planning_hold)
    _, _, moves = outbound.restock(state, allocations=[at("i1", "ABE8", 2)], cause=common.Cause("arrived"), at=T0)
    assert flows(moves) == [("ABE8", 2, F, RP, Cause.CUSTOMER_ORDER_RESERVED)]


def test_fill_all_gives_up_after_the_wait_as_complete_partialled_once_what_was_reserved_has_shipped():
    state, _, _ = order(at("i1", "SMF3", 1), fill=ALL)
    hold, give_up = T0 + timedelta(minutes=30), T0 + timedelta(hours=24)
    assert fire(state, outbound.FILL_ALL_GIVE_UP, give_up - timedelta(minutes=1)) == (state, [], [])
    state, events, moves = fire(state, outbound.PLANNING_HOLD, hold)
    assert state.status is S.PROCESSING and flows(moves) == [("SMF3", 1, RCO, RP, Cause.CUSTOMER_ORDER_PROCESSING)]
    state, events, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 1)))
    assert state.status is S.PROCESSING and mcf(events) == []  # the rest is still awaited
    state, events, moves = fire(state, outbound.FILL_ALL_GIVE_UP, give_up)
    assert (state.status, moves, mcf(events)) == (S.COMPLETE_PARTIALLED, [], [S.COMPLETE_PARTIALLED])
    assert [p.tracking_number for p in events[-1].packages] == ["TBA1"]
    assert outbound.deadlines(state, POLICY) == [] and fire(state, outbound.FILL_ALL_GIVE_UP, give_up)[1] == []


def test_fill_all_with_nothing_ever_available_ends_unfulfillable_when_the_wait_is_over():
    state, events, moves = order(fill=ALL)
    assert (state.status, moves, outbound.deadlines(state, POLICY)) == (
        S.PLANNING, [], [(outbound.FILL_ALL_GIVE_UP, T0 + timedelta(hours=24))])
    state, events, _ = fire(state, outbound.FILL_ALL_GIVE_UP, T0 + timedelta(hours=24))
    assert state.status is S.UNFULFILLABLE and mcf(events) == [S.UNFULFILLABLE]


def test_fill_all_available_reserves_what_there_is_cancels_the_rest_and_completes_partialled():
    state, _, _moves = order(at("i1", "SMF3", 2), fill=AVAILABLE)
    assert state.status is S.PLANNING and [d[0] for d in outbound.deadlines(state, POLICY)] == [outbound.PLANNING_HOLD]
    assert outbound.wanted(state) == []
    state, events, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 2)))
    assert state.status is S.COMPLETE_PARTIALLED and mcf(events) == [S.PROCESSING, S.COMPLETE_PARTIALLED]


def test_fill_all_available_with_nothing_available_is_unfulfillable_at_once():
    state, events, moves = order(fill=AVAILABLE)
    assert (state.status, moves, mcf(events)) == (S.UNFULFILLABLE, [], [S.RECEIVED, S.UNFULFILLABLE])


# ---- the race: the ledger reserves less than sourcing saw ----


def raced(fill: FillPolicy, on_hand: int, taken: int):
    """Sourcing saw `on_hand` at SMF3, but another order reserved `taken` of them first."""
    stock, _ = ledger.move(None, [Movement(sku="MUG", center_id="SMF3", quantity=on_hand, from_bucket=None,
                                           to_bucket=F, cause=Cause.INBOUND_RECEIVED, reference="s")],
                           seller="acme", sku="MUG", cause=common.Cause("in"), at=T0)
    stock, _ = ledger.move(stock, [Movement(sku="MUG", center_id="SMF3", quantity=taken, from_bucket=F, to_bucket=RCO,
                                            cause=Cause.CUSTOMER_ORDER_RESERVED, reference="other")],
                           seller="acme", sku="MUG", cause=common.Cause("other"), at=T0)
    state, _, moves = order(at("i1", "SMF3", min(on_hand, 3)), fill=fill)
    stock, moved = ledger.move(stock, moves, seller="acme", sku="MUG", cause=common.Cause("mine"), at=T0)
    return stock, state, moved


def test_a_fill_or_kill_order_that_loses_the_race_releases_what_it_got_and_is_unfulfillable():
    stock, state, moved = raced(KILL, on_hand=3, taken=1)
    assert [(e.quantity, e.short) for e in moved] == [(2, 1)]
    state, events, moves = outbound.reservation_result(state, moved, T0)
    assert state.status is S.UNFULFILLABLE and mcf(events) == [S.UNFULFILLABLE]
    assert state.shortfalls == [Shortfall(item_id="i1", sku="MUG", quantity=1)]
    stock, _ = ledger.move(stock, moves, seller="acme", sku="MUG", cause=common.Cause("release"), at=T0)
    assert stock.centers["SMF3"] == {"FULFILLABLE": 2, "RESERVED_CUSTOMER_ORDER": 1}  # the other order keeps its unit
    assert stock.reservations == {"other": {"SMF3": 1}}


def test_a_fill_all_order_that_loses_the_race_waits_for_the_units_it_lost():
    _, state, moved = raced(ALL, on_hand=3, taken=2)
    state, events, moves = outbound.reservation_result(state, moved, T0)
    assert (state.status, moves, [a.quantity for a in state.allocations]) == (S.PLANNING, [], [1])
    assert outbound.wanted(state) == [("i1", "MUG", 2)] and [type(e) for e in events] == [OutboundOrderAllocated]


def test_a_fill_all_available_order_left_with_nothing_by_the_race_is_unfulfillable():
    _, state, moved = raced(AVAILABLE, on_hand=2, taken=2)
    state, events, moves = outbound.reservation_result(state, moved, T0)
    assert (state.status, moves, mcf(events)) == (S.UNFULFILLABLE, [], [S.UNFULFILLABLE])


def test_a_reservation_that_came_in_full_or_belongs_to_another_order_changes_nothing():
    _, state, moved = raced(KILL, on_hand=3, taken=0)
    assert outbound.reservation_result(state, moved, T0) == (state, [], [])
    _, _mine, moved = raced(KILL, on_hand=3, taken=1)
    other = outbound.requested(None, kind=OrderKind.MCF, order_id="shop-2", seller="acme", lines=[("i1", "MUG", 1)],
                               destination=None, fill_policy=KILL, cause=common.Cause("e2"), at=T0,
                               allocations=[at("i1", "SMF3", 1)], shortfalls=[], strategy="nearest")[0]
    assert outbound.reservation_result(other, moved, T0) == (other, [], [])


# ---- the planning hold, cancels ----


def test_the_order_leaves_planning_for_processing_once_the_hold_has_passed_and_only_once():
    state, _, _ = order(at("i1", "SMF3", 3))
    [(kind, due)] = outbound.deadlines(state, POLICY)
    assert (kind, due) == (outbound.PLANNING_HOLD, T0 + timedelta(minutes=30))
    assert fire(state, kind, due - timedelta(seconds=1)) == (state, [], [])
    state, events, moves = fire(state, kind, due)
    assert (state.status, state.processing_at, mcf(events)) == (S.PROCESSING, due, [S.PROCESSING])
    assert flows(moves) == [("SMF3", 3, RCO, RP, Cause.CUSTOMER_ORDER_PROCESSING)]
    assert outbound.deadlines(state, POLICY) == [] and fire(state, kind, due) == (state, [], [])


def test_an_mcf_order_can_be_cancelled_while_planning_and_its_units_go_back_to_fulfillable():
    state, _, _ = order(at("i1", "SMF3", 3))
    state, events, moves = outbound.cancel(state, cause=common.Cause("cancel"), at=T0 + timedelta(minutes=5))
    assert (state.status, state.cancel_requested, mcf(events)) == (S.CANCELLED, True, [S.CANCELLED])
    assert flows(moves) == [("SMF3", 3, RCO, F, Cause.CUSTOMER_ORDER_RELEASED)]
    assert outbound.cancel(state, cause=common.Cause("again"), at=T0) == (state, [], [])
    assert outbound.deadlines(state, POLICY) == []


def test_an_mcf_order_cannot_be_cancelled_once_processing():
    state, _, _ = fire(order(at("i1", "SMF3", 3))[0], outbound.PLANNING_HOLD, T0 + POLICY.planning_hold)
    with pytest.raises(Refused) as refused:
        outbound.cancel(state, cause=common.Cause("cancel"), at=T0 + timedelta(hours=1))
    assert refused.value.field == "$.mcf_order_id"
    with pytest.raises(NotFound):
        outbound.cancel(None, cause=common.Cause("cancel"), at=T0)


def canceled_by_orders() -> OrderCanceled:
    return OrderCanceled(event_id=uuid.uuid4(), seller="acme", occurred_at=T0 + timedelta(hours=1), order_id="shop-1",
                         reason="BuyerCanceled", canceled_by=CanceledBy.BUYER, counts_against_seller=False,
                         previous_status=OrderStatus.UNSHIPPED, fulfillment_channel=FulfillmentChannel.AFN)


def test_an_afn_order_canceled_by_the_orders_service_releases_its_units_even_when_processing():
    state, _, _ = order(at("i1", "SMF3", 3), kind=OrderKind.AFN)
    with pytest.raises(Refused):
        outbound.cancel(state, cause=common.Cause("cancel"), at=T0)
    state, _, _ = fire(state, outbound.PLANNING_HOLD, T0 + POLICY.planning_hold)
    state, events, moves = outbound.afn_canceled(state, canceled_by_orders())
    assert state.status is S.CANCELLED and changes(events) == [(S.PROCESSING, S.CANCELLED)]
    assert flows(moves) == [("SMF3", 3, RP, F, Cause.CUSTOMER_ORDER_RELEASED)]
    assert outbound.afn_canceled(None, canceled_by_orders()) == (None, [], [])


def test_an_afn_cancel_after_a_package_shipped_is_too_late_and_changes_nothing():
    state, _, _ = order(at("i1", "SMF3", 3), kind=OrderKind.AFN)
    state, _, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 1)))
    assert outbound.afn_canceled(state, canceled_by_orders()) == (state, [], [])


# ---- shipments ----


def test_shipments_partial_then_complete_move_reserved_units_out_and_complete_the_order():
    state, _, _ = order(at("i1", "SMF3", 2), at("i2", "SMF3", 1), lines=[("i1", "MUG", 2), ("i2", "MUG", 1)])
    state, events, moves = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 1)))
    assert state.status is S.PROCESSING and mcf(events) == [S.PROCESSING]
    assert flows(moves) == [("SMF3", 3, RCO, RP, Cause.CUSTOMER_ORDER_PROCESSING),
                            ("SMF3", 1, RP, None, Cause.CUSTOMER_ORDER_SHIPPED)]
    state, events, moves = outbound.shipped(state, shipment("SMF3", "TBA2", ("i1", 1), ("i2", 1), hours=3))
    assert flows(moves) == [("SMF3", 2, RP, None, Cause.CUSTOMER_ORDER_SHIPPED)]
    assert state.status is S.COMPLETE and mcf(events) == [S.COMPLETE]
    assert [p.tracking_number for p in events[-1].packages] == ["TBA1", "TBA2"]
    assert sorted((a.item_id, a.quantity) for a in state.shipped) == [("i1", 2), ("i2", 1)]
    assert outbound.outstanding(state) == {}


def test_an_afn_package_is_reported_to_the_orders_service_as_shipped():
    state, _, _ = order(at("i1", "SMF3", 3), kind=OrderKind.AFN)
    state, events, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 3)))
    [afn] = [e for e in events if isinstance(e, AfnOrderShipped)]
    assert (afn.order_id, afn.package.tracking_number, state.status) == ("shop-1", "TBA1", S.COMPLETE)
    assert mcf(events) == []


def test_over_shipping_and_unknown_items_are_recorded_and_capped_never_refused():
    state, _, _ = order(at("i1", "SMF3", 3))
    state, _events, moves = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 5), ("zz", 1)))
    assert flows(moves)[-1] == ("SMF3", 3, RP, None, Cause.CUSTOMER_ORDER_SHIPPED)
    assert state.status is S.COMPLETE and [p.tracking_number for p in state.packages] == ["TBA1"]
    notes = [h.summary for h in state.history if h.type == "note"]
    assert len(notes) == 2 and "2 x item i1" in notes[0] and "item zz" in notes[1]
    assert outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 5))) == (state, [], [])


def test_a_package_from_a_center_that_reserved_nothing_for_the_order_moves_no_stock():
    state, _, _ = order(at("i1", "SMF3", 3))
    state, _, moves = outbound.shipped(state, shipment("ABE8", "TBA1", ("i1", 1)))
    assert [m.cause for m in moves] == [Cause.CUSTOMER_ORDER_PROCESSING] and state.status is S.PROCESSING
    assert outbound.shipped(None, shipment("SMF3", "TBA9", ("i1", 1))) == (None, [], [])


def test_the_view_shows_allocations_shortfalls_shipments_and_the_timeline():
    state, _, _ = order(at("i1", "SMF3", 2), fill=ALL)
    state, _, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 2)))
    view = outbound.view(state)
    assert (view.fulfillment_order_id, view.kind, view.status, view.fill_policy) == ("shop-1", OrderKind.MCF,
                                                                                     S.PROCESSING, ALL)
    assert [a.quantity for a in view.allocations] == [2] and [a.quantity for a in view.shipped] == [2]
    assert [s.quantity for s in view.shortfalls] == [1] and len(view.packages) == 1
    assert [h.summary for h in view.history if h.type == McfOrderStatusChanged.type_tag()] == [
        "status=Received", "status=Planning", "status=Processing"]
    assert view.updated_at == T0 + timedelta(hours=2)


def test_the_stored_order_survives_a_json_round_trip():
    state, _, _ = order(at("i1", "SMF3", 2), fill=ALL)
    state, _, _ = outbound.shipped(state, shipment("SMF3", "TBA1", ("i1", 2)))
    assert msgspec.json.decode(msgspec.json.encode(state), type=outbound.Outbound) == state


# ---- Hold, and SKUs the network never held ----


def held_order(*allocations: Allocation):
    return outbound.requested(None, kind=OrderKind.MCF, order_id="shop-1", seller="acme", lines=[("i1", "MUG", 3)],
                              destination=(40.7, -74.0), fill_policy=KILL, cause=common.Cause("evt-1"), at=T0,
                              allocations=list(allocations), shortfalls=[], strategy="nearest", held=True)


def test_a_held_order_reserves_its_units_and_stays_planning_past_the_planning_hold():
    state, _events, moves = held_order(at("i1", "SMF3", 3))

    assert (state.status, state.held) == (S.PLANNING, True)
    assert flows(moves) == [("SMF3", 3, F, RCO, Cause.CUSTOMER_ORDER_RESERVED)]
    assert outbound.deadlines(state, POLICY) == [(outbound.HOLD_EXPIRED, T0 + timedelta(days=14))]
    assert fire(state, outbound.PLANNING_HOLD, T0 + POLICY.planning_hold) == (state, [], [])


def test_a_released_order_goes_to_processing_at_once_and_is_shipped():
    state, _, _ = held_order(at("i1", "SMF3", 3))

    released, events, moves = outbound.release(state, cause=common.Cause("release"), at=T0 + timedelta(days=2))

    assert (released.status, released.held) == (S.PROCESSING, False) and mcf(events) == [S.PROCESSING]
    assert flows(moves) == [("SMF3", 3, RCO, RP, Cause.CUSTOMER_ORDER_PROCESSING)]
    shipped, events, _ = outbound.shipped(released, shipment("SMF3", "TBA1", ("i1", 3), hours=60))
    assert shipped.status is S.COMPLETE
    assert outbound.release(shipped, cause=common.Cause("again"), at=T0) == (shipped, [], [])


def test_a_held_order_not_released_within_fourteen_days_is_cancelled_and_its_units_released():
    state, _, _ = held_order(at("i1", "SMF3", 3))
    [(kind, due)] = outbound.deadlines(state, POLICY)

    cancelled, events, moves = fire(state, kind, due)

    assert cancelled.status is S.CANCELLED and mcf(events) == [S.CANCELLED]
    assert "held 14 days" in next(e for e in events if isinstance(e, McfOrderStatusChanged)).reason
    assert flows(moves) == [("SMF3", 3, RCO, F, Cause.CUSTOMER_ORDER_RELEASED)]
    assert outbound.deadlines(cancelled, POLICY) == []


def test_an_mcf_line_naming_a_sku_the_network_never_held_makes_the_order_invalid_naming_the_field():
    state, events, moves = outbound.requested(
        None, kind=OrderKind.MCF, order_id="shop-1", seller="acme", lines=[("i1", "MUG", 1), ("i2", "NOPE", 1)],
        destination=None, fill_policy=ALL, cause=common.Cause("evt-1"), at=T0, allocations=[at("i1", "SMF3", 1)],
        shortfalls=[], strategy="nearest", unknown_skus=frozenset({"NOPE"}))

    assert (state.status, moves) == (S.INVALID, [])
    [invalid] = [e for e in events if isinstance(e, McfOrderStatusChanged) and e.status is S.INVALID]
    assert invalid.reason == "$.items[1].seller_sku: unknown SKU 'NOPE' (the network never held it)"
