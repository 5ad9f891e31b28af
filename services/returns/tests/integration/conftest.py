import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import nats
import pytest

from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings

T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=3)


def runtime(url: str) -> RuntimeSettings:
    return RuntimeSettings(nats=NatsSettings(url=[url]),
                           delivery=DeliverySettings(retry_delays_s=[0.05], ack_wait_s=5.0))


def returns_settings(url: str) -> ReturnsSettings:
    return ReturnsSettings(runtime=runtime(url))


def fact(event_type, seller: str, at: datetime, **fields):
    return event_type(event_id=uuid.uuid4(), seller=seller, occurred_at=at, **fields)


def placed_and_paid(seller: str, order_id: str, channel=FulfillmentChannel.MFN) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id, fulfillment_channel=channel,
        purchased_at=T0, items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=2,
                                          item_price=Money(Decimal("29.98"), "USD"))],
        ship_window=Window(T0, T0 + timedelta(days=2)))
    return [placed, OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=T0 + timedelta(minutes=1),
                                           order_id=order_id)]


@pytest.fixture
async def nc(nats_url):
    client = await nats.connect(nats_url)
    yield client
    await client.close()
