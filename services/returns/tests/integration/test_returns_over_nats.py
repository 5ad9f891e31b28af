"""Returns over a real NATS server beside the orders service: a return from request to refund, a claim
with its case file and a refund in the response, and bad input answered or kept, never dropped."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.orders import ConfirmShipment, GetOrder, OrderView, PackageDetail, PackageItem, RefundLine
from sellerops.contracts.returns import (
    BuyerMessageReceived, CaseFile, ClaimDecisionReported, ClaimFiled, ClaimOutcome, ClaimReason, ClaimRef,
    ClaimView, OrderDelivered, RefundReturn, RespondToClaim, ReturnItem, ReturnItemDelivered, ReturnRef,
    ReturnRequested, ReturnStatus, ReturnView,
)
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.returns import subscribers
from sellerops.returns.app import create_host
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, fact, placed_and_paid, returns_settings, runtime

pytestmark = pytest.mark.nats


async def _shipped_and_delivered(nc, js, seller: str, order_id: str) -> None:
    publish = JetStreamPublisher(js)
    await publish(placed_and_paid(seller, order_id))

    async def unshipped():
        try:
            order = await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)
        except RequestFailed:
            return None
        return order if order.status.value == "Unshipped" else None

    await eventually(unshipped)
    package = PackageDetail(carrier_code="UPS", tracking_number="1Z999AA10123456784", ship_date=date.today(),
                            items=[PackageItem("item-1", 2)])
    await call(nc, "orders", seller, "confirm_shipment", ConfirmShipment(order_id=order_id, package=package),
               OrderView)
    await publish([fact(OrderDelivered, seller, T0 + timedelta(days=2), order_id=order_id, carrier_code="UPS",
                        tracking_number="1Z999AA10123456784")])


async def _view(nc, seller: str, return_id: str, status: ReturnStatus):
    try:
        view = await call(nc, "returns", seller, "get_return", ReturnRef(return_id=return_id), ReturnView)
    except RequestFailed:
        return None
    return view if view.status is status else None


async def test_an_in_policy_return_is_authorized_received_refunded_through_orders_and_completed(nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(create_host(returns_settings(nats_url)).app()), running(orders.app()):
        await _shipped_and_delivered(nc, js, seller, "113-0000001-0000001")
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        await eventually(lambda: consumer_idle(js, "ORDERS", subscribers.ORDERS.durable))
        await publish([fact(ReturnRequested, seller, T0 + timedelta(days=3), return_id="RET-1",
                            order_id="113-0000001-0000001",
                            items=[ReturnItem(order_item_id="item-1", sku="MUG-BLUE", quantity=2,
                                              reason="DEFECTIVE")])])

        authorized = await eventually(lambda: _view(nc, seller, "RET-1", ReturnStatus.AUTHORIZED))
        assert authorized.in_policy and authorized.rma

        with pytest.raises(RequestFailed) as over:
            await call(nc, "returns", seller, "refund_return", RefundReturn(
                return_id="RET-1", lines=[RefundLine("item-1", Money(Decimal("40.00"), "USD"))], keep_item=True),
                ReturnView)
        assert over.value.error.field == "$.lines[0].amount.amount"

        await publish([fact(ReturnItemDelivered, seller, T0 + timedelta(days=5), return_id="RET-1")])
        pending = await eventually(lambda: _view(nc, seller, "RET-1", ReturnStatus.PENDING_REFUND))
        assert any(kind.startswith("refund") for kind, _ in pending.due)

        await call(nc, "returns", seller, "refund_return", RefundReturn(return_id="RET-1"), ReturnView)
        completed = await eventually(lambda: _view(nc, seller, "RET-1", ReturnStatus.COMPLETED))
        assert completed.refunded == Money(Decimal("29.98"), "USD")
        order = await call(nc, "orders", seller, "get_order", GetOrder(order_id="113-0000001-0000001"), OrderView)
        assert [r.amount.amount for r in order.refunded] == [Decimal("29.98")]


async def _claim(nc, seller: str, claim_id: str):
    try:
        return await call(nc, "returns", seller, "get_claim", ClaimRef(claim_id=claim_id), ClaimView)
    except RequestFailed:
        return None


async def test_a_claim_gets_a_case_file_a_refund_in_the_response_and_a_decision_that_counts(nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(create_host(returns_settings(nats_url)).app()), running(orders.app()):
        await _shipped_and_delivered(nc, js, seller, "113-0000002-0000002")
        await publish([fact(BuyerMessageReceived, seller, T0 + timedelta(days=4), message_id="MSG-1",
                            order_id="113-0000002-0000002", body="The box arrived empty.")])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_MESSAGES.durable))
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_ORDERS.durable))
        await eventually(lambda: consumer_idle(js, "ORDERS", subscribers.ORDERS.durable))
        await publish([
            fact(ClaimFiled, seller, T0 + timedelta(days=6), claim_id="AZ-1", order_id="113-0000002-0000002",
                 reason=ClaimReason.NOT_AS_DESCRIBED, amount=Money(Decimal("29.98"), "USD")),
            fact(ClaimFiled, seller, T0 + timedelta(days=6), claim_id="AZ-2", order_id="113-9999999-9999999",
                 reason=ClaimReason.NOT_RECEIVED, amount=Money(Decimal("10.00"), "USD")),
        ])
        claim = await eventually(lambda: _claim(nc, seller, "AZ-1"))
        assert claim.order_known and claim.counts_as_defect
        assert claim.response_due_at == T0 + timedelta(days=6, hours=72)
        unknown = await eventually(lambda: _claim(nc, seller, "AZ-2"))
        assert not unknown.order_known  # accepted and flagged, not dropped

        await eventually(lambda: consumer_idle(js, "RETURNS", subscribers.OWN_CLAIMS.durable))
        case = await call(nc, "returns", seller, "claim_case_file", ClaimRef(claim_id="AZ-1"), CaseFile)
        assert case.order_known and case.shipments and case.delivery is not None
        assert "1Z999AA10123456784" in str(case.shipments)
        assert [m for m in case.buyer_messages if "empty" in str(m)]
        times = [entry.at for entry in case.timeline]
        assert times == sorted(times) and len(times) >= 5

        responded = await call(nc, "returns", seller, "respond_to_claim", RespondToClaim(
            claim_id="AZ-1", message="Refunded in full.", evidence=["1Z999AA10123456784"],
            refund=Money(Decimal("29.98"), "USD")), ClaimView)
        assert responded.responded_at is not None

        async def refunded():
            order = await call(nc, "orders", seller, "get_order", GetOrder(order_id="113-0000002-0000002"), OrderView)
            return order if order.refunded else None

        await eventually(refunded)
        await publish([fact(ClaimDecisionReported, seller, T0 + timedelta(days=8), claim_id="AZ-1",
                            outcome=ClaimOutcome.DENIED)])

        async def decided():
            view = await _claim(nc, seller, "AZ-1")
            return view if view is not None and view.outcome is ClaimOutcome.DENIED else None

        final = await eventually(decided)
        assert final.counts_as_defect is False


async def test_a_fact_about_an_unknown_return_goes_to_the_dead_letters_with_its_reason(nats_url, nc, seller):
    js = nc.jetstream()
    async with running(create_host(returns_settings(nats_url)).app()):
        await JetStreamPublisher(js)([fact(ReturnItemDelivered, seller, T0, return_id="RET-NOPE")])

        letters = await eventually(lambda: read_stream(js, "DEADLETTER"), timeout=20)
    assert "no return RET-NOPE" in letters[0].headers["Sellerops-Dead-Reason"]
    assert letters[0].headers["Sellerops-Dead-Service"] == "returns"
