import uuid
from datetime import UTC, datetime

from sellerops.contracts.inbound import CreateInboundPlan, PlanItem, ShipFrom, SizeTier
from sellerops.contracts.inventory import Bucket, InventoryAdjustmentReported
from sellerops.fulfillment.settings import FulfillmentSettings
from sellerops.testing.helpers import runtime_for

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


runtime = runtime_for


def fulfillment_settings(url: str, **changes: object) -> FulfillmentSettings:
    return FulfillmentSettings(runtime=runtime(url), **changes)


RENO = ShipFrom(name="Acme Home Goods", address_line1="2200 Commerce Ave", city="Reno", state_or_region="NV",
                postal_code="89502")


def plan_request(plan_id: str = "PLAN-1", **changes: object) -> CreateInboundPlan:
    items = [
        PlanItem(sku="MUG-BLUE", quantity=120, unit_weight_kg=0.45, size_tier=SizeTier.SMALL_STANDARD),
        PlanItem(sku="LAMP-DESK", quantity=40, unit_weight_kg=2.2, size_tier=SizeTier.LARGE_STANDARD),
        PlanItem(sku="RUG-5X8", quantity=10, unit_weight_kg=9.0, size_tier=SizeTier.LARGE_BULKY),
    ]
    return CreateInboundPlan(**{"plan_id": plan_id, "items": items, "ship_from": RENO, **changes})


def found_stock(seller: str, sku: str, center: str, quantity: int) -> InventoryAdjustmentReported:
    """Stock appearing at a center (a Found adjustment): the shortest way to put units on a shelf."""
    return InventoryAdjustmentReported(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, adjustment_id=f"ADJ-{uuid.uuid4().hex[:8]}", sku=sku,
        center_id=center, quantity=quantity, from_bucket=None, to_bucket=Bucket.FULFILLABLE, reason="F")
