"""AggregateStore against a real JetStream KV bucket: forgetting an aggregate (retention) with a revision check,
and a key that was forgotten can be created again."""

import asyncio
import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from sellerops.contracts.market import OrderPaymentAuthorized
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import DeadlineScheduler, watch_states
from sellerops.runtime.state import AggregateStore

pytestmark = pytest.mark.nats
AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


class Done(msgspec.Struct, frozen=True):
    finished: bool = False


def finish(finished: bool):
    def decide(state: Done | None):
        return Done(finished), [OrderPaymentAuthorized(event_id=uuid.uuid4(), seller="acme", occurred_at=AT,
                                                       order_id="113-0000001-0000001")]

    return decide


async def bucket(nc, name: str):
    return await nc.jetstream().create_key_value(bucket=name, history=4)


async def test_an_aggregate_is_forgotten_only_when_its_state_says_so_and_can_be_created_again(nc):
    store = AggregateStore(await bucket(nc, "forget_test"), Done)
    await store.apply("acme.d1", "m1", finish(False))
    assert await store.forget("acme.d1", lambda s: s.finished) is False
    assert await store.load("acme.d1") == Done(False)

    await store.apply("acme.d1", "m2", finish(True))
    assert await store.forget("acme.d1", lambda s: s.finished) is True
    assert await store.load("acme.d1") is None
    assert await store.forget("acme.d1", lambda s: True) is False, "nothing left to forget"
    again = await store.apply("acme.d1", "m1", finish(False))
    assert again.state == Done(False) and not again.duplicate, "its processed ids went with it"


async def test_a_write_between_the_read_and_the_delete_is_asked_again(nc):
    kv = await bucket(nc, "forget_race")
    store = AggregateStore(kv, Done)
    await store.apply("acme.d2", "m1", finish(True))
    asked: list[Done] = []
    deletes = 0
    real_delete = kv.delete

    async def delete_after_another_write(key: str, last: int | None = None) -> bool:
        nonlocal deletes
        deletes += 1
        if deletes == 1:  # another writer moves the key between the read and this delete
            await store.apply("acme.d2", "m2", finish(False))
        return await real_delete(key, last=last)

    kv.delete = delete_after_another_write

    def finished(state: Done) -> bool:
        asked.append(state)
        return state.finished

    assert await store.forget("acme.d2", finished) is False
    assert asked == [Done(True), Done(False)], "refused by the revision check, read again, asked again"
    assert await store.load("acme.d2") == Done(False)


async def test_a_deadline_watch_sees_a_forgotten_aggregate_go(nc):
    kv = await bucket(nc, "forget_watch")
    store = AggregateStore(kv, Done)
    scheduler = DeadlineScheduler(due_of=lambda s: [("forget", AT)] if s.finished else [], fire=None,  # type: ignore[arg-type]
                                  clock=DrivenClock(AT))
    watching = asyncio.create_task(watch_states(kv, store.decode_state, scheduler))
    try:
        await store.apply("acme.d3", "m1", finish(True))
        for _ in range(100):
            if scheduler.pending():
                break
            await asyncio.sleep(0.02)
        assert scheduler.pending() == [(AT, "acme.d3", "forget")]
        await store.forget("acme.d3", lambda s: s.finished)
        for _ in range(100):
            if not scheduler.pending():
                break
            await asyncio.sleep(0.02)
        assert scheduler.pending() == []
    finally:
        watching.cancel()
