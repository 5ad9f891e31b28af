"""The reply clock and review requests in event time, with a driven clock, against a real nats-server beside
the orders service: reminders 12 h and 2 h before a buyer message's 24-hour deadline and an alert when it is
missed, each once and delivered to the seller's endpoint; a reply in time stops the clock; a delivered order
gets its review request when the window opens, a refunded one is skipped with the reason."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPaymentAuthorized, OrderPlaced, Window
from sellerops.contracts.notifications import (
    DeliveryList, Endpoint, Kind, ListDeliveries, MessageStatus, MessageView, Preferences, PreferencesView,
    ReplyToMessage, SetPreferences,
)
from sellerops.contracts.orders import GetOrder, OrderView, RefundLine, RefundOrder, RefundReason
from sellerops.contracts.returns import BuyerMessageReceived, OrderDelivered
from sellerops.notifications.app import create_host
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import eventually, pending_deadlines, read_stream, running, schedulers

from .conftest import fact, notifications_settings, runtime

pytestmark = pytest.mark.nats
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
LOG_EVERYTHING = SetPreferences(preferences=Preferences(
    endpoints=[Endpoint(id="log", channel="log")], routes={kind: ["log"] for kind in Kind}))


async def _types(js, id_field: str, value: str) -> list[str]:
    found = [json.loads(m.data) for m in await read_stream(js, "NOTIFICATIONS")]
    return [e["type"].split(".", 1)[1] for e in found if e.get(id_field) == value]


async def _has(js, id_field: str, value: str, wanted: list[str]):
    found = await _types(js, id_field, value)
    return found if found == wanted else None


async def _async(value):
    return value


def _kinds(host, key_part: str) -> list[str]:
    """The kinds of the open deadlines whose key contains `key_part`."""
    return [kind for s in schedulers(host) for _, key, kind in s.pending() if key_part in key]


async def test_a_buyer_message_is_reminded_at_12_and_2_hours_left_then_missed_and_a_reply_in_time_stops_its_clock(
        nats_url, nc, seller):
    clock = DrivenClock(NOW)
    host = create_host(notifications_settings(nats_url), clock=clock)
    js = nc.jetstream()
    async with running(host.app()):
        await call(nc, "notifications", seller, "set_preferences", LOG_EVERYTHING, PreferencesView)
        await JetStreamPublisher(js)([
            fact(BuyerMessageReceived, seller, NOW, message_id="MSG-1", order_id="113-0000001-0000001",
                 title="Where is my order?", body="It has not arrived."),
            fact(BuyerMessageReceived, seller, NOW, message_id="MSG-2", order_id="113-0000002-0000002",
                 body="Can I change the color?")])
        await eventually(lambda: _async(pending_deadlines(host, "MSG-") == 6))  # per message: 12 h, 2 h, due
        clock.advance(timedelta(hours=3))
        replied = await call(nc, "notifications", seller, "reply_to_message", ReplyToMessage(message_id="MSG-2"),
                             MessageView)
        assert replied.status is MessageStatus.REPLIED and replied.replied_at == NOW + timedelta(hours=3)

        clock.advance(timedelta(hours=8, minutes=59))
        await eventually(lambda: _has(js, "message_id", "MSG-1", ["buyer_message_awaiting_reply.v1"]))
        clock.advance(timedelta(minutes=2))
        await eventually(lambda: _has(js, "message_id", "MSG-1", [
            "buyer_message_awaiting_reply.v1", "buyer_message_reply_due_soon.v1"]))
        clock.advance(timedelta(hours=10))
        clock.advance(timedelta(hours=2))
        await eventually(lambda: _has(js, "message_id", "MSG-1", [
            "buyer_message_awaiting_reply.v1", "buyer_message_reply_due_soon.v1", "buyer_message_reply_due_soon.v1",
            "buyer_message_reply_missed.v1"]))

        async def delivered_titles():
            found = (await call(nc, "notifications", seller, "list_deliveries", ListDeliveries(),
                                DeliveryList)).deliveries
            titles = sorted(d.title for d in found if d.status.value == "delivered")
            return titles if len(titles) >= 5 else None

        titles = await eventually(delivered_titles)
    assert await _types(js, "message_id", "MSG-2") == ["buyer_message_awaiting_reply.v1", "buyer_message_replied.v1"]
    assert sum("24-hour reply missed" in t for t in titles) == 1
    assert sum("within 12 h" in t for t in titles) == 1 and sum("within 2 h" in t for t in titles) == 1


def _order(seller: str, order_id: str, at: datetime) -> list:
    placed = OrderPlaced(
        event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id,
        fulfillment_channel=FulfillmentChannel.MFN, purchased_at=at,
        items=[OrderItem(order_item_id="item-1", sku="MUG", quantity=1, item_price=Money(Decimal("9.99"), "USD"))],
        ship_window=Window(at, at + timedelta(days=1)),
        delivery_window=Window(at + timedelta(days=2), at + timedelta(days=4)))
    return [placed, OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id)]


async def test_a_delivered_order_gets_its_review_request_when_the_window_opens_and_a_refunded_one_is_skipped(
        nats_url, nc, seller):
    clock = DrivenClock(NOW)
    host = create_host(notifications_settings(nats_url), clock=clock)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    async with running(host.app()), running(orders.app()):
        await publish([*_order(seller, "113-0000003-0000003", NOW), *_order(seller, "113-0000004-0000004", NOW)])

        async def unshipped(order_id: str) -> bool:
            try:
                view = await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)
            except RequestFailed:
                return False
            return view.status.value == "Unshipped"

        for order_id in ("113-0000003-0000003", "113-0000004-0000004"):
            await eventually(lambda order_id=order_id: unshipped(order_id))
        await call(nc, "orders", seller, "refund_order", RefundOrder(
            order_id="113-0000004-0000004", lines=[RefundLine("item-1", Money(Decimal("9.99"), "USD"))],
            reason=RefundReason.NO_INVENTORY), OrderView)
        # Known before the clock moves (a deadline first seen already past waits out the settle time). The
        # refunded order had its window-close deadline before the refund: wait for the skip itself.
        await eventually(lambda: _async(_kinds(host, "113-0000004-0000004") == ["skip"]))  # skip: refunded
        await eventually(lambda: _async(_kinds(host, "113-0000003-0000003") == ["window_closed"]))  # undelivered
        clock.advance(timedelta(days=3))
        await publish([fact(OrderDelivered, seller, NOW + timedelta(days=3), order_id="113-0000003-0000003")])
        await eventually(lambda: _has(js, "order_id", "113-0000004-0000004", ["review_request_skipped.v1"]))
        await eventually(lambda: _async(any(
            "113-0000003-0000003" in key and kind == "send" for s in schedulers(host) for _, key, kind in s.pending())))

        clock.advance(timedelta(days=3, hours=23))  # the window opens 5 days after the earliest delivery (day 7)
        assert await _types(js, "order_id", "113-0000003-0000003") == []
        clock.advance(timedelta(hours=2))
        await eventually(lambda: _has(js, "order_id", "113-0000003-0000003", ["review_requested.v1"]))

    events = {e["order_id"]: e for e in (json.loads(m.data) for m in await read_stream(js, "NOTIFICATIONS"))
              if e["type"].startswith("notifications.review")}
    assert events["113-0000004-0000004"]["reason"] == "refunded"
    assert events["113-0000003-0000003"]["window_opens_at"].startswith((NOW + timedelta(days=7)).date().isoformat())
