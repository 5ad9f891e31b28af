"""Delivery guarantees of the runtime against a real nats-server: retries, dead letters, ordering."""

import asyncio
import random
import uuid
from datetime import UTC, datetime

import msgspec
import nats
import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPlaced
from sellerops.runtime.delivery import DELIVERIES, ORIGINAL_SUBJECT, REASON, SERVICE
from sellerops.runtime.host import ConsumerSpec, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

pytestmark = pytest.mark.nats
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CONSUMER = ConsumerSpec(durable="probe-market-order", source="market", entity="order")


def placed(seller: str, order_id: str) -> OrderPlaced:
    return OrderPlaced(event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id,
                       fulfillment_channel=FulfillmentChannel.MFN, purchased_at=T0,
                       items=[OrderItem(order_item_id="i", sku="S", quantity=1, item_price=Money(1, "USD"))])


def probe_host(url: str, handled: list, poison: str) -> ServiceHost:
    async def handle(evt: OrderPlaced) -> None:
        if evt.order_id == poison:
            raise ValueError(f"cannot handle order {evt.order_id}")
        handled.append(evt.order_id)

    settings = RuntimeSettings(nats=NatsSettings(url=[url]),
                               delivery=DeliverySettings(max_deliver=3, retry_delays_s=[0.05], ack_wait_s=5))
    info = ServiceInfo(name="probe", version="0.0.1", description="test probe", consumers=(CONSUMER,))
    return ServiceHost(info, settings, lambda resources: Wiring(events={CONSUMER.durable: {OrderPlaced: handle}}))


async def test_a_handler_that_keeps_failing_ends_in_the_dead_letter_stream_while_later_messages_flow(nats_url, seller):
    handled: list[str] = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running(probe_host(nats_url, handled, poison="bad-1").app()):
        bad = placed(seller, "bad-1")
        good = [placed(seller, f"good-{n}") for n in range(5)]
        await JetStreamPublisher(js)([bad, *good])
        await eventually(lambda: dead_letter_count(js, 1))  # idle is not enough: a NAK'd message waits out its delay
        later = placed(seller, "good-later")
        await JetStreamPublisher(js)([later])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable))

    assert handled == [f"good-{n}" for n in range(5)] + ["good-later"]
    dead = await read_stream(js, "DEADLETTER")
    assert len(dead) == 1
    letter = dead[0]
    assert letter.subject == f"deadletter.probe.market.{seller}.order.placed"
    assert letter.headers[SERVICE] == "probe"
    assert int(letter.headers[DELIVERIES]) >= 3, "given up after max_deliver (an ack-wait redelivery may add one)"
    assert letter.headers[ORIGINAL_SUBJECT] == f"market.{seller}.order.placed"
    assert "ValueError: cannot handle order bad-1" in letter.headers[REASON]
    assert letter.headers["Sellerops-Type"] == "market.order_placed.v1", "original headers are kept"
    assert letter.data == encode(bad), "the payload is kept byte for byte"
    await nc.close()


async def test_a_malformed_event_is_dead_lettered_at_once_with_the_field_that_is_wrong(nats_url, seller):
    handled: list[str] = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running(probe_host(nats_url, handled, poison="none").app()):
        broken = msgspec.json.decode(encode(placed(seller, "o-1")))
        broken["items"][0]["quantity"] = 0
        await js.publish(f"market.{seller}.order.placed", msgspec.json.encode(broken), stream="MARKET")
        await js.publish(f"market.{seller}.order.placed", b"{not json", stream="MARKET")
        await JetStreamPublisher(js)([placed(seller, "o-2")])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable))

    assert handled == ["o-2"]
    reasons = [m.headers[REASON] for m in await read_stream(js, "DEADLETTER")]
    assert len(reasons) == 2
    assert "$.items[0].quantity" in reasons[0]
    assert reasons[1].startswith("undecodable event")
    assert all(m.headers[DELIVERIES] == "1" for m in await read_stream(js, "DEADLETTER"))
    await nc.close()


async def test_a_dead_letter_replayed_after_the_fix_is_handled_and_leaves_the_dead_letter_stream(nats_url, seller):
    from sellerops.runtime import dead_letters

    handled: list[str] = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running(probe_host(nats_url, handled, poison="flaky").app()):
        await JetStreamPublisher(js)([placed(seller, "flaky")])
        await eventually(lambda: dead_letter_count(js, 1))
    [letter] = await dead_letters.list_dead_letters(js, service="probe")
    assert letter.original_subject == f"market.{seller}.order.placed" and letter.deliveries >= 3

    async with running(probe_host(nats_url, handled, poison="none").app()):  # the fixed release
        await dead_letters.replay(js, letter.sequence)
        await eventually(lambda: _async(handled == ["flaky"]))
    assert await dead_letters.list_dead_letters(js) == []
    await nc.close()


