"""The dashboard over a real NATS server, with orders, returns and health running beside it: facts reach the
fleet index and the pages, health's numbers follow, and a restarted dashboard has its index from the bucket."""

import socket
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from sellerops.contracts.health import AccountHealth, GetAccountHealth
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.contracts.returns import ClaimFiled, ClaimReason
from sellerops.dashboard.app import create_host
from sellerops.dashboard.settings import DashboardSettings
from sellerops.health.app import create_host as create_health_host
from sellerops.health.settings import HealthSettings
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.returns.app import create_host as create_returns_host
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call
from sellerops.testing.helpers import eventually, fact, runtime_for, running

pytestmark = pytest.mark.nats
NOW = datetime.now(UTC).replace(microsecond=0)
T0 = NOW - timedelta(days=2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def placed_and_paid(seller: str, order_id: str) -> list:
    placed = fact(OrderPlaced, seller, T0, order_id=order_id, fulfillment_channel=FulfillmentChannel.MFN,
                  purchased_at=T0, items=[OrderItem(order_item_id="item-1", sku="MUG-BLUE", quantity=1,
                                                    item_price=Money(Decimal("14.99"), "USD"))],
                  ship_window=Window(T0, NOW + timedelta(days=2)), delivery_window=Window(T0, NOW + timedelta(days=6)))
    return [placed, fact(OrderPaymentAuthorized, seller, T0 + timedelta(minutes=1), order_id=order_id)]


def dashboard_settings(url: str, port: int) -> DashboardSettings:
    return DashboardSettings(runtime=runtime_for(url), port=port, refresh_every_s=0.2, probe_every_s=0.5)


async def test_facts_reach_the_fleet_page_and_healths_numbers_follow_and_a_restart_keeps_the_index(
        nats_url, nc, seller):
    publish = JetStreamPublisher(nc.jetstream())
    port = free_port()
    web = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10)
    others = [create_orders_host(OrdersSettings(runtime=runtime_for(nats_url))),
              create_returns_host(ReturnsSettings(runtime=runtime_for(nats_url))),
              create_health_host(HealthSettings(runtime=runtime_for(nats_url), evaluate_every_s=0.1))]

    async def row(field: str) -> str | None:
        try:
            page = await web.get("/", params={"q": seller})
        except httpx.TransportError:
            return None
        marker = f'data-field="{field}"'
        if marker not in page.text:
            return None
        return page.text.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]

    async with running(others[0].app()), running(others[1].app()), running(others[2].app()):
        async with running(create_host(dashboard_settings(nats_url, port)).app()):
            for n in range(4):
                await publish(placed_and_paid(seller, f"115-0000000-{n:07d}"))
            await eventually(lambda: _equals(row("orders_due"), "4"))
            await publish([fact(ClaimFiled, seller, T0 + timedelta(days=1), claim_id="AZ-D1",
                                order_id="115-0000000-0000001", reason=ClaimReason.NOT_RECEIVED,
                                amount=Money(Decimal("14.99"), "USD"))])
            await eventually(lambda: _equals(row("claims"), "1"))
            await eventually(lambda: _equals(row("red_flags"), "1"), timeout=20)
            health = await call(nc, "health", seller, "get_account_health", GetAccountHealth(), AccountHealth)
            await eventually(lambda: _equals(row("rating"), str(health.rating)))
            assert health.rating == 150
            seller_page = await web.get(f"/sellers/{seller}")
            assert 'data-ref="AZ-D1"' in seller_page.text and "1 / 4" in seller_page.text

        async with running(create_host(dashboard_settings(nats_url, port)).app()):
            # no new fact: the restarted service's index comes from the bucket
            await eventually(lambda: _equals(row("claims"), "1"))
            assert await row("rating") == "150" and await row("orders_due") == "4"
    await web.aclose()


async def _equals(found, expected: str) -> bool:
    return (await found) == expected
