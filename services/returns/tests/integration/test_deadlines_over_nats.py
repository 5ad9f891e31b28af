"""Return and claim deadlines in event time, with a driven clock, against a real nats-server: each reminder
and each missed deadline is published once, when the clock passes it, and not a moment before."""

from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.market import Money
from sellerops.contracts.orders import GetOrder, OrderView
from sellerops.contracts.returns import (
    ClaimDecisionReported, ClaimFiled, ClaimOutcome, ClaimReason, ClaimRef, ClaimStatus, ClaimView, OpenWork,
    RefundReturn, ReturnItem, ReturnItemDelivered, ReturnRef, ReturnRequested, ReturnStatus, ReturnView, WorkList,
)
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.returns import subscribers
from sellerops.returns.app import create_host
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, pending_deadlines, read_stream, running

from .conftest import T0, fact, placed_and_paid, returns_settings, runtime

pytestmark = pytest.mark.nats


async def _known(host, key_part: str, count: int) -> bool:
    """The schedulers hold `count` open deadlines for the key: safe to move the clock."""
    return pending_deadlines(host, key_part) == count


async def _events(js, id_field: str, value: str) -> list[tuple[str, dict]]:
    messages = await read_stream(js, "RETURNS")
    decoded = [(m.headers["Sellerops-Type"], msgspec.json.decode(m.data)) for m in messages]
    return [(kind, body) for kind, body in decoded if body.get(id_field) == value]


async def _types(js, id_field: str, value: str) -> list[str]:
    return [kind for kind, _ in await _events(js, id_field, value)]


async def _has(js, id_field: str, value: str, wanted: list[str]):
    types = await _types(js, id_field, value)
    return types if types == wanted else None


async def _unshipped(nc, seller: str, order_id: str) -> bool:
    try:
        order = await call(nc, "orders", seller, "get_order", GetOrder(order_id=order_id), OrderView)
    except RequestFailed:
        return False
    return order.status.value == "Unshipped"


def _request(seller: str, return_id: str, order_id: str, at) -> ReturnRequested:
    return fact(ReturnRequested, seller, at, return_id=return_id, order_id=order_id,
                items=[ReturnItem(order_item_id="item-1", sku="MUG-BLUE", quantity=1, reason="NO_LONGER_NEEDED")])


async def test_a_return_waiting_for_manual_authorization_is_reminded_then_missed_then_closed_after_fifty_days(
        nats_url, nc, seller):
    clock = DrivenClock(T0)
    settings = returns_settings(nats_url)
    settings.auto_authorize = False
    host = create_host(settings, clock=clock)
    js = nc.jetstream()
    async with running(host.app()):
        await JetStreamPublisher(js)([_request(seller, "RET-D1", "114-0000001-0000001", T0)])
        await eventually(lambda: _known(host, "RET-D1", 3))  # reminder, authorization due, auto-close
        recorded = ["returns.return_recorded.v1"]

        clock.advance(timedelta(hours=19, minutes=59))
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_RETURNS.durable))
        assert await _types(js, "return_id", "RET-D1") == recorded, "nothing before the reminder (20 h)"

        clock.advance(timedelta(minutes=2))
        reminded = [*recorded, "returns.return_deadline_approaching.v1"]
        await eventually(lambda: _has(js, "return_id", "RET-D1", reminded))

        clock.advance(timedelta(hours=4))
        missed = [*reminded, "returns.return_deadline_missed.v1"]
        await eventually(lambda: _has(js, "return_id", "RET-D1", missed))
        work = await call(nc, "returns", seller, "open_work", OpenWork(as_of=clock.now()), WorkList)
        assert [(w.kind, w.id, w.overdue) for w in work.items if w.id == "RET-D1"][:1] == [
            ("authorize_return", "RET-D1", True)]
        view = await call(nc, "returns", seller, "get_return", ReturnRef(return_id="RET-D1"), ReturnView)
        assert view.status is ReturnStatus.PENDING_AUTHORIZATION, "a missed deadline alerts; the status stays"

        for _ in range(50):  # fifty days, a day at a time
            clock.advance(timedelta(days=1))
        closed = [*missed, "returns.return_status_changed.v1"]
        await eventually(lambda: _has(js, "return_id", "RET-D1", closed))
        await eventually(lambda: _known(host, "RET-D1", 0))

    events = dict(await _events(js, "return_id", "RET-D1"))
    assert events["returns.return_deadline_missed.v1"]["deadline"] == "Authorize"
    change = events["returns.return_status_changed.v1"]
    assert (change["previous"], change["status"], change["closed_by"], change["automatic"]) == (
        "PendingAuthorization", "Closed", "System", True)


