"""Receiving discrepancy cases come in pages (runtime.paging): a page stops at `limit` or at the reply budget in
bytes, and its `next_cursor` gives the rest, each case once, soonest claim deadline first. Through
bootstrap.build over the real stores on FakeKeyValue."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec

from sellerops.contracts.catalog import encode
from sellerops.contracts.inbound import (
    CaseStatus, ConfirmPlacement, CreateInboundPlan, InboundPlanConfirmed, InboundShipmentStatusReported, ListCases,
    PlanItem, ShipFrom, ShipmentStatus, SizeTier,
)
from sellerops.fulfillment import handlers
from sellerops.runtime.paging import reply_budget, set_reply_budget

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SELLER = "acme"
RENO = ShipFrom(name="Acme", address_line1="2200 Commerce Ave", city="Reno", state_or_region="NV", postal_code="89502")
PLANS = 12


async def closed_short(svc, n: int) -> None:
    """Plan `n` confirmed, its shipments delivered and closed with nothing received: a case each."""
    items = [PlanItem(sku=f"SKU-{n:02d}-{k}", quantity=10, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)
             for k in range(3)]
    await svc.h(handlers.plans.create_inbound_plan, SELLER,
                CreateInboundPlan(plan_id=f"P{n:02d}", items=items, ship_from=RENO))
    await svc.h(handlers.plans.confirm_placement, SELLER, ConfirmPlacement(plan_id=f"P{n:02d}", option_id="minimal"))
    confirmed = svc.published.of_type(InboundPlanConfirmed)[-1]
    await svc.h(handlers.shipments.on_plan_confirmed, confirmed)
    delivered = NOW + timedelta(days=2, hours=n // 2, microseconds=(n % 2) * 250_000)  # some in one second
    for planned in confirmed.option.shipments:
        for status, at in ((ShipmentStatus.DELIVERED, delivered), (ShipmentStatus.CLOSED, delivered + timedelta(1))):
            await svc.h(handlers.shipments.on_shipment_status, InboundShipmentStatusReported(
                event_id=uuid.uuid4(), seller=SELLER, occurred_at=at, shipment_id=planned.shipment_id, status=status))


async def every_page(svc, query: ListCases) -> tuple[list, list[int]]:
    seen, sizes = [], []
    while True:
        found = await svc.h(handlers.shipments.list_cases, SELLER, query)
        seen += found.cases
        sizes.append(len(encode(found.cases)))
        if found.next_cursor is None:
            return seen, sizes
        query = msgspec.structs.replace(query, cursor=found.next_cursor)


async def test_a_cases_page_stops_at_the_limit_and_the_cursor_gives_the_rest_once_soonest_first(svc):
    for n in range(PLANS):
        await closed_short(svc, n)
    whole = await svc.h(handlers.shipments.list_cases, SELLER, ListCases(status=CaseStatus.OPEN, limit=10_000))

    seen, sizes = await every_page(svc, ListCases(limit=5))

    assert len(whole.cases) >= PLANS and whole.next_cursor is None
    assert len(sizes) == -(-len(whole.cases) // 5)
    assert [c.case_id for c in seen] == [c.case_id for c in whole.cases]
    assert [c.claim_deadline for c in seen] == sorted(c.claim_deadline for c in seen)


async def test_a_cases_page_stops_at_the_reply_budget_in_bytes(svc):
    for n in range(PLANS):
        await closed_short(svc, n)
    set_reply_budget(4096 + 2000)  # this test's own context: 2,000 bytes of cases a page
    budget = reply_budget()

    seen, sizes = await every_page(svc, ListCases(status=None))

    assert len(sizes) > 2 and max(sizes) <= budget
    assert len({c.case_id for c in seen}) == len(seen) >= PLANS
