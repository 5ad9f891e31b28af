"""Where the buyers are, learned from the seller's orders: the counts the service keeps per SKU, and the
placement options priced against them."""

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.inbound import CreateInboundPlan, PlanItem, ShipFrom, SizeTier
from sellerops.contracts.market import Destination, FulfillmentChannel, Money, OrderItem, OrderPlaced
from sellerops.fulfillment import handlers
from sellerops.fulfillment.adapters import default_buyer_regions, default_costs, default_network, locate
from sellerops.fulfillment.domain import offers, placement
from sellerops.fulfillment.domain.placement.demand import SkuDemand, record, ship_tos
from sellerops.plugins.spec import PLACEMENT, Registry

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SELLER = "acme"
ONTARIO = ShipFrom(name="Acme", address_line1="1 Main St", city="Ontario", state_or_region="CA", postal_code="91761")


def placed(*lines: tuple[str, int], postal_code: str | None = "10001", at: datetime = NOW) -> OrderPlaced:
    return OrderPlaced(event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, order_id=f"O-{uuid.uuid4().hex[:8]}",
                       fulfillment_channel=FulfillmentChannel.AFN, purchased_at=at,
                       items=[OrderItem(order_item_id=f"I{n}", sku=sku, quantity=q, item_price=Money(Decimal(5), "USD"))
                              for n, (sku, q) in enumerate(lines)],
                       destination=Destination(postal_code=postal_code) if postal_code else None)


async def test_an_order_counts_each_lines_units_to_its_zip3_once_even_when_redelivered(svc):
    order = placed(("MUG-BLUE", 2), ("LAMP", 1), postal_code="10001-2345")
    await svc.h(handlers.plans.on_order_placed, order)
    await svc.h(handlers.plans.on_order_placed, order)
    await svc.h(handlers.plans.on_order_placed, placed(("MUG-BLUE", 3), postal_code="90012"))

    mug = await svc.stores["demand"].load(SELLER, "MUG-BLUE")
    assert mug.days == {"2026-03-02": {"100": 2, "900": 3}}
    assert (await svc.stores["demand"].load(SELLER, "LAMP")).days == {"2026-03-02": {"100": 1}}


async def test_an_order_without_a_us_ship_to_teaches_nothing(svc):
    await svc.h(handlers.plans.on_order_placed, placed(("MUG-BLUE", 2), postal_code=None))
    await svc.h(handlers.plans.on_order_placed, placed(("MUG-BLUE", 2), postal_code="SW1A 1AA"))
    assert await svc.stores["demand"].load(SELLER, "MUG-BLUE") is None


def test_days_older_than_the_window_before_the_newest_are_dropped():
    state, _ = record(None, sku="A", postal_code="10001", country_code="US", units=4, at=NOW - timedelta(days=40),
                      window_days=30)
    state, _ = record(state, sku="A", postal_code="60601", country_code="US", units=1, at=NOW, window_days=30)
    assert state == SkuDemand(sku="A", days={"2026-03-02": {"606": 1}})
    assert [(s.sku, s.postal_code, s.units) for s in ship_tos([state])] == [("A", "606", 1)]


def test_orders_going_east_change_the_landed_price_and_speed_of_a_west_coast_plan():
    strategies = Registry(PLACEMENT)
    strategies.add("minimal", placement.Minimal())
    costs = dataclasses.replace(default_costs(), buyers=default_buyer_regions())
    placer = offers.Placer(network=default_network(), costs=costs, strategies=strategies, locate=locate,
                           pseudo_units=10)
    plan = CreateInboundPlan(plan_id="P1", ship_from=ONTARIO, items=[
        PlanItem(sku="MUG-BLUE", quantity=100, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)])
    by_population = placer.place(plan, NOW)[0][0]
    east = [placement.demand.ShipTo("MUG-BLUE", "100", 500, NOW - timedelta(days=1))]
    by_orders = placer.place(plan, NOW, east)[0][0]

    assert by_orders.shipments == by_population.shipments  # minimal's split does not look at buyers
    assert by_orders.outbound_cost.amount > by_population.outbound_cost.amount
    assert by_orders.share_within_2_days < by_population.share_within_2_days
    assert by_orders.landed_cost.amount == (by_orders.total_cost.amount + by_orders.outbound_cost.amount
                                            + by_orders.holding_cost.amount)


def test_the_packaged_zip3_table_holds_the_us_population_with_its_source():
    regions = default_buyer_regions()
    people = dict(zip(regions.codes, regions.weight))
    assert len(regions.codes) == 933 and sum(regions.weight) == 307_592_989  # 2010 Census, all ZIP3s
    assert people["100"] > 1_000_000 and people["606"] > 1_000_000  # Manhattan, Chicago
    assert "2010 U.S. Census" in regions.about and "zipsearch" in regions.about
