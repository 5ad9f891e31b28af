"""The simulator model: reproducible, ordered, realistic volumes and rates, and valid contracts."""

import time
from collections import Counter
from datetime import datetime, timedelta, UTC
from functools import cache
from zoneinfo import ZoneInfo

import msgspec
import pytest

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.envelope import Event
from sellerops.contracts.health import OrderPackageScanned
from sellerops.contracts.inventory import InventoryAdjustmentReported
from sellerops.contracts.market import FulfillmentChannel, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.returns import OrderDelivered, ReturnItemDelivered
from sellerops.contracts.orders import ConfirmShipment
from sellerops.simulator import SellerRequest, SimConfig, Step, simulate, ups_check_digit, ups_tracking_number

START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def config(**overrides) -> SimConfig:
    fields = {"seed": 7, "sellers": ["acme", "tea-house"], "start": START, "days": 14, "orders_per_day": 30.0}
    return SimConfig(**{**fields, **overrides})


_runs: dict[bytes, list[Step]] = {}


def steps(**overrides) -> list[Step]:
    """The steps of config(**overrides), run once per distinct config for the whole module."""
    cfg = config(**overrides)
    key = msgspec.json.encode(cfg) + str(cfg.start.tzinfo).encode()
    if key not in _runs:
        _runs[key] = list(simulate(cfg))
    return _runs[key]


def facts(items: list[Step], cls: type[Event] | None = None) -> list[Event]:
    return [s.payload for s in items if s.kind == "fact" and (cls is None or isinstance(s.payload, cls))]


def requests(items: list[Step], verb: str | None = None, kinds=("request",)) -> list[tuple[Step, SellerRequest]]:
    return [(s, s.payload) for s in items if s.kind in kinds and (verb is None or s.payload.verb == verb)]


def day_of(at: datetime, start: datetime = START) -> int:
    return (at - start) // timedelta(days=1)


@cache
def ups():
    from sellerops.orders.domain.carriers import carriers

    return next(c for c in carriers() if c.code == "UPS")


# ---- reproducibility ----


def test_the_same_config_gives_byte_identical_steps():
    first = msgspec.json.encode(list(simulate(config())))
    second = msgspec.json.encode(list(simulate(config())))
    assert first == second


def test_a_different_seed_gives_different_steps():
    assert msgspec.json.encode(steps(seed=7)) != msgspec.json.encode(steps(seed=8))


def test_a_sellers_steps_do_not_depend_on_the_other_sellers():
    alone = [s for s in simulate(config(sellers=["acme"]))]
    together = [s for s in steps() if s.seller == "acme"]
    assert msgspec.json.encode(alone) == msgspec.json.encode(together)


def test_event_ids_are_unique_and_derived_from_seed_seller_and_counter():
    ids = [e.event_id for e in facts(steps())]
    assert len(ids) == len(set(ids))
    assert all(e.event_id.version == 5 for e in facts(steps()))


# ---- time ----


def test_steps_come_in_non_decreasing_time_and_facts_occur_at_their_step():
    items = steps()
    assert all(a.at <= b.at for a, b in zip(items, items[1:]))
    assert all(s.payload.occurred_at == s.at and s.payload.seller == s.seller for s in items if s.kind == "fact")


def test_each_order_lifecycle_happens_in_causal_order():
    items = steps()
    placed = {e.order_id: e for e in facts(items, OrderPlaced)}
    paid = {e.order_id: e.occurred_at for e in facts(items, OrderPaymentAuthorized)}
    confirmed = {r.body.order_id: s.at for s, r in requests(items, "confirm_shipment")}
    scanned = {e.order_id: e.occurred_at for e in facts(items, OrderPackageScanned)}
    delivered = {e.order_id: e.occurred_at for e in facts(items, OrderDelivered)}
    for order_id, order in placed.items():
        assert order.purchased_at < paid[order_id]
        if order_id in confirmed:
            assert paid[order_id] < confirmed[order_id] < delivered[order_id]
        if order_id in scanned:
            assert confirmed[order_id] < scanned[order_id] < delivered[order_id]
    assert set(confirmed) <= set(placed) and set(delivered) <= set(placed)


