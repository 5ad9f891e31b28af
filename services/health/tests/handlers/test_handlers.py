"""The health handlers over in-memory KV (the real stores, revision checks and dedupe): a third-party metric
from an installed distribution, crash safety of the counters, the cost of an answer, bad requests."""

import asyncio
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

from sellerops.contracts.health import (
    AccountStatus, AccountStatusReported, GetAccountHealth, MetricSettings, OrderHealthRef, SetMetricSettings, Status,
)
from sellerops.contracts.market import DEFAULT_MARKETPLACE, FulfillmentChannel, Money, OrderType, Window
from sellerops.contracts.orders import OrderLine, OrderRecorded, OrderShipped, OrderStatus, PackageDetail, PackageItem
from sellerops.contracts.requests import RequestError
from sellerops.health.domain.records import DayCounts
from sellerops.health import bootstrap, handlers
from sellerops.health.adapters import BUCKETS, stores
from sellerops.health.domain.alerts import ForecastRules
from sellerops.health.domain.report import RatingRules
from sellerops.runtime.clock import DrivenClock
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
EXAMPLE = Path(__file__).parent.parent / "plugin_example" / "sellerops_metric_example"


def recorded(seller: str, order_id: str, at: datetime) -> OrderRecorded:
    return OrderRecorded(
        event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id, status=OrderStatus.UNSHIPPED,
        fulfillment_channel=FulfillmentChannel.MFN, order_type=OrderType.STANDARD, purchased_at=at,
        lines=[OrderLine(order_item_id="i1", sku="MUG", quantity_ordered=1, item_price=Money(Decimal("9.99"), "USD"))],
        ship_window=Window(at, at + timedelta(days=2)))


def shipped(seller: str, order_id: str, at: datetime, *, late: bool = False) -> OrderShipped:
    package = PackageDetail(carrier_code="UPS", tracking_number="1Z999AA10123456784", ship_date=at.date(),
                            items=[PackageItem("i1", 1)])
    return OrderShipped(event_id=uuid.uuid4(), seller=seller, occurred_at=at, order_id=order_id, package=package,
                        package_number=1, status=OrderStatus.SHIPPED, fulfillment_channel=FulfillmentChannel.MFN,
                        confirmed_at=at, late=late)


class CountingKV(FakeKeyValue):
    def __init__(self) -> None:
        super().__init__()
        self.fail_writes = 0
        self.fail_rewrites = 0  # writes of a key that has a value (an order's second write clears its change)

    async def update(self, key: str, value: bytes, last: int | None = None) -> int:
        if self.fail_writes or (self.fail_rewrites and last):
            self.fail_writes, self.fail_rewrites = max(0, self.fail_writes - 1), max(0, self.fail_rewrites - 1)
            raise ConnectionError("NATS went away")
        return await super().update(key, value, last)


def service(metrics=None, keep_day: int = 512):
    kvs = {name: CountingKV() for name in BUCKETS}
    found = stores(kvs, keep=64, keep_day=keep_day)
    clock = DrivenClock(NOW)
    built, checker = bootstrap.build(stores=found, publish=RecordingPublisher(), clock=clock,
                                     metrics=metrics if metrics is not None else bootstrap.load_metrics(),
                                     rules=RatingRules(), forecast=ForecastRules(), history=_no_history)
    return built, kvs, checker


async def _no_history(seller: str) -> list:
    return []


async def _health(built, seller: str):
    return await built(handlers.get_account_health, seller, GetAccountHealth())


def _measure(health, key: str):
    return next(m for m in health.measures if m.key == key)


@pytest.fixture
def example_installed(tmp_path, monkeypatch):
    """The example package installed as a distribution would be: its code and a dist-info naming its entry point."""
    shutil.copytree(EXAMPLE, tmp_path / EXAMPLE.name)
    info = tmp_path / "sellerops_metric_example-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sellerops-metric-example\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[sellerops.metrics]\nexample = sellerops_metric_example\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield


