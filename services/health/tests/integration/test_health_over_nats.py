"""Account health over a real NATS server, with orders and returns running beside it: orders and a claim
move the Order Defect Rate, the crossing and the recovery are published once each, the report has the
marketplace's shape, and a past moment is answered from history."""

from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest

from sellerops.contracts.health import (
    AccountHealth, FeedbackReceived, FeedbackRemoved, GetAccountHealth, Status,
)
from sellerops.contracts.market import Money
from sellerops.contracts.returns import ClaimDecisionReported, ClaimFiled, ClaimOutcome, ClaimReason
from sellerops.health import subscribers
from sellerops.health.app import create_host
from sellerops.orders.app import create_host as create_orders_host
from sellerops.orders.settings import OrdersSettings
from sellerops.returns.app import create_host as create_returns_host
from sellerops.returns.settings import ReturnsSettings
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

from .conftest import T0, fact, health_settings, placed_and_paid, runtime

pytestmark = pytest.mark.nats


async def _health(nc, seller: str, **query) -> AccountHealth | None:
    try:
        return await call(nc, "health", seller, "get_account_health", GetAccountHealth(**query), AccountHealth)
    except RequestFailed:
        return None


def _measure(health: AccountHealth, key: str):
    return next(m for m in health.measures if m.key == key)


async def _odr(nc, seller: str, numerator: int, denominator: int):
    health = await _health(nc, seller)
    if health is None:
        return None
    m = _measure(health, "orderDefectRate.mfn")
    return health if (m.numerator, m.denominator) == (numerator, denominator) else None


async def _types(js) -> list[str]:
    return [m.headers["Sellerops-Type"] for m in await read_stream(js, "HEALTH")]


async def test_a_claim_breaches_the_order_defect_rate_once_and_its_denial_recovers_it(nats_url, nc, seller):
    js = nc.jetstream()
    publish = JetStreamPublisher(js)
    orders = create_orders_host(OrdersSettings(runtime=runtime(nats_url)))
    returns = create_returns_host(ReturnsSettings(runtime=runtime(nats_url)))
    async with running(create_host(health_settings(nats_url)).app()), running(orders.app()), running(returns.app()):
        for n in range(10):
            await publish(placed_and_paid(seller, f"114-0000000-{n:07d}"))
        healthy = await eventually(lambda: _odr(nc, seller, 0, 10))
        assert healthy.account_status.value == "NORMAL" and healthy.rating == 1000

        await publish([fact(ClaimFiled, seller, T0 + timedelta(days=1), claim_id="AZ-H1",
                            order_id="114-0000000-0000003", reason=ClaimReason.NOT_RECEIVED,
                            amount=Money(Decimal("14.99"), "USD"))])
        breached = await eventually(lambda: _odr(nc, seller, 1, 10))
        assert _measure(breached, "orderDefectRate.mfn").status is Status.BAD
        assert (breached.account_status.value, breached.rating, breached.rating_band.value) == ("AT_RISK", 150, "AtRisk")
        section = breached.report["performanceMetrics"][0]["orderDefectRate"]["mfn"]
        assert section["orderWithDefects"] == {"count": 1, "status": "BAD"} and section["claims"]["count"] == 1
        assert section["rate"] == 0.1 and section["targetValue"] == 0.01 and section["targetCondition"] == "LESS_THAN"
        assert breached.report["accountStatuses"] == [{"marketplaceId": "ATVPDKIKX0DER", "status": "AT_RISK"}]

        await eventually(lambda: _is(_types(js), ["health.metric_breached.v1", "health.account_status_changed.v1"]))
        # More facts about other orders do not repeat the alert.
        await publish([fact(FeedbackReceived, seller, T0 + timedelta(days=1), order_id="114-0000000-0000004",
                            rating=5)])
        await eventually(lambda: consumer_idle(js, "MARKET", subscribers.MARKET_FEEDBACK.durable))

        await publish([fact(ClaimDecisionReported, seller, T0 + timedelta(days=1, hours=2), claim_id="AZ-H1",
                            outcome=ClaimOutcome.DENIED)])
        await eventually(lambda: _odr(nc, seller, 0, 10))
        await eventually(lambda: _is(_types(js), [
            "health.metric_breached.v1", "health.account_status_changed.v1",
            "health.metric_recovered.v1", "health.account_status_changed.v1"]))

        # Negative feedback is a defect until it is removed.
        await publish([fact(FeedbackReceived, seller, T0 + timedelta(days=1, hours=3), order_id="114-0000000-0000005",
                            rating=1, comment="never again")])
        await eventually(lambda: _odr(nc, seller, 1, 10))
        await publish([fact(FeedbackRemoved, seller, T0 + timedelta(days=1, hours=4), order_id="114-0000000-0000005")])
        await eventually(lambda: _odr(nc, seller, 0, 10))

        # Time travel: one hour after the claim was filed, from the streams, with the order behind it named.
        past = await _health(nc, seller, as_of=T0 + timedelta(days=1, hours=1))
        assert past.from_history and _measure(past, "orderDefectRate.mfn").numerator == 1
        assert past.why["orderDefectRate:defects.mfn"] == ["114-0000000-0000003"]
        before = await _health(nc, seller, as_of=T0 + timedelta(hours=1))
        assert _measure(before, "orderDefectRate.mfn").status is Status.GOOD

    recorded = [msgspec.json.decode(m.data) for m in await read_stream(js, "HEALTH")]
    assert [(e["type"], e.get("key"), e.get("current")) for e in recorded][:4] == [
        ("health.metric_breached.v1", "orderDefectRate.mfn", None),
        ("health.account_status_changed.v1", None, "AT_RISK"),
        ("health.metric_recovered.v1", "orderDefectRate.mfn", None),
        ("health.account_status_changed.v1", None, "NORMAL")]


async def _is(awaitable, expected):
    found = await awaitable
    return found[:len(expected)] == expected and found



