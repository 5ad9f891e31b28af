"""A deadline is fired in two steps, its state saved (with the deadline's message id and its event) and then
its event published, and the saved state no longer lists the deadline. Against a real nats-server: a fire
whose publish fails after the save is still published, and so is the one of a replica that died between
the two steps (the replica that takes its partition fires it again), each event stored once.

The probe service: a state `{"due": ..., "fired": [...]}` per key, a fire applied through AggregateStore
under `deadline/<kind>/<due>` (as every service's deadline handler does), its event published to a stream
with a message id made from the deadline (as the services' event ids are)."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
import nats
import pytest
from nats.js.api import StreamConfig

from sellerops.runtime.broker import open_bucket
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.partitions import LEASES_BUCKET, Partitions
from sellerops.runtime.settings import NatsSettings
from sellerops.runtime.state import AggregateStore
from sellerops.testing.helpers import eventually

pytestmark = pytest.mark.nats

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DUE = NOW + timedelta(minutes=1)
STREAM, BUCKET = "PROBE_FIRED", "probe_fire_state"


def due_of(state: dict) -> list[tuple[str, datetime]]:
    return [] if "expiry" in state.get("fired", []) else [("expiry", datetime.fromisoformat(state["due"]))]


def expired(state: dict | None) -> tuple[dict | None, list]:
    if state is None or "expiry" in state.get("fired", []):
        return state, []
    return {**state, "fired": [*state.get("fired", []), "expiry"]}, []


class Replica:
    """One instance of the probe service: its connection, store, scheduler and background jobs."""

    def __init__(self, nc: nats.NATS, store: AggregateStore, scheduler: DeadlineScheduler, tasks: list) -> None:
        self.nc, self.store, self.scheduler, self.tasks = nc, store, scheduler, tasks

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.nc.close()


async def replica(url: str, clock: DrivenClock, *, name: str | None = None, retry_after_s: float = 0.5,
                  after_save: Callable[[str], asyncio.Future | None] = lambda key: None) -> Replica:
    """`after_save(key)`: what happens between the save and the publish (a failure, or a death)."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    store = AggregateStore(await open_bucket(js, BUCKET, NatsSettings()), dict)

    async def fire(key: str, kind: str, due: datetime) -> None:
        await store.apply(key, f"deadline/{kind}/{due.isoformat()}", expired)
        if (step := after_save(key)) is not None:
            await step
        await js.publish(f"probefired.{key}", b"", headers={"Nats-Msg-Id": f"{key}/{kind}/{due.isoformat()}"})

    scheduler = DeadlineScheduler(due_of=due_of, fire=fire, clock=clock, retry_after_s=retry_after_s)
    partitions = None
    if name is not None:
        leases = await open_bucket(js, LEASES_BUCKET, NatsSettings())
        partitions = Partitions(leases, "probe", count=16, lease_s=1.0, instance=name)
    jobs = deadline_jobs(scheduler, store._kv, store.decode_state, settle_s=0, partitions=partitions)  # noqa: SLF001
    tasks = [asyncio.create_task(job()) for job in [*jobs, *([partitions.run] if partitions else [])]]
    return Replica(nc, store, scheduler, tasks)


async def published(js) -> dict[str, int]:  # noqa: ANN001
    """How many events the stream stored per key."""
    info = await js.stream_info(STREAM)
    found: dict[str, int] = {}
    for seq in range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else ():
        key = (await js.get_msg(STREAM, seq)).subject.removeprefix("probefired.")
        found[key] = found.get(key, 0) + 1
    return found


@pytest.fixture
async def js(nc):  # noqa: ANN001, ANN201
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=["probefired.>"], duplicate_window=600))
    return js


async def test_a_fire_whose_publish_failed_after_its_state_was_saved_is_published_on_the_retry(nats_url, js):
    clock, failed = DrivenClock(NOW), asyncio.Event()

    def fail_once(key: str) -> asyncio.Future | None:
        if failed.is_set():
            return None
        failed.set()
        step = asyncio.get_running_loop().create_future()
        step.set_exception(TimeoutError("no PubAck: the stream leader's node was lost"))
        return step

    probe = await replica(nats_url, clock, after_save=fail_once, retry_after_s=2.0)
    try:
        await probe.store._kv.put("acme.o1", msgspec.json.encode({"state": {"due": DUE.isoformat()}}))  # noqa: SLF001
        await eventually(lambda: asyncio.sleep(0, probe.scheduler.pending()), timeout=10)
        clock.advance(timedelta(minutes=2))
        await asyncio.wait_for(failed.wait(), timeout=10)
        # while the fire waits to be retried, another fact about the order is applied: the scheduler sees the
        # state as saved by the failed fire, without the deadline
        await probe.store.apply("acme.o1", "note/1", lambda state: ({**state, "note": "gift"}, []))

        await eventually(lambda: published(js), timeout=10)
        assert await probe.store.load("acme.o1") == {"due": DUE.isoformat(), "fired": ["expiry"], "note": "gift"}
        assert await published(js) == {"acme.o1": 1}
    finally:
        await probe.stop()


@pytest.mark.parametrize("due_in", [timedelta(minutes=1), -timedelta(days=1)], ids=["on_time", "past_when_seen"])
async def test_a_replica_dying_between_saving_a_fire_and_publishing_it_leaves_it_to_the_one_taking_over(nats_url, js,
                                                                                                          due_in):
    """Fired on time, or at first sight for a deadline long past (an at-risk alert 24 h before a ship-by that
    came in late): either way the replica taking over fires it again. The clock is the wall clock's now, as the
    time a record was written (the server's) is compared with it."""
    now = datetime.now(UTC).replace(microsecond=0)
    clock, saved, stuck, due = DrivenClock(now), asyncio.Event(), [], now + due_in

    def die(key: str) -> asyncio.Future:  # a's first fire saves its state, then a is killed before publishing
        stuck.append(key)
        saved.set()
        return asyncio.get_running_loop().create_future()  # never done

    a = await replica(nats_url, clock, name="a", after_save=die)
    b = await replica(nats_url, clock, name="b")
    keys = [f"acme.o{n}" for n in range(40)]
    for key in keys:
        await a.store._kv.put(key, msgspec.json.encode({"state": {"due": due.isoformat()}}))  # noqa: SLF001

    async def shared() -> bool:
        held_a, held_b = {k for _, k, _ in a.scheduler.pending()}, {k for _, k, _ in b.scheduler.pending()}
        return held_a | held_b == set(keys) and bool(held_a) and bool(held_b)

    if due_in > timedelta(0):
        await eventually(shared, timeout=20)
        clock.advance(timedelta(minutes=2))
    await asyncio.wait_for(saved.wait(), timeout=20)
    await a.stop()  # killed: nothing given back, its leases run out
    try:
        assert (await b.store.load(stuck[0]))["fired"] == ["expiry"], "a saved its fire before dying"

        async def all_published() -> dict[str, int] | None:
            found = await published(js)
            return found if set(found) == set(keys) else None

        found = await eventually(all_published, timeout=30)
        assert found == dict.fromkeys(keys, 1), "every deadline's event stored once"
        assert stuck[0] in {k for k, _, _ in b.scheduler.fired}, "b fired the dead replica's saved fire again"
    finally:
        await b.stop()
