import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings

# Event time "now": services under test that run on the wall clock must not see these orders'
# ship-by deadlines pass during a test (tests that move time use a DrivenClock from T0).
T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def orders_settings(url: str, **delivery: object) -> OrdersSettings:
    runtime = RuntimeSettings(nats=NatsSettings(url=[url]),
                              delivery=DeliverySettings(**{"retry_delays_s": [0.05], "ack_wait_s": 5.0, **delivery}))
    return OrdersSettings(runtime=runtime)


def placed(seller: str, order_id: str, *, quantity: int = 1) -> OrderPlaced:
    return OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id,
        fulfillment_channel=FulfillmentChannel.MFN, purchased_at=T0,
        items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=quantity,
                         item_price=Money(Decimal("14.99"), "USD"))],
        ship_window=Window(T0, T0 + timedelta(days=2)),
    )


def paid(seller: str, order_id: str) -> OrderPaymentAuthorized:
    return OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(minutes=1),
                                  order_id=order_id)
