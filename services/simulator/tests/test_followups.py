"""Follow-ups: what the simulated marketplace does once a service has answered (inbound plans, AFN shipping)."""

from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.inbound import (
    ConfirmPlacement, CreateInboundPlan, InboundPlanView, InboundReceiptReported, InboundShipmentStatusReported,
    PlacedShipment, PlacementOption, PlanStatus, ReimbursementIssued, ShipmentStatus, ShipmentUnits, SplitKind,
    UpdateShipment,
)
from sellerops.contracts.inventory import (
    Allocation, FillPolicy, GetOutboundOrder, OrderKind, OutboundOrderView, OutboundShipmentReported, Shortfall,
)
from sellerops.contracts.market import Money
from sellerops.contracts.orders import McfStatus
from sellerops.simulator import SimConfig, Step, simulate
from sellerops.simulator.domain.followups import AFN_ATTEMPTS, AFN_RETRY, Timeline, respond
from sellerops.simulator.domain import SellerRequest

START = datetime(2026, 11, 2, tzinfo=timezone.utc)
CONFIG = SimConfig(seed=7, sellers=["acme"], start=START, days=21, orders_per_day=40.0)
USD = "USD"


def plan_requests(config: SimConfig = CONFIG) -> list[Step]:
    return [s for s in simulate(config) if s.kind == "request" and s.payload.verb == "create_inbound_plan"]


def option(option_id: str, total: str, shipments: list[PlacedShipment]) -> PlacementOption:
    return PlacementOption(option_id=option_id, strategy="minimal", split=SplitKind.MINIMAL, shipments=shipments,
                           placement_fee=Money(Decimal(total), USD), transport_cost=Money(Decimal("0"), USD),
                           total_cost=Money(Decimal(total), USD), expires_at=START + timedelta(days=1))


def shipment(shipment_id: str, center: str, units: dict[str, int]) -> PlacedShipment:
    return PlacedShipment(shipment_id=shipment_id, center_id=center,
                          items=[ShipmentUnits(sku, n) for sku, n in units.items()], units=sum(units.values()),
                          weight_kg=10.0, distance_km=800.0, transport_cost=Money(Decimal("40"), USD))


def plan_view(request: CreateInboundPlan, options: list[PlacementOption], confirmed: str | None = None) -> bytes:
    chosen = next((o for o in options if o.option_id == confirmed), None)
    view = InboundPlanView(plan_id=request.plan_id, seller="acme", status=PlanStatus.ACTIVE, items=request.items,
                           ship_from=request.ship_from, options=options, confirmed_option_id=confirmed,
                           shipment_ids=[s.shipment_id for s in chosen.shipments] if chosen else [],
                           created_at=START, updated_at=START)
    return msgspec.json.encode(view)


