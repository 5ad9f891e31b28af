"""A restarted health service puts every known seller's gauges back on /metrics without waiting for an event."""

import asyncio
import urllib.request

import pytest

from sellerops.health.app import create_host
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.embedded import free_port
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.testing.helpers import eventually, running

from .conftest import health_settings, placed_and_paid, runtime

pytestmark = pytest.mark.nats


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as reply:
            return reply.read().decode()
    except OSError:
        return ""


def health_on_a_port(nats_url: str):
    settings = health_settings(nats_url)
    settings.runtime.http_port = free_port()
    return settings


async def test_after_a_restart_the_sellers_health_gauges_are_scraped_again_before_any_new_event(nats_url, nc, seller):
    rating = f'sellerops_account_health_rating{{marketplace="ATVPDKIKX0DER",seller="{seller}"}}'
    status = (f'sellerops_account_health_status{{marketplace="ATVPDKIKX0DER",measure="orderDefectRate.mfn",'
              f'seller="{seller}"}}')
    first = health_on_a_port(nats_url)
    async with running(create_orders_host(OrdersSettings(runtime=runtime(nats_url))).app()):
        async with running(create_host(first).app()):
            await JetStreamPublisher(nc.jetstream())(placed_and_paid(seller, "111-0000001-0000001"))
            await eventually(lambda: asyncio.to_thread(lambda: rating in scrape(first.runtime.http_port)))

        restarted = health_on_a_port(nats_url)
        async with running(create_host(restarted).app()):  # nothing is published from here on
            text = await eventually(lambda: asyncio.to_thread(
                lambda: t if rating in (t := scrape(restarted.runtime.http_port)) else ""), timeout=10)
            assert status in text
