"""Listings against a real nats-server: 10,000 orders asked for at once come in pages that each fit one reply,
every order once; the index is rebuilt when its bucket is lost."""

import asyncio
import uuid
from datetime import timedelta

import msgspec
import pytest

from sellerops.contracts.orders import AtRiskList, ListAtRisk, ListOrders, OrderList
from sellerops.orders import subscribers
from sellerops.orders.adapters import INDEX_BUCKET
from sellerops.orders.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.testing.helpers import consumer_idle, eventually, running

from .conftest import T0, orders_settings, paid, placed

pytestmark = pytest.mark.nats


def many_placed(seller: str, count: int) -> list:
    """Orders an hour apart backwards from T0, so a listing walks many hours and days of the index."""
    return [msgspec.structs.replace(placed(seller, f"111-{n:07d}-0000001"), event_id=uuid.uuid4(),
                                    purchased_at=T0 - timedelta(minutes=7 * n)) for n in range(count)]


async def publish_all(js, events: list) -> None:
    publish = JetStreamPublisher(js)
    for at in range(0, len(events), 500):
        await asyncio.gather(*(publish([e]) for e in events[at:at + 500]))


async def all_pages(nc, seller: str, verb: str, query, reply_type):
    pages, cursor = [], None
    while True:
        msg = await nc.request(f"req.orders.{seller}.{verb}",
                               msgspec.json.encode(msgspec.structs.replace(query, cursor=cursor)), timeout=30)
        assert "Nats-Service-Error-Code" not in (msg.headers or {}), msg.data[:300]
        assert len(msg.data) <= nc.max_payload
        pages.append(msgspec.json.decode(msg.data, type=reply_type))
        if not (cursor := pages[-1].next_cursor):
            return pages


@pytest.mark.slow
@pytest.mark.timeout(600)  # ~35 s alone; 10,000 orders through the service on a busy machine take longer
async def test_ten_thousand_orders_asked_for_at_once_come_in_pages_each_order_once(nats_url, nc, seller):
    host = create_host(orders_settings(nats_url))
    js = nc.jetstream()
    async with running(host.app()):
        await publish_all(js, many_placed(seller, 10_000))
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable), timeout=110)

        pages = await all_pages(nc, seller, "list_orders", ListOrders(limit=10_000), OrderList)

    ids = [o.order_id for page in pages for o in page.orders]
    assert len(pages) > 1
    assert len(ids) == len(set(ids)) == 10_000
    assert ids == sorted(ids), "newest first: the order ids count up as purchases go back in time"


async def test_the_index_is_rebuilt_when_its_bucket_is_lost_and_at_risk_pages_follow_the_cursor(nats_url, nc, seller):
    js = nc.jetstream()
    async with running(create_host(orders_settings(nats_url)).app()):
        orders = many_placed(seller, 150)
        await publish_all(js, [*orders, *(paid(seller, o.order_id) for o in orders)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
    await js.delete_key_value(INDEX_BUCKET)

    async with running(create_host(orders_settings(nats_url)).app()):
        async def rebuilt() -> bool:
            try:
                return (await js.key_value(INDEX_BUCKET)) is not None and bool(
                    await (await js.key_value(INDEX_BUCKET)).get("=built"))
            except Exception:  # noqa: BLE001  (not there yet)
                return False

        await eventually(rebuilt)
        listed = await all_pages(nc, seller, "list_orders", ListOrders(limit=40), OrderList)
        risky = await all_pages(nc, seller, "list_at_risk", ListAtRisk(within_hours=72, limit=40), AtRiskList)

    assert [len(p.orders) for p in listed] == [40, 40, 40, 30]
    assert len({o.order_id for p in risky for o in p.orders}) == 150
    dates = [o.latest_ship_date for p in risky for o in p.orders]
    assert dates == sorted(dates)