def split_options(request: CreateInboundPlan) -> list[PlacementOption]:
    units = {item.sku: item.quantity for item in request.items}
    half = {sku: n // 2 for sku, n in units.items()}
    rest = {sku: n - half[sku] for sku, n in units.items()}
    return [option("one-center", "310.00", [shipment(f"{request.plan_id}.1", "PHX7", units)]),
            option("two-centers", "190.00", [shipment(f"{request.plan_id}.1", "ONT8", half),
                                             shipment(f"{request.plan_id}.2", "JFK8", rest)])]


def shipped_and_received(config: SimConfig = CONFIG) -> tuple[CreateInboundPlan, list[Step]]:
    create = plan_requests(config)[0]
    options = split_options(create.payload.body)
    [confirm] = respond(config, create, plan_view(create.payload.body, options))
    return create.payload.body, respond(config, confirm, plan_view(create.payload.body, options, "two-centers"))


# ---- the model asks ----


def test_a_plan_goes_out_an_hour_after_the_start_and_then_every_inbound_period():
    plans = plan_requests()
    assert [s.at for s in plans] == [START + timedelta(hours=1, days=d) for d in (0, 7, 14)]
    assert [s.payload.body.plan_id for s in plans] == ["sim-acme-plan-001", "sim-acme-plan-002", "sim-acme-plan-003"]
    assert all(s.payload.follow == "inbound.confirm" for s in plans)


def test_a_plan_covers_the_networks_expected_sales_until_the_next_one():
    body = plan_requests()[0].payload.body
    assert {item.sku for item in body.items} >= {"MUG-BLUE-12OZ", "KETTLE-GOOSE-1L"}
    units = sum(item.quantity for item in body.items)
    expected_sales = 40 * 0.4 * 7 * 1.2 * 1.225  # orders a day x AFN share x days x lines x units per line
    assert 1.3 * expected_sales <= units <= 1.9 * expected_sales  # inbound_cover 1.6, give or take 15%


def test_no_plans_when_the_network_is_assumed_stocked():
    config = msgspec.structs.replace(CONFIG, inbound_every_days=0.0)
    assert plan_requests(config) == []
    assert config.afn_from == START


# ---- inbound follow-ups ----


def test_the_cheapest_placement_option_is_confirmed_after_a_while():
    create = plan_requests()[0]
    [confirm] = respond(CONFIG, create, plan_view(create.payload.body, split_options(create.payload.body)))
    assert confirm.payload.body == ConfirmPlacement(plan_id="sim-acme-plan-001", option_id="two-centers")
    assert timedelta(minutes=15) <= confirm.at - create.at <= timedelta(hours=2)
    assert confirm.payload.follow == "inbound.ship"


def test_with_landed_costs_the_option_cheapest_landed_is_confirmed_not_the_cheapest_to_send():
    create = plan_requests()[0]
    units = {i.sku: i.quantity for i in create.payload.body.items}
    near = msgspec.structs.replace(option("near", "100", [shipment("a", "ONT8", units)]),
                                   landed_cost=Money(Decimal(900), USD))
    spread = msgspec.structs.replace(option("spread", "250", [shipment("b", "ONT8", units)]),
                                     landed_cost=Money(Decimal(600), USD))
    [confirm] = respond(CONFIG, create, plan_view(create.payload.body, [near, spread]))
    assert confirm.payload.body.option_id == "spread"


def test_a_refused_plan_or_one_without_options_has_no_follow_up():
    create = plan_requests()[0]
    assert respond(CONFIG, create, None) == []
    assert respond(CONFIG, create, plan_view(create.payload.body, [])) == []


def test_each_shipment_is_readied_shipped_delivered_received_and_closed_in_that_order():
    _, steps = shipped_and_received()
    for sid in ("sim-acme-plan-001.1", "sim-acme-plan-001.2"):
        mine = [s for s in steps if getattr(s.payload, "shipment_id", None) == sid
                or getattr(s.payload.body if s.kind != "fact" else None, "shipment_id", None) == sid]
        story = [(s.payload.body.status.value if s.kind == "request" else
                  s.payload.status.value if isinstance(s.payload, InboundShipmentStatusReported) else
                  type(s.payload).__name__) for s in sorted(mine, key=lambda s: s.at)]
        receipts = story.count("InboundReceiptReported")
        assert 1 <= receipts <= 3
        assert story[:5] == ["READY_TO_SHIP", "SHIPPED", "IN_TRANSIT", "DELIVERED", "CHECKED_IN"]
        assert story[5:5 + receipts] == ["InboundReceiptReported"] * receipts
        assert story[5 + receipts] == "CLOSED"
        assert set(story[6 + receipts:]) <= {"ReimbursementIssued"}
    shipped = [s.payload.body for s in steps if s.kind == "request" and s.payload.body.status is ShipmentStatus.SHIPPED]
    assert all(body.carrier_code == "UPS" and body.tracking_number.startswith("1Z") for body in shipped)


def test_receipts_add_up_to_what_was_shipped_less_shortages_plus_overages():
    config = msgspec.structs.replace(CONFIG, inbound_shortage_rate=0.5, inbound_damaged_rate=0.3,
                                     inbound_overage_rate=0.0, reimbursement_rate=1.0)
    body, steps = shipped_and_received(config)
    sent = {item.sku: item.quantity for item in body.items}
    arrived, damaged = Counter(), Counter()
    for s in steps:
        if isinstance(s.payload, InboundReceiptReported):
            for line in s.payload.lines:
                arrived[line.sku] += line.received
                damaged[line.sku] += line.damaged
    reimbursed = Counter()
    for s in steps:
        if isinstance(s.payload, ReimbursementIssued):
            reimbursed[s.payload.sku] += s.payload.quantity_cash
            assert s.payload.amount.amount > 0 and s.payload.shipment_id.startswith("sim-acme-plan-001.")
    missing = {sku: sent[sku] - arrived[sku] for sku in sent}
    assert all(m >= 0 for m in missing.values()) and sum(missing.values()) > 0, "some units came up short"
    assert reimbursed == Counter({sku: missing[sku] for sku in sent if missing[sku]}), \
        "with reimbursement_rate 1 every unit short or damaged is reimbursed"
    closed = {s.payload.shipment_id: s.at for s in steps if isinstance(s.payload, InboundShipmentStatusReported)
              and s.payload.status is ShipmentStatus.CLOSED}
    assert all(s.at >= closed[s.payload.shipment_id] + timedelta(days=3) for s in steps
               if isinstance(s.payload, ReimbursementIssued)), "a reimbursement comes after the case is opened"


def test_the_same_answer_gives_the_same_follow_ups():
    assert msgspec.json.encode(shipped_and_received()[1]) == msgspec.json.encode(shipped_and_received()[1])


def test_every_follow_up_request_names_a_real_endpoint_with_its_request_type():
    from sellerops.fulfillment.subscribers import ENDPOINTS

    types = {spec.verb: spec.request_type for spec in ENDPOINTS}
    _, steps = shipped_and_received()
    requests = [s.payload for s in steps if s.kind != "fact"]
    assert requests and all(type(r.body) is types[r.verb] for r in requests)
    assert {type(r.body) for r in requests} == {UpdateShipment}


# ---- AFN orders ----


def afn_lookup() -> Step:
    return next(s for s in simulate(CONFIG) if s.kind == "lookup")


def outbound(allocations=(), shipped=(), shortfalls=()) -> bytes:
    return msgspec.json.encode(OutboundOrderView(
        fulfillment_order_id="o-1", seller="acme", kind=OrderKind.AFN, status=McfStatus.PROCESSING,
        fill_policy=FillPolicy.FILL_ALL, allocations=list(allocations), shortfalls=list(shortfalls),
        shipped=list(shipped), packages=[], history=[], updated_at=START))


def test_an_afn_order_is_looked_up_after_payment_to_ship_it_from_where_it_was_allocated():
    lookup = afn_lookup()
    assert lookup.at >= CONFIG.afn_from
    assert isinstance(lookup.payload.body, GetOutboundOrder) and lookup.payload.follow == "afn.ship"
    order_id = lookup.payload.context["order_id"]
    answer = outbound([Allocation(item_id="i1", sku="MUG-BLUE-12OZ", center_id="PHX7", quantity=2),
                       Allocation(item_id="i2", sku="SPOON-SET-4", center_id="ONT8", quantity=1)])
    reported = respond(CONFIG, lookup, answer)
    packages = [s.payload for s in reported]
    assert all(isinstance(p, OutboundShipmentReported) and p.fulfillment_order_id == order_id for p in packages)
    assert {p.center_id: [(i.order_item_id, i.quantity) for i in p.package.items] for p in packages} == {
        "PHX7": [("i1", 2)], "ONT8": [("i2", 1)]}
    assert lookup.payload.context["tracking"] in {p.package.tracking_number for p in packages}
    assert all(s.at >= datetime.fromisoformat(lookup.payload.context["shipped_at"]) for s in reported)


def test_what_was_already_shipped_is_not_reported_again():
    answer = outbound([Allocation(item_id="i1", sku="MUG-BLUE-12OZ", center_id="PHX7", quantity=2)],
                      shipped=[Allocation(item_id="i1", sku="MUG-BLUE-12OZ", center_id="PHX7", quantity=2)])
    assert respond(CONFIG, afn_lookup(), answer) == []


@pytest.mark.parametrize("answer", [None, outbound(shortfalls=[Shortfall(item_id="i1", sku="MUG-BLUE-12OZ",
                                                                          quantity=1)])],
                         ids=["not released yet", "back-ordered"])
def test_an_order_not_yet_allocated_is_looked_up_again_later_for_a_week(answer):
    lookup = afn_lookup()
    [again] = respond(CONFIG, lookup, answer)
    assert again.kind == "lookup" and again.at == lookup.at + AFN_RETRY
    assert again.payload.context == {**lookup.payload.context, "attempt": 2}
    last = msgspec.structs.replace(lookup, payload=msgspec.structs.replace(
        lookup.payload, context={**lookup.payload.context, "attempt": AFN_ATTEMPTS}))
    assert respond(CONFIG, last, answer) == []


# ---- the timeline a driver walks ----


def test_the_timeline_yields_follow_ups_in_their_place_among_the_models_steps():
    config = msgspec.structs.replace(CONFIG, days=10, orders_per_day=5.0, drain=False)
    timeline, seen = Timeline([config]), []
    for step in timeline:
        seen.append(step)
        if step.kind == "request" and step.payload.verb == "create_inbound_plan":
            timeline.answered(step, plan_view(step.payload.body, split_options(step.payload.body)))
        elif step.kind == "request" and step.payload.verb == "confirm_placement_option":
            body = next(s for s in seen if s.kind == "request" and s.payload.verb == "create_inbound_plan"
                        and s.payload.body.plan_id == step.payload.body.plan_id).payload.body
            timeline.answered(step, plan_view(body, split_options(body), "two-centers"))
        else:
            timeline.answered(step, None)
    assert [s.at for s in seen] == sorted(s.at for s in seen)
    assert any(isinstance(s.payload, InboundReceiptReported) for s in seen)
    assert len({s.payload.event_id for s in seen if s.kind == "fact"}) == sum(s.kind == "fact" for s in seen)
    end = START + timedelta(days=10)
    assert all(s.at < end for s in seen), "without drain nothing is scheduled past the last day"


def test_a_fact_has_no_follow_up():
    fact = next(s for s in simulate(CONFIG) if s.kind == "fact")
    assert respond(CONFIG, fact, None) == []
    assert SellerRequest(service="orders", verb="x", body=None).follow is None


def test_units_allocated_on_a_later_look_ship_in_a_package_with_a_tracking_number_of_its_own():
    lookup = afn_lookup()
    again = msgspec.structs.replace(lookup, payload=msgspec.structs.replace(
        lookup.payload, context={**lookup.payload.context, "attempt": 2}))
    answer = outbound([Allocation(item_id="i1", sku="MUG-BLUE-12OZ", center_id="PHX7", quantity=1),
                       Allocation(item_id="i2", sku="SPOON-SET-4", center_id="ONT8", quantity=1)],
                      shipped=[Allocation(item_id="i1", sku="MUG-BLUE-12OZ", center_id="PHX7", quantity=1)])
    [package] = [s.payload for s in respond(CONFIG, again, answer)]
    assert package.center_id == "ONT8"
    assert package.package.tracking_number != lookup.payload.context["tracking"], \
        "the first package already has that number: a second package with it would be taken for a repeat"
