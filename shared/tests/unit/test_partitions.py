"""Partitions over a FakeKeyValue on a driven monotonic clock: replicas split the partitions evenly and
exclusively, a dead one's share is taken once its lease runs out, a clean stop hands over at once."""

from sellerops.runtime.partitions import Partitions, partition_of
from sellerops.testing.fakes import FakeKeyValue


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def replicas(kv, ticks, *names):
    return [Partitions(kv, "probe", count=12, lease_s=3.0, instance=name, monotonic=ticks) for name in names]


async def beats(ticks: Ticks, *replicas: Partitions, rounds: int = 4) -> None:
    for _ in range(rounds):
        for replica in replicas:
            await replica.beat()
        ticks.now += 1.0


async def test_three_replicas_each_hold_a_third_of_the_partitions_and_never_the_same_one():
    ticks = Ticks()
    a, b, c = replicas(FakeKeyValue(), ticks, "a", "b", "c")

    await beats(ticks, a, b, c)

    assert [len(r.owned) for r in (a, b, c)] == [4, 4, 4]
    assert a.owned | b.owned | c.owned == set(range(12))


async def test_a_replica_that_stops_beating_loses_its_share_once_its_lease_runs_out():
    ticks = Ticks()
    a, b = replicas(FakeKeyValue(), ticks, "a", "b")
    await beats(ticks, a, b)
    held_by_a = set(a.owned)

    await beats(ticks, b, rounds=2)  # a is dead, but not for lease_s yet
    assert b.owned.isdisjoint(held_by_a)
    await beats(ticks, b, rounds=2)

    assert b.owned == set(range(12))


async def test_a_clean_stop_gives_the_partitions_back_at_once():
    ticks = Ticks()
    a, b = replicas(FakeKeyValue(), ticks, "a", "b")
    await beats(ticks, a, b)

    await a.release()
    await b.beat()

    assert (a.owned, b.owned) == (set(), set(range(12)))


async def test_a_replica_whose_lease_was_taken_over_lets_it_go():
    ticks = Ticks()
    a, b = replicas(FakeKeyValue(), ticks, "a", "b")
    await beats(ticks, a, b)
    await beats(ticks, b, rounds=4)  # a paused past its lease: b took everything

    await a.beat()

    assert a.owned == set() and b.owned == set(range(12))


def test_a_key_always_falls_in_the_same_partition():
    assert partition_of("acme.111-0000001-0000001", 64) == partition_of("acme.111-0000001-0000001", 64)
    assert len({partition_of(f"acme.{n}", 8) for n in range(200)}) == 8