async def test_the_refund_is_due_business_days_after_the_item_came_back_and_a_refund_in_time_clears_it(
        nats_url, nc, seller):
    clock = DrivenClock(T0)
    host = create_host(returns_settings(nats_url), clock=clock)
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    async with running(host.app()), running(orders.app()):
        await publish([*placed_and_paid(seller, "114-0000002-0000002"),
                       *placed_and_paid(seller, "114-0000003-0000003")])
        for order_id in ("114-0000002-0000002", "114-0000003-0000003"):
            await eventually(lambda order_id=order_id: _unshipped(nc, seller, order_id))
        await eventually(lambda: consumer_idle(js, "ORDERS", subscribers.ORDERS.durable))
        await publish([_request(seller, "RET-D2", "114-0000002-0000002", T0),
                       _request(seller, "RET-D3", "114-0000003-0000003", T0)])
        for return_id in ("RET-D2", "RET-D3"):
            await publish([fact(ReturnItemDelivered, seller, T0 + timedelta(hours=1), return_id=return_id)])

        async def refund_due(return_id: str):
            try:
                view = await call(nc, "returns", seller, "get_return", ReturnRef(return_id=return_id), ReturnView)
            except RequestFailed:
                return None
            return dict(view.due).get("refund_due") if view.status is ReturnStatus.PENDING_REFUND else None

        due = await eventually(lambda: refund_due("RET-D2"))
        assert due >= T0 + timedelta(hours=1, days=2), "two business days, weekends and holidays skipped"
        await eventually(lambda: _known(host, "RET-D", 6))  # per return: reminder, refund due, auto-close

        # RET-D3 is refunded in time, through the orders service: its refund deadline goes away.
        await call(nc, "returns", seller, "refund_return", RefundReturn(return_id="RET-D3"), ReturnView)

        async def completed():
            view = await call(nc, "returns", seller, "get_return", ReturnRef(return_id="RET-D3"), ReturnView)
            return view if view.status is ReturnStatus.COMPLETED else None

        assert (await eventually(completed)).refunded == Money(Decimal("14.99"), "USD")
        clock.set(due - timedelta(minutes=1))
        reminded = ["returns.return_recorded.v1", "returns.return_status_changed.v1",
                    "returns.return_status_changed.v1", "returns.return_deadline_approaching.v1"]
        await eventually(lambda: _has(js, "return_id", "RET-D2", reminded))
        clock.advance(timedelta(minutes=2))
        await eventually(lambda: _has(js, "return_id", "RET-D2", [*reminded, "returns.return_deadline_missed.v1"]))

    missed = [body for kind, body in await _events(js, "return_id", "RET-D2")
              if kind == "returns.return_deadline_missed.v1"]
    assert missed[0]["deadline"] == "Refund"
    assert not [t for t in await _types(js, "return_id", "RET-D3") if "deadline" in t]


async def test_an_unanswered_claim_is_reminded_and_missed_and_a_seller_funded_grant_is_appealable_for_30_days(
        nats_url, nc, seller):
    clock = DrivenClock(T0)
    host = create_host(returns_settings(nats_url), clock=clock)
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    async with running(host.app()):
        await publish([fact(ClaimFiled, seller, T0, claim_id="AZ-D1", order_id="114-0000004-0000004",
                            reason=ClaimReason.NOT_RECEIVED, amount=Money(Decimal("29.98"), "USD"))])
        await eventually(lambda: _known(host, "AZ-D1", 2))  # the response reminder (48 h) and deadline (72 h)

        clock.advance(timedelta(hours=47, minutes=59))
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_CLAIMS.durable))
        assert await _types(js, "claim_id", "AZ-D1") == ["returns.claim_recorded.v1"]
        clock.advance(timedelta(minutes=2))
        await eventually(lambda: _has(js, "claim_id", "AZ-D1", [
            "returns.claim_recorded.v1", "returns.claim_deadline_approaching.v1"]))
        clock.advance(timedelta(hours=24))
        await eventually(lambda: _has(js, "claim_id", "AZ-D1", [
            "returns.claim_recorded.v1", "returns.claim_deadline_approaching.v1", "returns.claim_deadline_missed.v1"]))
        view = await call(nc, "returns", seller, "get_claim", ClaimRef(claim_id="AZ-D1"), ClaimView)
        assert view.status is ClaimStatus.UNDER_REVIEW, "the window passed: Amazon decides without the seller"

        await publish([fact(ClaimDecisionReported, seller, clock.now(), claim_id="AZ-D1",
                            outcome=ClaimOutcome.GRANTED_SELLER_FUNDED)])

        async def appealable():
            view = await call(nc, "returns", seller, "get_claim", ClaimRef(claim_id="AZ-D1"), ClaimView)
            return view if view.appeal_due_at is not None else None

        granted = await eventually(appealable)
        assert granted.counts_as_defect and granted.appeal_due_at == clock.now() + timedelta(days=30)
        await eventually(lambda: _known(host, "AZ-D1", 2))
        clock.set(granted.appeal_due_at + timedelta(minutes=1))
        await eventually(lambda: _known(host, "AZ-D1", 0))

    events = await _events(js, "claim_id", "AZ-D1")
    deadlines = [(body["deadline"], kind.rsplit(".", 2)[-2]) for kind, body in events if "deadline" in kind]
    assert deadlines == [("Respond", "claim_deadline_approaching"), ("Respond", "claim_deadline_missed"),
                         ("Appeal", "claim_deadline_approaching"), ("Appeal", "claim_deadline_missed")]
