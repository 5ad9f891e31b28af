import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.returns.settings import ReturnsSettings
from sellerops.testing.helpers import fact, runtime_for  # noqa: F401  (fact: re-exported for the tests)

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=3)


runtime = runtime_for


def returns_settings(url: str) -> ReturnsSettings:
    return ReturnsSettings(runtime=runtime(url))


def placed_and_paid(seller: str, order_id: str, channel=FulfillmentChannel.MFN) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id, fulfillment_channel=channel,
        purchased_at=T0, items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=2,
                                          item_price=Money(Decimal("29.98"), "USD"))],
        ship_window=Window(T0, T0 + timedelta(days=2)))
    return [placed, OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(minutes=1),
                                           order_id=order_id)]