async def test_events_trickling_in_while_the_consumer_waits_are_each_handled_once_in_order_without_a_redelivery(
        nats_url, seller):
    """Regression: nats-py's fetch could raise a bare TimeoutError that ended FastStream's batch loop and
    dropped the messages it had gathered; they came back only after ack_wait, behind later ones."""
    handled: list[str] = []

    async def handle(evt: OrderPlaced) -> None:
        await asyncio.sleep(0.002)  # long enough for a batch to be gathered over several fetches
        handled.append(evt.items[0].sku)

    settings = RuntimeSettings(nats=NatsSettings(url=[nats_url]),
                               delivery=DeliverySettings(retry_delays_s=[0.05], ack_wait_s=60))
    info = ServiceInfo(name="probe", version="0.0.1", description="test probe", consumers=(CONSUMER,))
    host = ServiceHost(info, settings, lambda resources: Wiring(events={CONSUMER.durable: {OrderPlaced: handle}}))
    nc = await nats.connect(nats_url)
    publish = JetStreamPublisher(nc.jetstream())
    rng = random.Random(7)
    sent = [f"SKU-{n:03d}" for n in range(240)]
    async with running(host.app()):
        for start in range(0, len(sent), 3):  # bursts of three, 0 to 60 ms apart: one order, one aggregate
            await publish([msgspec.structs.replace(placed(seller, "o-trickle"), event_id=uuid.uuid4(),
                                                   items=[OrderItem(order_item_id="i", sku=sku, quantity=1,
                                                                    item_price=Money(1, "USD"))])
                           for sku in sent[start:start + 3]])
            await asyncio.sleep(rng.uniform(0, 0.06))
        await eventually(lambda: _async(len(handled) >= len(sent)), timeout=20)  # ack_wait is 60 s
    assert handled == sent
    await nc.close()


async def dead_letter_count(js, expected: int) -> bool:
    try:
        return (await js.stream_info("DEADLETTER")).state.messages == expected
    except Exception:  # noqa: BLE001  (not declared yet)
        return False


async def _async(value):
    return value


def test_the_embedded_server_can_fsync_every_write_before_acknowledging_it(tmp_path):
    import json
    import urllib.request

    from sellerops.runtime.embedded import EmbeddedNats

    with EmbeddedNats(tmp_path / "nats", sync_always=True) as server:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.monitor_port}/varz", timeout=2) as reply:
            varz = json.loads(reply.read())
    assert varz["jetstream"]["config"]["sync_always"] is True


def eager_host(url: str, handled: list, **delivery) -> ServiceHost:  # noqa: ANN003
    async def handle(evt: OrderPlaced) -> None:
        handled.append(evt.order_id)

    settings = RuntimeSettings(nats=NatsSettings(url=[url]), delivery=DeliverySettings(**delivery))
    info = ServiceInfo(name="probe", version="0.0.1", description="test probe", consumers=(CONSUMER,))
    return ServiceHost(info, settings, lambda resources: Wiring(events={CONSUMER.durable: {OrderPlaced: handle}}))


async def test_a_lone_event_is_handled_at_once_not_when_the_idle_pull_would_have_timed_out(nats_url, seller):
    handled: list[str] = []
    nc = await nats.connect(nats_url)
    async with running(eager_host(nats_url, handled, idle_wait_s=30.0).app()):
        await asyncio.sleep(0.3)  # the consumer's pull is lingering now
        await JetStreamPublisher(nc.jetstream())([placed(seller, "lone-1")])
        await eventually(lambda: asyncio.sleep(0, handled == ["lone-1"]), timeout=5)  # 30 s before the fix
        burst = [placed(seller, f"burst-{n}") for n in range(300)]
        await JetStreamPublisher(nc.jetstream()).publish_many(burst)
        await eventually(lambda: asyncio.sleep(0, len(handled) == 301), timeout=10)
    assert sorted(handled[1:]) == sorted(e.order_id for e in burst)
    await nc.close()


async def test_an_idle_consumer_asks_the_server_about_once_per_idle_wait(nats_url, monkeypatch):
    from nats.js import JetStreamContext

    fetches: list[int] = []
    fetch = JetStreamContext.PullSubscription.fetch

    async def counted(self, batch: int = 1, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        fetches.append(batch)
        return await fetch(self, batch, *args, **kwargs)

    monkeypatch.setattr(JetStreamContext.PullSubscription, "fetch", counted)
    async with running(eager_host(nats_url, [], idle_wait_s=0.5).app()):
        await asyncio.sleep(2.0)
    assert 2 <= len(fetches) <= 6, f"{len(fetches)} pulls in 2 s idle (the batch loop made ~40 at 0.05 s)"
    assert set(fetches) == {1}, "idle: only the lingering pull for one event"


async def test_a_consumer_is_sent_only_the_facts_its_service_routes_and_the_rest_stay_unconsumed(nats_url, seller):
    from sellerops.cli.status import unconsumed
    from sellerops.contracts.market import OrderPaymentAuthorized
    from sellerops.runtime.broker import consumer_config, declare_streams

    handled: list[str] = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await declare_streams(js, NatsSettings(url=[nats_url]))  # as deployed before: the durable took every order fact
    await js.add_consumer("MARKET", consumer_config(CONSUMER.durable, CONSUMER.filter_subject, DeliverySettings()))
    async with running(probe_host(nats_url, handled, poison="none").app()):
        paid = OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id="o-2")
        await JetStreamPublisher(js)([paid, placed(seller, "o-1")])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable))
        info = await js.consumer_info("MARKET", CONSUMER.durable)

    assert handled == ["o-1"]
    assert info.config.filter_subject == "market.*.order.placed"
    assert info.delivered.stream_seq >= 1 and info.num_pending == 0
    subjects = (await js.stream_info("MARKET", subjects_filter=f"market.{seller}.>")).state.subjects
    assert unconsumed(subjects, [info.config.filter_subject]) == {f"market.{seller}.order.payment_authorized": 1}
    await nc.close()


def test_a_consumer_of_several_facts_filters_on_each_and_one_of_nothing_routed_on_the_whole_entity():
    from sellerops.contracts.market import OrderPaymentAuthorized
    from sellerops.contracts.returns import CustomerReturnReported

    assert CONSUMER.filters([OrderPlaced, OrderPaymentAuthorized]) == [
        "market.*.order.payment_authorized", "market.*.order.placed"]
    assert CONSUMER.filters([]) == ["market.*.order.*"]
    assert CONSUMER.filters([OrderPlaced, CustomerReturnReported]) == ["market.*.order.*"], "another entity's fact"
