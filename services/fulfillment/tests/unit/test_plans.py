"""Inbound plans: created with their options, options regenerated, one confirmed (final), cancelled (voided)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.inbound import (
    CancelInboundPlan, ConfirmPlacement, CreateInboundPlan, InboundPlanCanceled, InboundPlanConfirmed,
    InboundPlanCreated, InboundPlanView, PlacedShipment, PlacementOption, PlacementOptionsGenerated, PlanItem,
    PlanStatus, ShipFrom, ShipmentUnits, SizeTier, SplitKind,
)
from sellerops.contracts.market import Money
from sellerops.fulfillment.domain import plans
from sellerops.fulfillment.domain.common import NotFound, Refused, requested

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
HOME = ShipFrom(name="Acme", address_line1="1 Main", city="Reno", state_or_region="NV", postal_code="89502")
MUGS = PlanItem(sku="MUG", quantity=10, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)
CUPS = PlanItem(sku="CUP", quantity=4, unit_weight_kg=0.2, size_tier=SizeTier.SMALL_STANDARD)


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def placed(shipment_id: str, center: str, *units: tuple[str, int]) -> PlacedShipment:
    return PlacedShipment(shipment_id=shipment_id, center_id=center, items=[ShipmentUnits(s, n) for s, n in units],
                          units=sum(n for _, n in units), weight_kg=1.0, distance_km=100.0,
                          transport_cost=usd("10.00"))


def option(option_id: str, *shipments: PlacedShipment, expires: datetime = T0 + timedelta(days=1),
           total: str = "12.50") -> PlacementOption:
    shipments = shipments or (placed(f"{option_id}-S1", "SMF3", ("MUG", 10), ("CUP", 4)),)
    return PlacementOption(option_id=option_id, strategy="minimal", split=SplitKind.MINIMAL,
                           shipments=list(shipments), placement_fee=usd("2.50"), transport_cost=usd("10.00"),
                           total_cost=usd(total), expires_at=expires)


SPLIT = option("OPT-B", placed("S1", "SMF3", ("MUG", 6)), placed("S2", "ONT8", ("MUG", 4), ("CUP", 4)))
OPTIONS = [option("OPT-A"), SPLIT]


def request(plan_id: str = "P1", items=(MUGS, CUPS), name: str | None = "Holiday restock",
            strategies: list[str] | None = None) -> CreateInboundPlan:
    return CreateInboundPlan(plan_id=plan_id, items=list(items), ship_from=HOME, name=name, strategies=strategies)


def create(plan=None, req: CreateInboundPlan | None = None, options=None, refused=None,
           now: datetime = T0):
    req = req or request()
    return plans.create_plan(plan, req, seller="acme", options=OPTIONS if options is None else options,
                             refused=refused or {}, cause=requested("acme", req.plan_id, "create"), now=now)


def created(**kw) -> plans.Plan:
    return create(**kw)[0]


def confirm(plan: plans.Plan | None, option_id: str, now: datetime = T0 + timedelta(hours=1)):
    return plans.confirm_placement(plan, ConfirmPlacement(plan_id="P1", option_id=option_id),
                                   cause=requested("acme", "P1", f"confirm/{option_id}"), now=now)


def cancel(plan: plans.Plan | None, reason: str | None = "changed my mind",
           now: datetime = T0 + timedelta(hours=2)):
    return plans.cancel_plan(plan, CancelInboundPlan(plan_id="P1", reason=reason),
                             cause=requested("acme", "P1", "cancel"), now=now)


def regenerate(plan: plans.Plan | None, options: list[PlacementOption], refused=None,
               now: datetime = T0 + timedelta(days=2)):
    return plans.regenerate_options(plan, options=options, refused=refused or {},
                                    cause=requested("acme", "P1", f"regenerate/{now.isoformat()}"), now=now)


def refusal(excinfo: pytest.ExceptionInfo) -> tuple[str | None, str]:
    return excinfo.value.field, str(excinfo.value)


# ---- creating ----


def test_creating_a_plan_records_it_active_with_its_options_and_emits_created_then_options_generated():
    plan, events = create(refused={"optimal": "no capacity at ONT8"})

    assert (plan.plan_id, plan.seller, plan.status) == ("P1", "acme", PlanStatus.ACTIVE)
    assert (plan.items, plan.ship_from, plan.name) == ([MUGS, CUPS], HOME, "Holiday restock")
    assert (plan.options, plan.refused) == (OPTIONS, {"optimal": "no capacity at ONT8"})
    assert (plan.created_at, plan.updated_at, plan.confirmed_option_id, plan.shipment_ids) == (T0, T0, None, [])
    assert [type(e) for e in events] == [InboundPlanCreated, PlacementOptionsGenerated]
    made, offered = events
    assert (made.plan_id, made.seller, made.occurred_at, made.items, made.ship_from, made.name) == (
        "P1", "acme", T0, [MUGS, CUPS], HOME, "Holiday restock")
    assert (offered.plan_id, offered.options, offered.refused) == ("P1", OPTIONS, {"optimal": "no capacity at ONT8"})


def test_the_events_of_a_creation_have_distinct_ids_that_a_retry_repeats():
    _, first = create()
    _, again = create()

    assert len({e.event_id for e in first}) == 2
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert first[0].correlation_id == first[1].correlation_id == first[0].causation_id


def test_creating_records_the_events_in_the_plan_history():
    plan, events = create()

    assert [(h.type, h.event_id, h.at) for h in plan.history] == [
        (e.type_tag(), str(e.event_id), T0) for e in events]
    assert plan.history[1].summary == "options=OPT-A:12.50,OPT-B:12.50"


def test_the_same_create_request_again_changes_nothing():
    plan = created()

    again, events = create(plan, now=T0 + timedelta(minutes=5))

    assert (again, events) == (plan, [])


def test_the_same_request_is_recognised_even_when_the_items_arrive_as_a_tuple():
    plan = created()
    same = msgspec.structs.replace(request(), items=(MUGS, CUPS))

    assert create(plan, same) == (plan, [])


@pytest.mark.parametrize("other", [
    request(items=[MUGS]),
    request(name="Other name"),
    request(strategies=["minimal"]),
    msgspec.structs.replace(request(), ship_from=msgspec.structs.replace(HOME, postal_code="10001")),
], ids=["items", "name", "strategies", "ship_from"])
def test_another_plan_under_an_id_already_used_is_refused_naming_the_plan_id(other: CreateInboundPlan):
    plan = created()

    with pytest.raises(Refused) as excinfo:
        create(plan, other)

    field, message = refusal(excinfo)
    assert field == "$.plan_id" and "P1" in message and "already exists" in message


# ---- regenerating options ----


def test_regenerating_replaces_the_options_of_a_plan_not_yet_confirmed():
    plan = created()
    fresh = [option("OPT-C", expires=T0 + timedelta(days=3))]
    later = T0 + timedelta(days=2)

    after, events = regenerate(plan, fresh, refused={"minimal": "full"}, now=later)

    assert (after.options, after.refused, after.updated_at, after.created_at) == (
        fresh, {"minimal": "full"}, later, T0)
    [event] = events
    assert isinstance(event, PlacementOptionsGenerated)
    assert (event.plan_id, event.options, event.refused, event.occurred_at) == ("P1", fresh, {"minimal": "full"},
                                                                                later)
    assert after.history[-1].event_id == str(event.event_id)


def test_regenerating_the_options_of_an_unknown_plan_is_not_found():
    with pytest.raises(NotFound):
        regenerate(None, [])


def test_regenerating_after_an_option_was_confirmed_is_refused():
    plan, _ = confirm(created(), "OPT-A")

    with pytest.raises(Refused) as excinfo:
        regenerate(plan, [option("OPT-C")])

    field, message = refusal(excinfo)
    assert field == "$.plan_id" and "OPT-A" in message and "confirmed" in message


def test_regenerating_the_options_of_a_voided_plan_is_refused():
    plan, _ = cancel(created())

    with pytest.raises(Refused) as excinfo:
        regenerate(plan, [option("OPT-C")])

    field, message = refusal(excinfo)
    assert field == "$.plan_id" and "VOIDED" in message


def test_an_option_regenerated_after_the_first_ones_expired_can_be_confirmed():
    plan = created()
    later = T0 + timedelta(days=2)
    plan, _ = regenerate(plan, [option("OPT-C", expires=later + timedelta(hours=1))], now=later)

    with pytest.raises(Refused):
        confirm(plan, "OPT-A", now=later)  # no longer offered
    after, events = confirm(plan, "OPT-C", now=later)

    assert after.confirmed_option_id == "OPT-C" and len(events) == 1


# ---- confirming ----


def test_confirming_an_offered_option_records_it_with_its_shipments_and_emits_confirmed():
    plan = created()
    when = T0 + timedelta(hours=1)

    after, events = confirm(plan, "OPT-B", now=when)

    assert (after.confirmed_option_id, after.shipment_ids, after.status) == ("OPT-B", ["S1", "S2"],
                                                                             PlanStatus.ACTIVE)
    assert after.updated_at == when
    [event] = events
    assert isinstance(event, InboundPlanConfirmed)
    assert (event.plan_id, event.option, event.ship_from, event.occurred_at, event.seller) == (
        "P1", SPLIT, HOME, when, "acme")
    assert after.history[-1].summary == "option=OPT-B shipments=2"


def test_confirming_an_option_not_offered_is_refused_listing_the_offered_ones():
    plan = created()

    with pytest.raises(Refused) as excinfo:
        confirm(plan, "OPT-Z")

    field, message = refusal(excinfo)
    assert field == "$.option_id"
    assert "OPT-Z" in message and "OPT-A, OPT-B" in message


def test_confirming_when_no_option_was_offered_says_none_were():
    plan = created(options=[], refused={"minimal": "no capacity"})

    with pytest.raises(Refused) as excinfo:
        confirm(plan, "OPT-A")

    assert refusal(excinfo)[0] == "$.option_id" and "offered: none" in str(excinfo.value)


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=3)],
                         ids=["at-expiry", "just-after", "days-after"])
def test_confirming_an_expired_option_is_refused_asking_to_regenerate(late: timedelta):
    expiry = T0 + timedelta(days=1)
    plan = created(options=[option("OPT-A", expires=expiry)])

    with pytest.raises(Refused) as excinfo:
        confirm(plan, "OPT-A", now=expiry + late)

    field, message = refusal(excinfo)
    assert field == "$.option_id" and "expired" in message and "regenerate" in message


def test_an_option_confirmed_just_before_it_expires_is_accepted():
    expiry = T0 + timedelta(days=1)
    plan = created(options=[option("OPT-A", expires=expiry)])

    after, _ = confirm(plan, "OPT-A", now=expiry - timedelta(microseconds=1))

    assert after.confirmed_option_id == "OPT-A"


def test_confirming_the_same_option_twice_changes_nothing_even_after_it_expired():
    plan, _ = confirm(created(), "OPT-A")

    assert confirm(plan, "OPT-A") == (plan, [])
    assert confirm(plan, "OPT-A", now=T0 + timedelta(days=30)) == (plan, [])


def test_confirming_another_option_after_one_was_confirmed_is_refused():
    plan, _ = confirm(created(), "OPT-A")

    with pytest.raises(Refused) as excinfo:
        confirm(plan, "OPT-B")

    field, message = refusal(excinfo)
    assert field == "$.option_id" and "OPT-A" in message and "already confirmed" in message


def test_confirming_on_a_voided_plan_is_refused():
    plan, _ = cancel(created())

    with pytest.raises(Refused) as excinfo:
        confirm(plan, "OPT-A")

    assert refusal(excinfo)[0] == "$.plan_id"


def test_confirming_on_an_unknown_plan_is_not_found():
    with pytest.raises(NotFound):
        confirm(None, "OPT-A")


# ---- cancelling ----


def test_cancelling_voids_the_plan_and_the_event_lists_its_shipments():
    plan, _ = confirm(created(), "OPT-B")
    when = T0 + timedelta(hours=2)

    after, events = cancel(plan, reason="supplier late", now=when)

    assert (after.status, after.updated_at, after.shipment_ids) == (PlanStatus.VOIDED, when, ["S1", "S2"])
    [event] = events
    assert isinstance(event, InboundPlanCanceled)
    assert (event.plan_id, event.reason, event.shipment_ids, event.occurred_at) == (
        "P1", "supplier late", ["S1", "S2"], when)
    assert after.history[-1].summary == "reason=supplier late"


def test_cancelling_a_plan_before_any_option_was_confirmed_names_no_shipments():
    after, [event] = cancel(created(), reason=None)

    assert after.status is PlanStatus.VOIDED and event.shipment_ids == [] and event.reason is None


def test_cancelling_twice_changes_nothing():
    plan, _ = cancel(created())

    assert cancel(plan, now=T0 + timedelta(days=5)) == (plan, [])


def test_cancelling_an_unknown_plan_is_not_found():
    with pytest.raises(NotFound):
        cancel(None)


def test_cancelling_a_plan_whose_shipments_all_went_out_is_refused():
    shipped = msgspec.structs.replace(created(), status=PlanStatus.SHIPPED)

    with pytest.raises(Refused) as excinfo:
        cancel(shipped)

    assert refusal(excinfo) == ("$.plan_id", "inbound plan P1 is SHIPPED")


def test_the_same_create_request_after_cancelling_changes_nothing_and_does_not_revive_the_plan():
    plan, _ = cancel(created())

    assert create(plan) == (plan, [])


# ---- the view ----


def test_the_view_shows_the_plan_as_the_seller_sees_it():
    plan, _ = confirm(created(refused={"optimal": "full"}), "OPT-B")

    shown = plans.view(plan)

    assert shown == InboundPlanView(
        plan_id="P1", seller="acme", status=PlanStatus.ACTIVE, items=[MUGS, CUPS], ship_from=HOME, options=OPTIONS,
        refused={"optimal": "full"}, confirmed_option_id="OPT-B", shipment_ids=["S1", "S2"], name="Holiday restock",
        created_at=T0, updated_at=T0 + timedelta(hours=1))


def test_the_view_survives_a_json_round_trip():
    shown = plans.view(created())

    assert msgspec.json.decode(msgspec.json.encode(shown), type=InboundPlanView) == shown


def test_a_plan_survives_the_state_store_round_trip():
    plan, _ = confirm(created(), "OPT-B")

    assert msgspec.json.decode(msgspec.json.encode(plan), type=plans.Plan) == plan