def test_without_drain_nothing_happens_after_the_last_day():
    items = steps(drain=False)
    assert items and max(s.at for s in items) < START + timedelta(days=14)
    assert len(items) < len(steps())


# ---- volumes and seasonality ----


def test_order_volumes_roughly_match_orders_per_day_over_fourteen_days():
    per_seller = Counter(e.seller for e in facts(steps(), OrderPlaced))
    assert set(per_seller) == {"acme", "tea-house"}
    for count in per_seller.values():
        assert 0.85 * 30 * 14 <= count <= 1.15 * 30 * 14


def test_the_fulfillment_network_share_matches_afn_share():
    placed = facts(steps(afn_share=0.4, inbound_every_days=0), OrderPlaced)
    share = sum(e.fulfillment_channel is FulfillmentChannel.AFN for e in placed) / len(placed)
    assert 0.33 <= share <= 0.47


def test_the_seller_ships_every_order_itself_until_its_first_restock_can_have_been_received():
    cfg = config(afn_share=0.4)
    assert cfg.afn_from == START + timedelta(days=8)  # 4 days of handling plus up to 4 in transit
    placed = facts(steps(afn_share=0.4), OrderPlaced)
    before = [e for e in placed if e.purchased_at < cfg.afn_from]
    after = [e for e in placed if e.purchased_at >= cfg.afn_from]
    assert before and all(e.fulfillment_channel is FulfillmentChannel.MFN for e in before)
    assert 0.3 <= sum(e.fulfillment_channel is FulfillmentChannel.AFN for e in after) / len(after) <= 0.5
    adjustments = facts(steps(afn_share=0.4), InventoryAdjustmentReported)
    assert all(e.occurred_at >= cfg.afn_from for e in adjustments)  # no warehouse damage before there is stock


def test_inbound_does_not_change_the_orders():
    def orders(**overrides):
        return msgspec.json.encode([e for e in facts(steps(**overrides)) if isinstance(e, OrderPlaced)
                                    and e.purchased_at >= START + timedelta(days=8)])

    assert orders(inbound_every_days=7.0) == orders(inbound_every_days=3.5)


def test_weekends_are_busier_than_weekdays():
    placed = facts(steps(days=28, orders_per_day=50.0), OrderPlaced)
    by_weekday = Counter(e.purchased_at.weekday() for e in placed)
    weekday = sum(by_weekday[d] for d in range(5)) / 5
    weekend = sum(by_weekday[d] for d in (5, 6)) / 2
    assert weekend > 1.15 * weekday


def test_evenings_are_busier_than_nights():
    placed = facts(steps(days=28, orders_per_day=50.0), OrderPlaced)
    by_hour = Counter(e.purchased_at.hour for e in placed)
    evening = sum(by_hour[h] for h in range(18, 22))
    night = sum(by_hour[h] for h in range(1, 5))
    assert evening > 5 * night


def test_a_start_in_a_local_time_zone_keeps_days_and_ship_windows_local():
    la = ZoneInfo("America/Los_Angeles")
    start = datetime(2026, 11, 2, tzinfo=la)
    placed = facts(steps(start=start, days=7), OrderPlaced)
    assert all(0 <= day_of(e.purchased_at, start) < 7 for e in placed)
    latest = [e.ship_window.latest.astimezone(la) for e in placed]
    assert {(t.hour, t.minute, t.second) for t in latest} == {(23, 59, 59)}


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"])
def test_ship_dates_are_never_before_the_order_date_nor_after_the_confirmation_date(zone):
    tz = ZoneInfo(zone)
    start = datetime(2026, 11, 2, tzinfo=tz)
    items = steps(start=start, days=7)
    placed = {e.order_id: e for e in facts(items, OrderPlaced)}
    for step, request in requests(items, "confirm_shipment"):
        ship_date = request.body.package.ship_date
        assert ship_date >= placed[request.body.order_id].purchased_at.date()
        assert ship_date <= step.at.astimezone(UTC).date()
        assert ship_date <= step.at.astimezone(tz).date()


# ---- rates and trouble ----


