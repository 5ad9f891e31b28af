"""The integration client against a real nats-server: validated facts with stable ids, published once."""

from datetime import UTC, datetime
from decimal import Decimal

import msgspec
import pytest

from sellerops.client import InvalidFact, MarketClient
from sellerops.contracts.market import FulfillmentChannel, OrderPaymentAuthorized, OrderPlaced
from sellerops.contracts.orders import OrderRecorded
from sellerops.testing.helpers import read_stream

pytestmark = pytest.mark.nats
AT = datetime(2026, 11, 20, 14, 3, tzinfo=UTC)


def placed(market: MarketClient, seller: str, quantity: int = 2) -> OrderPlaced:
    return market.fact(OrderPlaced, seller=seller, source_id="getOrders/113-4567890-1234567", occurred_at=AT,
                       order_id="113-4567890-1234567", fulfillment_channel=FulfillmentChannel.MFN, purchased_at=AT,
                       items=[{"order_item_id": "62915379184323", "sku": "MUG", "quantity": quantity,
                               "item_price": {"amount": Decimal("19.99"), "currency": "USD"}}])


async def test_a_fact_built_twice_from_the_same_source_is_published_once(nats_url, seller):
    async with await MarketClient.connect(nats_url) as market:
        first = await market.publish(placed(market, seller), market.fact(
            OrderPaymentAuthorized, seller=seller, source_id="notif-1", order_id="113-4567890-1234567"))
        again = await market.publish(placed(market, seller))
        js = market._nc.jetstream()
        stored = await read_stream(js, "MARKET", f"market.{seller}.>")
    assert (first.published, first.duplicates, again.published, again.duplicates) == (2, 0, 0, 1)
    assert [msgspec.json.decode(m.data)["type"] for m in stored] == [
        "market.order_placed.v1", "market.order_payment_authorized.v1"]


async def test_a_bad_field_is_refused_naming_its_path_and_only_market_facts_are_accepted(nats_url, seller):
    async with await MarketClient.connect(nats_url) as market:
        with pytest.raises(InvalidFact) as bad:
            placed(market, seller, quantity=0)
        assert bad.value.path == "$.items[0].quantity"
        with pytest.raises(InvalidFact):
            market.fact(OrderRecorded, seller=seller, source_id="x", order_id="1")
