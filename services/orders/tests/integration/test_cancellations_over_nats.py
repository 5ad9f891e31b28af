"""A buyer's late cancellation request waits for the seller, over a real nats-server."""

import uuid
from datetime import timedelta

import pytest

from sellerops.contracts.market import OrderBuyerCancelRequested
from sellerops.contracts.orders import AnswerCancelRequest, CancelOrder, GetOrder, OrderView, SellerCancelReason
from sellerops.orders import subscribers
from sellerops.orders.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, orders_settings, paid, placed
from .test_orders_over_nats import types_for

pytestmark = pytest.mark.nats


async def test_a_late_buyer_request_waits_for_the_seller_who_approves_it_without_it_counting(nats_url, nc, seller):
    js = nc.jetstream()
    order_id = "111-0000030-0000030"
    async with running(create_host(orders_settings(nats_url)).app()):
        request = OrderBuyerCancelRequested(event_id=uuid.uuid4(), seller=seller, order_id=order_id,
                                            occurred_at=T0 + timedelta(hours=2), reason="Ordered by mistake")
        await JetStreamPublisher(js)([placed(seller, order_id), paid(seller, order_id), request])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        view = await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)
        assert (view.status.value, view.cancel_request) == ("Unshipped", "Ordered by mistake")

        view = await call(nc, "orders", seller, "answer_cancel_request",
                          AnswerCancelRequest(order_id=order_id, approve=True, request_id="a-1"), OrderView)
        assert (view.status.value, view.canceled_by.value) == ("Canceled", "buyer")
        with pytest.raises(RequestFailed) as refused:
            await call(nc, "orders", seller, "cancel_order",
                       CancelOrder(order_id=order_id, reason=SellerCancelReason.NO_INVENTORY), OrderView)
        assert refused.value.error.code == "refused" and refused.value.error.field == "$.order_id"

    events = await read_stream(js, "ORDERS")
    assert types_for(events, order_id) == ["orders.order_recorded.v1", "orders.order_released.v1",
                                           "orders.order_cancel_requested.v1", "orders.order_canceled.v1"]
    canceled = next(m for m in events if m.headers["Sellerops-Type"] == "orders.order_canceled.v1"
                and order_id.encode() in m.data)
    assert b'"counts_against_seller":false' in canceled.data