def _mfn_outcomes(items: list[Step]):
    placed = {e.order_id: e for e in facts(items, OrderPlaced)}
    scanned = {e.order_id for e in facts(items, OrderPackageScanned)}
    delivered = {e.order_id: e.occurred_at for e in facts(items, OrderDelivered)}
    for step, request in requests(items, "confirm_shipment"):
        order = placed[request.body.order_id]
        yield {
            "placed_day": day_of(order.purchased_at),
            "ship_day": day_of(step.at),
            "late": step.at > order.ship_window.latest,
            "scanned": order.order_id in scanned,
            "on_time": delivered[order.order_id] <= order.delivery_window.latest,
        }


def _rate(rows, flag, day_key, inside) -> float:
    chosen = [r[flag] for r in rows if inside(r[day_key])]
    assert len(chosen) > 50
    return sum(chosen) / len(chosen)


def test_the_late_streak_raises_the_late_shipment_rate_only_in_its_days():
    rows = list(_mfn_outcomes(steps(days=21, late_streak=(7, 14), late_streak_rate=0.4, late_ship_rate=0.02,
                                    afn_share=0.0)))
    assert _rate(rows, "late", "placed_day", lambda d: 7 <= d < 14) > 0.3
    assert _rate(rows, "late", "placed_day", lambda d: not 7 <= d < 14) < 0.06


def test_the_bad_carrier_week_collapses_scans_and_on_time_delivery_only_in_its_days():
    rows = list(_mfn_outcomes(steps(days=21, bad_carrier_week=(7, 14), afn_share=0.0)))
    inside, outside = (lambda d: 7 <= d < 14), (lambda d: d < 6 or d >= 15)
    assert _rate(rows, "scanned", "ship_day", inside) < 0.7
    assert _rate(rows, "scanned", "ship_day", outside) > 0.93
    assert _rate(rows, "on_time", "ship_day", inside) < 0.65
    assert _rate(rows, "on_time", "ship_day", outside) > 0.88


def test_without_trouble_the_rates_follow_the_config():
    rows = list(_mfn_outcomes(steps(days=21, afn_share=0.0)))
    assert _rate(rows, "late", "placed_day", lambda d: True) < 0.05
    assert _rate(rows, "scanned", "ship_day", lambda d: True) > 0.94


def test_feedback_stars_follow_the_star_distribution():
    from sellerops.contracts.health import FeedbackReceived

    ratings = Counter(e.rating for e in facts(steps(days=28, orders_per_day=50.0, feedback_rate=0.5),
                                              FeedbackReceived))
    total = sum(ratings.values())
    assert 0.6 <= ratings[5] / total <= 0.8
    assert set(ratings) <= {1, 2, 3, 4, 5}


def test_afn_orders_get_no_seller_confirmation_and_mfn_orders_get_exactly_one():
    items = steps()
    channel = {e.order_id: e.fulfillment_channel for e in facts(items, OrderPlaced)}
    confirmed = Counter(r.body.order_id for _, r in requests(items, "confirm_shipment"))
    assert all(channel[o] is FulfillmentChannel.MFN and n == 1 for o, n in confirmed.items())
    assert any(c is FulfillmentChannel.AFN for c in channel.values())


def test_some_messages_are_never_replied_to_and_replies_come_after_the_message():
    from sellerops.contracts.returns import BuyerMessageReceived

    items = steps(message_rate=0.5, reply_rate=0.8)
    received = {e.message_id: e.occurred_at for e in facts(items, BuyerMessageReceived)}
    replies = {r.body.message_id: s.at for s, r in requests(items, "reply_to_message")}
    assert set(replies) < set(received)
    assert all(received[m] < at <= received[m] + timedelta(hours=72) for m, at in replies.items())
    assert 0.7 <= len(replies) / len(received) <= 0.9


# ---- contracts ----