async def test_a_metric_from_an_installed_distribution_is_counted_reported_and_overridable(example_installed):
    metrics = bootstrap.load_metrics()
    assert "slowHandlingRate" in [m.name for m in metrics]
    built, _, _ = service(metrics)
    for n, ship_after in enumerate((timedelta(hours=5), timedelta(days=2), timedelta(hours=20))):
        at = NOW - timedelta(days=3)
        await built(handlers.on_order_fact, recorded("acme", f"O-{n}", at))
        await built(handlers.on_order_fact, shipped("acme", f"O-{n}", at + ship_after))

    health = await _health(built, "acme")
    slow = _measure(health, "slowHandlingRate")
    assert (slow.numerator, slow.denominator, slow.status) == (1, 3, Status.BAD)  # 33% against under 10%
    section = health.report["performanceMetrics"][0]["slowHandlingRate"]
    assert (section["slowCount"], section["shippedCount"], section["targetValue"]) == (1, 3, 0.1)

    await built(handlers.set_metric_settings, "acme", SetMetricSettings(metrics={
        "slowHandlingRate": MetricSettings(target_value=0.5)}))
    assert _measure(await _health(built, "acme"), "slowHandlingRate").status is Status.GOOD


async def test_a_crash_between_the_order_and_its_day_counters_loses_nothing_and_counts_nothing_twice():
    built, kvs, _ = service()
    order = recorded("acme", "O-1", NOW - timedelta(days=1))
    await built(handlers.on_order_fact, recorded("acme", "O-0", NOW - timedelta(days=1)))  # the day's key exists
    kvs["health_day"].fail_writes = 1  # the order's facts and outbox are saved; adding to its day fails

    with pytest.raises(ConnectionError):
        await built(handlers.on_order_fact, order)
    await built(handlers.on_order_fact, order)  # redelivered: already applied, so it only finishes the outbox
    await built(handlers.on_order_fact, order)  # and once more for good measure

    odr = _measure(await _health(built, "acme"), "orderDefectRate.mfn")
    assert odr.denominator == 2
    state = await built(handlers.get_order_health, "acme", _ref("O-1"))
    assert state.facts.purchased_at is not None


def _ref(order_id: str) -> OrderHealthRef:
    return OrderHealthRef(order_id=order_id)


async def test_a_change_added_to_its_day_but_not_cleared_from_its_order_counts_once_whatever_came_between():
    built, kvs, _ = service(keep_day=64)
    day = NOW - timedelta(days=1)
    order = recorded("acme", "O-1", day)
    kvs["health_order"].fail_rewrites = 1  # the change reaches its day; clearing it from the order fails

    with pytest.raises(ConnectionError):
        await built(handlers.on_order_fact, order)
    for n in range(2, 202):  # three times the ids a day remembers
        await built(handlers.on_order_fact, recorded("acme", f"O-{n}", day))
    await built(handlers.on_order_fact, order)  # redelivered after all of them

    assert _measure(await _health(built, "acme"), "orderDefectRate.mfn").denominator == 201
    await built(handlers.on_order_fact, recorded("acme", "O-202", day))  # the day's next write lets go of the rest
    stored = msgspec.json.decode((await kvs["health_day"].get(f"acme.{DEFAULT_MARKETPLACE}.{day.date()}")).value,
                                 type=DayCounts)
    assert len(stored.held) == 1 and len(stored.applied) == 64  # only the change its own write took


async def test_an_answer_reads_one_key_per_day_of_the_longest_window_whatever_the_number_of_orders():
    reads = []
    for orders in (10, 200):
        built, kvs, _ = service()
        for n in range(orders):
            await built(handlers.on_order_fact, recorded("acme", f"O-{n}", NOW - timedelta(days=n % 50, hours=1)))
        kvs["health_day"].gets = 0
        health = await _health(built, "acme")
        assert _measure(health, "orderDefectRate.mfn").denominator == orders
        reads.append(kvs["health_day"].gets)
    assert reads == [90, 90]  # the 90-day contact response rate is the longest window


async def test_overriding_a_metric_that_is_not_installed_is_refused_naming_it():
    built, _, _ = service()
    with pytest.raises(RequestError) as refused:
        await built(handlers.set_metric_settings, "acme", SetMetricSettings(metrics={"nope": MetricSettings(window_days=3)}))
    assert refused.value.reply.field == "$.metrics.nope"


async def test_an_as_of_in_the_future_is_refused():
    built, _, _ = service()
    with pytest.raises(RequestError) as refused:
        await built(handlers.get_account_health, "acme", GetAccountHealth(as_of=NOW + timedelta(days=1)))
    assert refused.value.reply.field == "$.as_of"


async def test_a_red_flag_check_reads_each_day_once_for_both_the_window_and_its_trend():
    built, kvs, checker = service()
    await built(handlers.on_order_fact, recorded("acme", "O-1", NOW - timedelta(days=1)))
    kvs["health_day"].gets = 0

    await checker.check("acme", "ATVPDKIKX0DER")

    assert kvs["health_day"].gets == 90 + 7  # the longest window, plus the 7-day trend, in one pass


