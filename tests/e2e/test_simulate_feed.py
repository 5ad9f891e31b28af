"""`sellerops simulate` in real time against running services: steps go out when their time comes."""

import asyncio
import io
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from rich.console import Console

from sellerops.contracts.orders import ListOrders, OrderList
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.requests import call
from sellerops.runtime.settings import NatsSettings, RuntimeSettings
from sellerops.simulator.demo import feed
from sellerops.simulator.domain import SimConfig
from sellerops.testing.helpers import eventually, read_stream, running

pytestmark = [pytest.mark.nats, pytest.mark.slow]


async def test_a_real_time_feed_publishes_only_what_is_due_and_the_orders_service_records_it(nats_url, nc):
    orders = create_orders_host(OrdersSettings(runtime=RuntimeSettings(nats=NatsSettings(url=[nats_url]))))
    start = datetime.now(UTC)
    config = SimConfig(seed=3, sellers=["acme-home"], start=start, days=1, orders_per_day=150_000, drain=False)
    async with running(orders.app()):
        began = asyncio.get_running_loop().time()
        counts = await feed(config, url=nats_url, until=start + timedelta(seconds=4), console=Console(file=io.StringIO()))
        took = asyncio.get_running_loop().time() - began

        async def listed():  # noqa: ANN202
            found = await call(nc, "orders", "acme-home", "list_orders", ListOrders(), OrderList)
            return found.orders or None

        recorded = await eventually(listed)
        facts = [msgspec.json.decode(m.data) for m in await read_stream(nc.jetstream(), "MARKET")]
    latest = max(datetime.fromisoformat(f["occurred_at"]) for f in facts)
    assert counts["facts"] == len(facts) > 0 and len(recorded) > 0
    assert latest - start <= timedelta(seconds=took + 0.5), "no fact went out before its moment on the wall clock"
    assert latest <= start + timedelta(seconds=4), "nothing after `until`"
