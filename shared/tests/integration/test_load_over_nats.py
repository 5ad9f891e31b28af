"""Correctness under load against a real nats-server: one writer per key, and bad messages dead-lettered alone."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec
import nats
import pytest

from sellerops.contracts.catalog import encode
from sellerops.contracts.market import FulfillmentChannel, Money, OrderItem, OrderPlaced
from sellerops.runtime.delivery import REASON
from sellerops.runtime.host import ConsumerSpec, ServiceHost, ServiceInfo, Wiring
from sellerops.runtime.publisher import JetStreamPublisher, UnknownSubject, publish_to_stream
from sellerops.runtime.settings import DeliverySettings, NatsSettings, RuntimeSettings
from sellerops.runtime.state import SellerKeyedStore
from sellerops.testing.helpers import consumer_idle, eventually, read_stream, running

pytestmark = pytest.mark.nats
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CONSUMER = ConsumerSpec(durable="tally-market-order", source="market", entity="order")


class Tally(msgspec.Struct, frozen=True):
    units: int = 0


def placed(seller: str, order_id: str, quantity: int = 1) -> OrderPlaced:
    return OrderPlaced(event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id=order_id,
                       fulfillment_channel=FulfillmentChannel.MFN, purchased_at=T0,
                       items=[OrderItem(order_item_id="i", sku="HOT-SKU", quantity=quantity,
                                        item_price=Money(1, "USD"))])


def tally_host(url: str, stores: list, *, keep: int = 256, retry_delay_s: float = 0.05, held: bool = False,
               then: Callable[[OrderPlaced], None] | None = None) -> ServiceHost:
    """A service whose every order (its own aggregate) adds its units to ONE shared key: the hot-key shape.
    `held`: the key holds each order's id until its ack is confirmed (`apply_held`); `then` runs after the save."""
    settings = RuntimeSettings(nats=NatsSettings(url=[url]), delivery=DeliverySettings(
        max_deliver=2, retry_delays_s=[retry_delay_s], ack_wait_s=30))
    info = ServiceInfo(name="tally", version="0.0.1", description="hot key probe", consumers=(CONSUMER,),
                       buckets=("tally",))

    def wire(resources) -> Wiring:
        store = SellerKeyedStore(resources.buckets["tally"], Tally, "sku", keep_processed=keep)
        stores.append(store)
        apply = store.apply_held if held else store.apply

        async def add(evt: OrderPlaced) -> None:
            units = evt.items[0].quantity
            await apply(evt.seller, "HOT-SKU", str(evt.event_id), lambda t: (Tally((t.units if t else 0) + units), []))
            if then is not None:
                then(evt)

        return Wiring(events={CONSUMER.durable: {OrderPlaced: add}})

    return ServiceHost(info, settings, wire)


async def test_two_instances_adding_3000_orders_to_one_key_count_every_unit_once_with_no_dead_letter(
        nats_url, seller):
    stores: list = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    orders = [placed(seller, f"o-{n}", quantity=1 + n % 3) for n in range(3000)]
    async with running(tally_host(nats_url, stores).app()), running(tally_host(nats_url, stores).app()):
        await JetStreamPublisher(js).publish_many(orders)
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable), timeout=90)
        total = await stores[0].load(seller, "HOT-SKU")

    assert total == Tally(sum(o.items[0].quantity for o in orders))
    assert (await js.stream_info("DEADLETTER")).state.messages == 0
    writes = sum(s._store.writer.writes for s in stores)
    assert writes < len(orders) / 4, f"{writes} writes for {len(orders)} orders: a batch's updates are folded"
    await nc.close()