def status_reported(seller: str, status: str, at: datetime, previous: str | None = None) -> AccountStatusReported:
    return AccountStatusReported(event_id=uuid.uuid4(), seller=seller, occurred_at=at, status=AccountStatus(status),
                                 previous=AccountStatus(previous) if previous else None)


async def test_the_status_the_marketplace_reports_is_shown_beside_the_computed_one():
    built, _, _ = service()
    await built(handlers.on_account_status, status_reported("acme", "AT_RISK", NOW - timedelta(hours=3), "NORMAL"))

    health = await _health(built, "acme")
    assert health.account_status is AccountStatus.NORMAL, "computed from the metrics: nothing is BAD"
    assert health.marketplace_status is AccountStatus.AT_RISK
    assert health.marketplace_status_at == NOW - timedelta(hours=3)
    assert health.report["accountStatuses"] == [{"marketplaceId": "ATVPDKIKX0DER", "status": "AT_RISK"}], \
        "the report-shaped document shows the marketplace's own status, as its report would"


async def test_a_late_older_status_report_does_not_replace_a_newer_one():
    built, _, _ = service()
    newer = status_reported("acme", "NORMAL", NOW - timedelta(hours=1), "AT_RISK")
    await built(handlers.on_account_status, newer)
    await built(handlers.on_account_status, status_reported("acme", "AT_RISK", NOW - timedelta(days=2), "NORMAL"))
    await built(handlers.on_account_status, newer)  # a redelivery

    health = await _health(built, "acme")
    assert (health.marketplace_status, health.marketplace_status_at) == (AccountStatus.NORMAL, newer.occurred_at)


async def test_without_a_report_from_the_marketplace_the_computed_status_is_the_reports():
    built, _, _ = service()
    health = await _health(built, "acme")
    assert health.marketplace_status is None
    assert health.report["accountStatuses"][0]["status"] == health.account_status.value


async def test_a_check_before_event_time_is_known_waits_instead_of_failing():
    from sellerops.runtime.clock import StreamClock

    kvs = {name: CountingKV() for name in BUCKETS}
    event_time = StreamClock(DrivenClock(NOW))
    event_time.behind("health-orders-order", None)  # a backlog, nothing processed yet
    _built, checker = bootstrap.build(stores=stores(kvs, keep=64, keep_day=512), publish=RecordingPublisher(),
                                     clock=DrivenClock(NOW), deadline_clock=event_time,
                                     metrics=bootstrap.load_metrics(), rules=RatingRules(), forecast=ForecastRules(),
                                     history=_no_history, every_s=0.01)
    with pytest.raises(handlers.EventTimeUnknown):  # not an OverflowError from a window ending at datetime.min
        await checker.check("acme", "ATVPDKIKX0DER")
    checker.touch("acme", "ATVPDKIKX0DER")
    running = asyncio.create_task(checker.run())
    await asyncio.sleep(0.05)
    assert ("acme", "ATVPDKIKX0DER") in checker.touched, "kept for the next round"
    event_time.caught_up("health-orders-order")
    await asyncio.sleep(0.05)
    running.cancel()
    assert checker.touched == set(), "checked once event time is known"


async def test_a_policy_warning_keeps_the_status_the_marketplace_reported():
    from sellerops.contracts.health import PolicyWarningReported, PolicyWarningResolved

    built, _, _ = service()
    await built(handlers.on_account_status, status_reported("acme", "AT_RISK", NOW - timedelta(hours=3), "NORMAL"))
    await built(handlers.on_warning, PolicyWarningReported(event_id=uuid.uuid4(), seller="acme", occurred_at=NOW,
                                                 warning_id="W-1", warning_type="listingPolicyViolations"))
    await built(handlers.on_warning, PolicyWarningResolved(event_id=uuid.uuid4(), seller="acme", occurred_at=NOW,
                                                 warning_id="W-1"))
    health = await _health(built, "acme")
    assert (health.marketplace_status, health.marketplace_status_at) == (AccountStatus.AT_RISK, NOW - timedelta(hours=3))


async def test_a_fact_that_is_not_about_an_order_is_refused_by_name_before_any_order_record_is_written():
    built, kvs, _ = service()
    with pytest.raises(TypeError, match="order health facts do not take AccountStatusReported"):
        await built(handlers.on_order_fact, status_reported("acme", "AT_RISK", NOW))
    assert kvs["health_order"].writes == 0
