"""Event-time deadlines with a driven clock, against a real nats-server."""

import asyncio
from datetime import timedelta

import msgspec

import pytest
from nats.errors import NoRespondersError

from sellerops.contracts.orders import GetOrder, OrderView
from sellerops.orders import subscribers
from sellerops.orders.app import create_host
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, orders_settings, paid, placed
from .test_orders_over_nats import types_for

pytestmark = pytest.mark.nats


async def status_of(nc, seller, order_id):
    return (await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)).status.value


async def test_an_unpaid_order_is_canceled_once_when_the_clock_passes_its_payment_expiry(nats_url, nc, seller):
    clock = DrivenClock(T0)
    settings = orders_settings(nats_url)
    settings.payment_expiry_hours = 48
    host = create_host(settings, clock=clock)
    js = nc.jetstream()
    async with running(host.app()):
        await JetStreamPublisher(js)([placed(seller, "111-0000010-0000010"), placed(seller, "111-0000011-0000011"),
                                      paid(seller, "111-0000011-0000011")])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        scheduler = host.wiring.background[1].__self__
        await eventually(lambda: _async(scheduler.pending()))

        clock.advance(timedelta(hours=47, minutes=59))
        assert await status_of(nc, seller, "111-0000010-0000010") == "Pending"

        clock.advance(timedelta(minutes=2))
        await eventually(lambda: _is(status_of(nc, seller, "111-0000010-0000010"), "Canceled"))
        assert await status_of(nc, seller, "111-0000011-0000011") == "Unshipped", "paid orders do not expire"
        for _ in range(30):  # a month, a day at a time
            clock.advance(timedelta(days=1))
            await asyncio.sleep(0.01)
        await eventually(lambda: _async(not scheduler.pending()))
        await eventually(lambda: _is(status_of(nc, seller, "111-0000011-0000011"), "Canceled"))

    events = await read_stream(js, "ORDERS")
    assert types_for(events, "111-0000010-0000010") == ["orders.order_recorded.v1", "orders.order_canceled.v1"]
    assert types_for(events, "111-0000011-0000011") == [
        "orders.order_recorded.v1", "orders.order_released.v1", "orders.order_ship_by_at_risk.v1",
        "orders.order_ship_by_missed.v1", "orders.order_canceled.v1"], "each deadline fires once, in order"
    canceled = [msgspec.json.decode(m.data) for m in events
                if m.headers["Sellerops-Type"] == "orders.order_canceled.v1"]
    assert {(c["order_id"], c["reason"], c["counts_against_seller"]) for c in canceled} == {
        ("111-0000010-0000010", "PaymentNotAuthorized", False),
        ("111-0000011-0000011", "ShipConfirmationMissing", True)}


async def test_deadlines_come_back_after_a_restart_and_fire_for_time_that_passed_while_down(nats_url, nc, seller):
    settings = orders_settings(nats_url)
    js = nc.jetstream()
    async with running(create_host(settings, clock=DrivenClock(T0)).app()):
        await JetStreamPublisher(js)([placed(seller, "111-0000012-0000012")])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))

    later = DrivenClock(T0 + timedelta(days=8))

    async def canceled_as_time_goes_on() -> bool:
        later.advance(timedelta(seconds=1))  # a deadline past when first seen waits out deadline_settle_s (30 s)
        try:
            return await _is(status_of(nc, seller, "111-0000012-0000012"), "Canceled")
        except NoRespondersError:  # the service is still starting
            return False

    async with running(create_host(settings, clock=later).app()):
        await eventually(canceled_as_time_goes_on)


async def _async(value):
    return value


async def _is(awaitable, expected):
    return await awaitable == expected


async def test_replaying_a_backlog_does_not_cancel_an_old_order_whose_payment_is_further_down_the_stream(
        nats_url, nc, seller):
    settings = orders_settings(nats_url)
    js = nc.jetstream()
    async with running(create_host(settings, clock=DrivenClock(T0)).app()):
        pass  # declares the streams and the durable; then the service is down for eight days
    old_order = "111-0000013-0000013"
    unpaid = "111-0000014-0000014"
    await JetStreamPublisher(js)([placed(seller, old_order), placed(seller, unpaid)])
    fillers = [placed(seller, f"222-{n:07d}-0000001") for n in range(300)]
    await JetStreamPublisher(js).publish_many(fillers)
    await JetStreamPublisher(js)([paid(seller, old_order)])

    clock = DrivenClock(T0 + timedelta(days=8))
    async with running(create_host(settings, clock=clock).app()):
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        assert await status_of(nc, seller, unpaid) == "Pending", \
            "past in wall time when first seen: it waits the settle time after the catch-up"
        clock.advance(timedelta(seconds=settings.runtime.delivery.deadline_settle_s))
        await eventually(lambda: _is(status_of(nc, seller, unpaid), "Canceled"))
        assert await status_of(nc, seller, old_order) == "Unshipped"
    history = types_for(await read_stream(js, "ORDERS"), old_order)
    assert history[:2] == ["orders.order_recorded.v1", "orders.order_released.v1"]
    assert "orders.order_canceled.v1" not in history
