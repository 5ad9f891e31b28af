"""The liveness, readiness and metrics endpoint of a running service."""

import asyncio
import urllib.error
import urllib.request

import pytest

from sellerops.contracts.orders import GetOrder, OrderView
from sellerops.orders import subscribers
from sellerops.orders.app import create_host
from sellerops.runtime.embedded import free_port
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, running

from .conftest import orders_settings, placed

pytestmark = pytest.mark.nats


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


async def test_a_service_reports_health_readiness_and_metrics_over_http(nats_url, nc, seller):
    settings = orders_settings(nats_url)
    port = free_port()
    settings.runtime.http_port = port
    base = f"http://127.0.0.1:{port}"
    js = nc.jetstream()
    async with running(create_host(settings).app()):
        await eventually(lambda: asyncio.to_thread(lambda: get(f"{base}/healthz")[0] == 200))
        assert await asyncio.to_thread(get, f"{base}/readyz") == (200, "ready\n")
        await JetStreamPublisher(js)([placed(seller, "111-0000020-0000020")])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        with pytest.raises(RequestFailed):
            await call(nc, "orders", seller, "get_order", GetOrder(order_id="111-0000099-0000099"), OrderView)

        status, text = await asyncio.to_thread(get, f"{base}/metrics")
        assert status == 200
        assert ('sellerops_events_total{consumer="orders-market-order",outcome="handled",service="orders"} 1.0'
                in text)
        assert 'sellerops_requests_total{code="not_found",service="orders",verb="get_order"} 1.0' in text
        assert 'sellerops_consumer_pending{consumer="orders-market-order",service="orders",stream="MARKET"} 0.0' in text
        assert (await asyncio.to_thread(get, f"{base}/nope"))[0] == 404
