"""PendingEffects against a real JetStream: a process that saved its decision and died before publishing has
its events published by the next one's deadline watch, once each in the stream (same ids, deduplicated)."""

import asyncio
import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from sellerops.contracts.market import OrderPaymentAuthorized
from sellerops.contracts.streams import stream_name
from sellerops.runtime.broker import declare_streams
from sellerops.runtime.clock import WallClock
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.effects import PendingEffects
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.settings import NatsSettings
from sellerops.runtime.state import SellerKeyedStore

pytestmark = pytest.mark.nats
AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


class Paid(msgspec.Struct, frozen=True):
    orders: list[str] = []


def authorize(seller: str, order_id: str, event_id: uuid.UUID):  # noqa: ANN201
    def decide(state: Paid | None):  # noqa: ANN202
        event = OrderPaymentAuthorized(event_id=event_id, seller=seller, occurred_at=AT, order_id=order_id)
        return Paid([*(state.orders if state else []), order_id]), [event]

    return decide


async def test_events_left_pending_by_a_crash_are_published_once_by_the_next_process_watch(nc):
    js = nc.jetstream()
    await declare_streams(js, NatsSettings(), only=[stream_name("market")])
    kv = await js.create_key_value(bucket="effects_crash", history=4)
    seller, order_id, event_id = f"s{uuid.uuid4().hex[:8]}", "113-0000001-0000001", uuid.uuid4()
    published = JetStreamPublisher(js)

    async def dies_after_publishing(events):  # noqa: ANN001, ANN202  (published, then died before clearing)
        await published(events)
        raise ConnectionError("process died (injected)")

    first = PendingEffects(SellerKeyedStore(kv, Paid, "order_id"), dies_after_publishing, WallClock())
    with pytest.raises(ConnectionError):
        await first.apply(seller, order_id, "m1", authorize(seller, order_id, event_id))
    assert len((await first.load_record(seller, order_id)).pending) == 1

    second = PendingEffects(SellerKeyedStore(kv, Paid, "order_id"), published, WallClock())
    scheduler = DeadlineScheduler(due_of=second.due_of(), fire=second.fire(), clock=WallClock())
    jobs = [asyncio.create_task(job()) for job in deadline_jobs(scheduler, kv, second.decode_watched, settle_s=0.0)]
    try:
        for _ in range(200):
            if not (await second.load_record(seller, order_id)).pending:
                break
            await asyncio.sleep(0.02)
    finally:
        for job in jobs:
            job.cancel()

    assert (await second.load_record(seller, order_id)).pending == []
    info = await js.stream_info(stream_name("market"), subjects_filter=f"market.{seller}.>")
    assert info.state.messages == 1, "published twice, stored once (same event id)"