def test_every_fact_round_trips_through_the_event_catalog():
    items = steps(return_rate=0.3, claim_rate=0.1, feedback_rate=0.5, message_rate=0.3, feedback_removed_rate=0.5)
    kinds = set()
    for event in facts(items):
        decoded = decode_event(msgspec.json.encode(event))
        assert decoded == event
        kinds.add(type(event).__name__)
    assert kinds >= {"OrderPlaced", "OrderPaymentAuthorized", "OrderBuyerCancelRequested", "OrderPackageScanned",
                     "OrderDelivered", "BuyerMessageReceived", "FeedbackReceived", "FeedbackRemoved",
                     "ReturnRequested", "ReturnItemDelivered", "CustomerReturnReported", "ClaimFiled",
                     "ClaimDecisionReported", "InventoryAdjustmentReported"}


def _endpoints() -> dict[tuple[str, str], type]:
    from sellerops.fulfillment.subscribers import ENDPOINTS as fulfillment
    from sellerops.notifications.subscribers import ENDPOINTS as notifications
    from sellerops.orders.subscribers import ENDPOINTS as orders
    from sellerops.returns.subscribers import ENDPOINTS as returns

    return {(service, spec.verb): spec.request_type
            for service, specs in (("orders", orders), ("returns", returns), ("notifications", notifications),
                                   ("fulfillment", fulfillment))
            for spec in specs}


def test_every_request_validates_and_names_a_real_endpoint_with_its_request_type():
    endpoints = _endpoints()
    items = steps(return_rate=0.3, claim_rate=0.1, message_rate=0.3)
    verbs = set()
    for _, request in requests(items, kinds=("request", "lookup")):
        body_type = endpoints[(request.service, request.verb)]
        assert type(request.body) is body_type
        assert msgspec.json.decode(msgspec.json.encode(request.body), type=body_type) == request.body
        verbs.add(request.verb)
    assert verbs == {"confirm_shipment", "cancel_order", "answer_cancel_request", "reply_to_message",
                     "refund_return", "respond_to_claim", "create_inbound_plan", "get_outbound_order"}


def test_each_step_knows_its_subject():
    items = steps()
    fact = next(s for s in items if s.kind == "fact")
    request = next(s for s in items if s.kind == "request" and s.payload.verb == "confirm_shipment")
    assert fact.subject == f"market.{fact.seller}.order.placed"
    assert request.subject == f"req.orders.{request.seller}.confirm_shipment"


def test_request_ids_are_unique_so_a_replayed_request_is_recognized():
    ids = [r.body.request_id for _, r in requests(steps()) if getattr(r.body, "request_id", None)]
    assert ids and len(ids) == len(set(ids))


def test_the_ups_check_digit_matches_the_published_example():
    assert "1Z999AA1012345678" + ups_check_digit("999AA1012345678") == "1Z999AA10123456784"


def test_generated_ups_numbers_pass_the_orders_services_validation():
    import random

    rng = random.Random(3)
    for shipper in ("999AA1", "A1B2C3", "000000", "ZZZZZZ"):
        for _ in range(200):
            assert ups().validate(ups_tracking_number(rng, shipper)) is None


def test_every_simulated_tracking_number_passes_the_orders_services_validation():
    items = steps(return_rate=0.3)
    numbers = [r.body.package.tracking_number for _, r in requests(items, "confirm_shipment")]
    numbers += [e.tracking_number for e in facts(items, ReturnItemDelivered)]
    assert numbers and all(ups().validate(n) is None for n in numbers)
    assert all(isinstance(r.body, ConfirmShipment) and r.body.package.carrier_code == "UPS"
               for _, r in requests(items, "confirm_shipment"))


def test_a_bad_config_is_refused():
    with pytest.raises(ValueError):
        config(start=datetime(2026, 11, 2))
    with pytest.raises(ValueError):
        config(sellers=["no spaces"])
    with pytest.raises(ValueError):
        config(late_ship_rate=1.5)


# ---- speed ----


def test_ninety_days_for_three_sellers_at_fifty_orders_a_day_generates_quickly():
    began = time.perf_counter()
    count = sum(1 for _ in simulate(config(sellers=["a", "b", "c"], days=90, orders_per_day=50.0)))
    took = time.perf_counter() - began
    print(f"\n90 days x 3 sellers x 50 orders/day: {count} steps in {took:.2f} s")
    assert count > 3 * 90 * 50 * 3
    assert took < 30  # generous: the point is the printed time
