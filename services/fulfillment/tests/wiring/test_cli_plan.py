"""`sellerops fulfillment plan-create`: each option with its fee, transport, expected outbound, landed cost
and days to the buyer."""

from datetime import UTC, datetime
from decimal import Decimal

import msgspec
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.contracts.inbound import (
    CreateInboundPlan, InboundPlanView, PlacedShipment, PlacementOption, PlanItem, PlanStatus, ShipFrom, ShipmentUnits,
    SizeTier, SplitKind,
)
from sellerops.contracts.market import Money
from sellerops.fulfillment.plugin import commands

AT = datetime(2026, 11, 10, 8, tzinfo=UTC)
USD = lambda amount: Money(Decimal(amount), "USD")  # noqa: E731
RENO = ShipFrom(name="Acme", address_line1="1 Commerce Ave", city="Reno", state_or_region="NV", postal_code="89502")
ITEM = PlanItem(sku="MUG", quantity=100, unit_weight_kg=0.4, size_tier=SizeTier.SMALL_STANDARD)


def option(name: str, landed: str, p50: int, p90: int, fast: float, meets: bool | None) -> PlacementOption:
    shipment = PlacedShipment(shipment_id=f"P1-{name}", center_id="RNO4", items=[ShipmentUnits("MUG", 100)],
                              units=100, weight_kg=40.0, distance_km=12.0, transport_cost=USD("150.12"))
    return PlacementOption(option_id=name, strategy=name, split=SplitKind.MINIMAL, shipments=[shipment],
                           placement_fee=USD("21.00"), transport_cost=USD("150.12"), total_cost=USD("171.12"),
                           expires_at=AT, outbound_cost=USD("480.00"), holding_cost=USD("0.00"),
                           landed_cost=USD(landed), days_p50=p50, days_p90=p90, share_within_2_days=fast,
                           meets_speed_target=meets)


def test_plan_create_lists_each_option_with_landed_cost_and_days_to_the_buyer(monkeypatch, tmp_path):
    plan = InboundPlanView(plan_id="P1", seller="demo-seller", status=PlanStatus.ACTIVE, items=[ITEM], ship_from=RENO,
                           options=[option("minimal", "651.12", 2, 5, 0.42, False),
                                    option("optimal", "598.40", 1, 3, 0.91, True)], created_at=AT, updated_at=AT)
    asked = []
    monkeypatch.setattr(commands, "ask", lambda url, seller, verb, request, reply, **_: asked.append(request) or plan)
    request = tmp_path / "plan.json"
    request.write_bytes(msgspec.json.encode(CreateInboundPlan(plan_id="P1", items=[ITEM], ship_from=RENO,
                                                              speed_target=0.9)))
    result = CliRunner().invoke(build_app(), ["fulfillment", "plan-create", "demo-seller", str(request)],
                                env={"COLUMNS": "220"})

    assert result.exit_code == 0, result.output
    assert asked[0].speed_target == 0.9
    header = next(line for line in result.output.splitlines() if "landed" in line)
    assert "outbound" in header and "days p50/p90" in header and "within 2 d" in header
    minimal = next(line for line in result.output.splitlines() if line.split()[:1] == ["minimal"])
    optimal = next(line for line in result.output.splitlines() if line.split()[:1] == ["optimal"])
    assert "651.12 USD" in minimal and "2/5" in minimal and "42%" in minimal and "misses target" in minimal
    assert "598.40 USD" in optimal and "1/3" in optimal and "91%" in optimal and "misses" not in optimal
