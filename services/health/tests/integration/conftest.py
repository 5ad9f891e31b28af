import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.health.settings import HealthSettings
from sellerops.testing.helpers import fact, runtime_for  # noqa: F401  (fact: re-exported for the tests)

NOW = datetime.now(UTC).replace(microsecond=0)
T0 = NOW - timedelta(days=2)


runtime = runtime_for


def health_settings(url: str, **changes: object) -> HealthSettings:
    return HealthSettings(runtime=runtime(url), evaluate_every_s=0.1, history_after_s=0, **changes)


def placed_and_paid(seller: str, order_id: str, at: datetime = T0, channel=FulfillmentChannel.MFN) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id, fulfillment_channel=channel,
        purchased_at=at, items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=1,
                                          item_price=Money(Decimal("14.99"), "USD"))],
        # ship-by two days after NOW: a slow run must not see these orders' ship-by pass (they would turn late
        # and the late shipment rate BAD after the settle time)
        ship_window=Window(at, at + timedelta(days=4)), delivery_window=Window(at, at + timedelta(days=8)))
    return [placed, OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=at + timedelta(minutes=1),
                                           order_id=order_id)]