async def test_a_message_redelivered_after_its_hot_key_took_a_thousand_others_is_applied_once(nats_url, seller):
    """The first order is saved, then its handler fails before the ack (as a crash or a lost connection would
    leave it); it comes back 3 s later, after 1,000 more orders moved the key, which remembers the last 64 ids.
    The key held its id until the server confirmed its ack, so it is recognised. Every confirmed ack lets its id
    go at the key's next write: after one last order on its own, only that order's id is held."""
    first, last = placed(seller, "o-first", quantity=5), placed(seller, "o-last")
    stores: list = []
    failed: list = []

    def fail_the_first_once(evt: OrderPlaced) -> None:
        if evt.event_id == first.event_id and not failed:
            failed.append(evt)
            raise ConnectionError("the connection went before the ack (injected)")

    async def first_failed() -> bool:
        return bool(failed)

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    host = tally_host(nats_url, stores, keep=64, retry_delay_s=3.0, held=True, then=fail_the_first_once)
    async with running(host.app()):
        await JetStreamPublisher(js).publish_many([first])
        await eventually(first_failed, timeout=30)
        await JetStreamPublisher(js).publish_many([placed(seller, f"o-{n}") for n in range(1000)])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable), timeout=90)
        await JetStreamPublisher(js).publish_many([last])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable), timeout=30)
        record = await stores[0].load_record(seller, "HOT-SKU")

    assert record.state == Tally(5 + 1000 + 1)
    assert [p.id for p in record.held] == [str(last.event_id)]
    assert (await js.stream_info("DEADLETTER")).state.messages == 0
    await nc.close()


async def test_nested_oversized_and_forged_facts_are_dead_lettered_with_their_reasons_and_the_rest_handled(
        nats_url, seller):
    stores: list = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    subject = f"market.{seller}.order.placed"
    nested = b'{"a":' * 1000 + b"1" + b"}" * 1000
    huge = encode(msgspec.structs.replace(placed(seller, "o-huge"), items=[
        OrderItem(order_item_id=f"i{n}", sku=f"SKU-{n:05d}", quantity=1, item_price=Money(1, "USD"))
        for n in range(3000)]))
    forged = encode(placed("someone-else", "o-forged"))
    async with running(tally_host(nats_url, stores).app()):
        for data in (nested, huge, forged):
            await js.publish(subject, data, stream="MARKET")
        await JetStreamPublisher(js)([placed(seller, "o-good", quantity=5)])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable), timeout=60)
        total = await stores[0].load(seller, "HOT-SKU")

    assert total == Tally(5)
    reasons = [m.headers[REASON] for m in await read_stream(js, "DEADLETTER")]
    assert len(huge) > 256 * 1024
    assert reasons[0].startswith("undecodable event: RecursionError")
    assert f"event of {len(huge)} bytes is over the 262144 byte limit" == reasons[1]
    assert reasons[2] == f"seller mismatch: the subject names seller {seller!r}, the body 'someone-else'"
    await nc.close()


async def test_the_market_stream_refuses_a_subject_that_is_no_known_fact_naming_it(nats_url, seller):
    stores: list = []
    nc = await nats.connect(nats_url)
    async with running(tally_host(nats_url, stores).app()):
        with pytest.raises(UnknownSubject, match=rf"refused subject 'market.{seller}.shipment.x'"):
            await publish_to_stream(nc.jetstream(), f"market.{seller}.shipment.x", b"{}", stream="MARKET")
    await nc.close()


async def test_consumers_have_a_server_side_delivery_limit_past_the_dispatchers_own(nats_url):
    nc = await nats.connect(nats_url)
    async with running(tally_host(nats_url, []).app()):
        info = await nc.jetstream().consumer_info("MARKET", CONSUMER.durable)
    assert info.config.max_deliver == 3 * 2 + 5
    await nc.close()


async def test_status_counts_the_facts_on_subjects_no_consumer_reads(nats_url, seller):
    from sellerops.cli.status import collect
    from sellerops.contracts.health import FeedbackReceived

    stores: list = []
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    async with running(tally_host(nats_url, stores).app()):
        feedback = FeedbackReceived(event_id=uuid.uuid4(), seller=seller, occurred_at=T0, order_id="o-1",
                                    rating=1)
        await JetStreamPublisher(js)([placed(seller, "o-1"), feedback])
        await eventually(lambda: consumer_idle(js, "MARKET", CONSUMER.durable))
        *_, unread = await collect(nc)

    assert unread == {"MARKET": {f"market.{seller}.feedback.received": 1}}
    await nc.close()
