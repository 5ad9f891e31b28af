"""Replicas sharing deadlines against a real nats-server: two instances each keep about half of the open
deadlines; when one dies (its connection gone, nothing given back), the other takes its partitions once the
lease runs out and fires its deadlines, and every deadline fires once in total. A dead replica's keys leave
the leases bucket by its TTL."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import msgspec
import nats
import pytest

from sellerops.runtime.broker import open_bucket
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import DeadlineScheduler, deadline_jobs
from sellerops.runtime.index import last_values
from sellerops.runtime.partitions import LEASES_BUCKET, TTL_LEASES, Partitions, open_leases
from sellerops.runtime.settings import NatsSettings
from sellerops.testing.helpers import eventually

pytestmark = pytest.mark.nats

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEASE_S = 1.0


def due_of(state: dict) -> list[tuple[str, datetime]]:
    return [("expiry", datetime.fromisoformat(state["due"]))]


async def instance(url: str, clock: DrivenClock, fired: Counter, name: str):  # noqa: ANN201
    """One replica: its own connection, its partitions, a scheduler fed by its own watch of the bucket."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    states, leases = await open_bucket(js, "probe_state", NatsSettings()), await open_bucket(js, LEASES_BUCKET,
                                                                                                 NatsSettings())

    async def fire(key: str, kind: str, due: datetime) -> None:
        fired[(key, kind, due)] += 1

    partitions = Partitions(leases, "probe", count=16, lease_s=LEASE_S, instance=name)
    scheduler = DeadlineScheduler(due_of=due_of, fire=fire, clock=clock)
    jobs = deadline_jobs(scheduler, states, msgspec.json.decode, settle_s=0, partitions=partitions)
    tasks = [asyncio.create_task(job()) for job in [*jobs, partitions.run]]
    return nc, states, scheduler, tasks


async def test_a_dead_replicas_deadlines_are_fired_by_the_other_once_each(nats_url):
    clock, fired = DrivenClock(NOW), Counter()
    a_nc, states, a, a_tasks = await instance(nats_url, clock, fired, "a")
    b_nc, _, b, b_tasks = await instance(nats_url, clock, fired, "b")
    keys = [f"acme.o{n}" for n in range(60)]
    for key in keys:
        await states.put(key, msgspec.json.encode({"due": (NOW + timedelta(hours=1)).isoformat()}))

    async def shared() -> bool:
        held_a, held_b = {k for _, k, _ in a.pending()}, {k for _, k, _ in b.pending()}
        return held_a | held_b == set(keys) and not held_a & held_b and min(len(held_a), len(held_b)) >= 15

    await eventually(shared, timeout=20)
    held_by_a = {k for _, k, _ in a.pending()}

    await a_nc.close()  # a dies: no clean stop, its leases just stop being renewed
    for task in a_tasks:
        task.cancel()
    clock.advance(timedelta(hours=2))

    async def all_fired() -> bool:
        return len(fired) == len(keys)

    await eventually(all_fired, timeout=20)
    assert {key for key, _, _ in fired} == set(keys)
    assert set(fired.values()) == {1}, "each deadline fired once in total"
    assert held_by_a <= {k for k, _, _ in b.fired}, "the survivor fired the dead replica's share"
    for task in b_tasks:
        task.cancel()
    await asyncio.gather(*b_tasks, return_exceptions=True)
    await b_nc.close()


async def test_a_dead_replicas_heartbeat_leaves_the_leases_bucket_a_few_leases_after_its_last_beat(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await open_bucket(js, LEASES_BUCKET, NatsSettings())  # as made before the bucket had a TTL
    leases = await open_leases(js, replicas=1, lease_s=0.5)
    assert (await leases.status()).ttl == TTL_LEASES * 0.5, "an existing bucket is given the TTL"
    dead, live = (Partitions(leases, "probe", count=4, lease_s=0.5, instance=name) for name in ("dead", "live"))
    await dead.beat()  # one beat, then nothing: killed
    running = asyncio.create_task(live.run())
    try:
        async def keys() -> set[str]:  # not kv.keys(): its end-of-keys marker can come before the keys
            return {key for key, _, _ in await last_values(leases, ["probe"])}

        assert "probe.m.dead" in await keys()
        gone = await eventually(lambda: _without(keys, "probe.m.dead"), timeout=15)
        assert "probe.m.live" in gone and len(live.owned) == 4, "live keys stay: they are rewritten every beat"
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await nc.close()


async def _without(keys, key: str) -> set[str] | None:  # noqa: ANN001
    found = await keys()
    return found if key not in found else None
