"""PendingEffects over the in-memory FakeKeyValue: state, events and effects saved in one write, carried out
from there, and carried out again (same ids) after a crash."""

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from sellerops.contracts.market import OrderPaymentAuthorized
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.deadlines import DeadlineScheduler
from sellerops.runtime.effects import SETTLE, Origin, PendingEffects
from sellerops.runtime.state import SellerKeyedStore
from sellerops.testing.fakes import FakeKeyValue, RecordingPublisher

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


class Tally(msgspec.Struct, frozen=True):
    seen: list[str] = []
    reacted: int = 0


class Add(msgspec.Struct, frozen=True):
    """An effect: add `n` to a counter elsewhere."""

    counter: str
    n: int


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def paid(seller: str, order_id: str, n: int) -> OrderPaymentAuthorized:
    return OrderPaymentAuthorized(event_id=uuid.UUID(int=n), seller=seller, occurred_at=AT, order_id=order_id)


class Counters:
    """Another record the effects change, at most once per origin (as a day counter does)."""

    def __init__(self, fail_times: int = 0) -> None:
        self.totals: dict[str, int] = {}
        self.applied: set[tuple[str, str]] = set()
        self.calls = 0
        self.fail_times = fail_times

    async def add(self, origin: Origin, effect: Add) -> None:
        self.calls += 1
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("counter unreachable (injected)")
        if (origin.id, effect.counter) not in self.applied:
            self.applied.add((origin.id, effect.counter))
            self.totals[effect.counter] = self.totals.get(effect.counter, 0) + effect.n


@pytest.fixture
def kv() -> FakeKeyValue:
    return FakeKeyValue()


@pytest.fixture
def ids() -> tuple[str, str]:
    return unique("seller"), unique("order")


def build(kv: FakeKeyValue, publish: RecordingPublisher, counters: Counters | None = None,
          clock: DrivenClock | None = None) -> PendingEffects[Tally, Add]:
    return PendingEffects(SellerKeyedStore(kv, Tally, "order_id"), publish, clock or DrivenClock(AT),
                          effect_type=Add, carry_out=counters.add if counters else None)


def record_and_emit(message_id: str, seller: str, order_id: str, n: int = 1):
    def decide(state: Tally | None):
        return Tally([*(state.seen if state else []), message_id]), [paid(seller, order_id, n)]

    return decide


def record_and_add(message_id: str, n: int):
    def decide(state: Tally | None):
        return Tally([*(state.seen if state else []), message_id]), [], [Add("day-1", n), Add("day-2", n)]

    return decide


async def test_an_apply_saves_the_state_publishes_its_events_and_leaves_nothing_pending(kv, ids):
    publish = RecordingPublisher()
    store = build(kv, publish)

    applied = await store.apply(*ids, "m1", record_and_emit("m1", *ids))

    assert applied.state == Tally(["m1"])
    assert applied.events == [paid(*ids, 1)]
    assert publish.events == [paid(*ids, 1)]
    assert (await store.load_record(*ids)).pending == []
    assert kv.writes == 2  # the state with its events, then the events cleared


async def test_events_that_failed_to_publish_stay_saved_with_the_state(kv, ids):
    store = build(kv, RecordingPublisher(fail_times=1))

    with pytest.raises(ConnectionError):
        await store.apply(*ids, "m1", record_and_emit("m1", *ids))

    record = await store.load_record(*ids)
    assert record.state == Tally(["m1"])
    assert [p.id for p in record.pending] == ["m1"]


async def test_a_redelivered_message_changes_nothing_and_publishes_the_same_events_again(kv, ids):
    failing = RecordingPublisher(fail_times=1)
    with pytest.raises(ConnectionError):
        await build(kv, failing).apply(*ids, "m1", record_and_emit("m1", *ids))
    publish = RecordingPublisher()  # the process after the crash

    applied = await build(kv, publish).apply(*ids, "m1", record_and_emit("m1", *ids, n=99))

    assert applied.duplicate is True
    assert applied.state == Tally(["m1"])
    assert publish.events == [paid(*ids, 1)]  # the saved event, not a second decision
    assert (await build(kv, publish).load_record(*ids)).pending == []


async def test_the_next_apply_of_the_aggregate_publishes_what_an_earlier_one_left_pending_first(kv, ids):
    with pytest.raises(ConnectionError):
        await build(kv, RecordingPublisher(fail_times=1)).apply(*ids, "m1", record_and_emit("m1", *ids, 1))
    publish = RecordingPublisher()

    await build(kv, publish).apply(*ids, "m2", record_and_emit("m2", *ids, 2))

    assert publish.events == [paid(*ids, 1), paid(*ids, 2)]


async def test_effects_are_carried_out_once_each_and_cleared(kv, ids):
    counters = Counters()
    store = build(kv, RecordingPublisher(), counters)

    await store.apply(*ids, "m1", record_and_add("m1", 3))
    await store.apply(*ids, "m1", record_and_add("m1", 3))  # redelivered

    assert counters.totals == {"day-1": 3, "day-2": 3}
    assert (await store.load_record(*ids)).pending == []


async def test_an_effect_interrupted_halfway_is_carried_out_again_and_counted_once(kv, ids):
    counters = Counters(fail_times=0)
    store = build(kv, RecordingPublisher(), counters)
    original = counters.add
    calls = 0

    async def dies_after_the_first(origin: Origin, effect: Add) -> None:
        nonlocal calls
        calls += 1
        await original(origin, effect)
        if calls == 1:
            raise ConnectionError("process died (injected)")

    store._carry_out = dies_after_the_first
    with pytest.raises(ConnectionError):
        await store.apply(*ids, "m1", record_and_add("m1", 3))

    await build(kv, RecordingPublisher(), counters).settle(*ids)

    assert counters.totals == {"day-1": 3, "day-2": 3}
    assert (await store.load_record(*ids)).pending == []


async def test_a_reaction_to_an_effect_is_applied_in_the_clearing_write_and_its_events_published(kv, ids):
    publish = RecordingPublisher()
    seller, order_id = ids

    async def add_and_react(origin: Origin, effect: Add):
        def react(state: Tally):
            return msgspec.structs.replace(state, reacted=state.reacted + 1), [paid(seller, order_id, 7)], []
        return react if effect.counter == "day-2" else None

    store = PendingEffects(SellerKeyedStore(kv, Tally, "order_id"), publish, DrivenClock(AT), effect_type=Add,
                           carry_out=add_and_react)

    await store.apply(*ids, "m1", record_and_add("m1", 3))

    record = await store.load_record(*ids)
    assert record.state.reacted == 1
    assert record.pending == []
    assert publish.events == [paid(seller, order_id, 7)]


async def test_a_decision_without_change_writes_nothing(kv, ids):
    store = build(kv, RecordingPublisher())
    await store.apply(*ids, "m1", record_and_emit("m1", *ids))
    writes = kv.writes

    applied = await store.apply(*ids, "m2", lambda state: (state, []))

    assert applied.state == Tally(["m1"])
    assert kv.writes == writes


async def test_an_aggregate_with_pending_effects_is_not_forgotten(kv, ids):
    with pytest.raises(ConnectionError):
        await build(kv, RecordingPublisher(fail_times=1)).apply(*ids, "m1", record_and_emit("m1", *ids))
    store = build(kv, RecordingPublisher())

    assert await store.forget(*ids, lambda _: True) is False
    await store.settle(*ids)
    assert await store.forget(*ids, lambda _: True) is True


async def test_the_deadline_watch_sees_a_settle_deadline_while_anything_is_pending_and_firing_it_publishes(kv, ids):
    clock = DrivenClock(AT)
    with pytest.raises(ConnectionError):
        await build(kv, RecordingPublisher(fail_times=1), clock=clock).apply(*ids, "m1", record_and_emit("m1", *ids))
    publish = RecordingPublisher()
    store = build(kv, publish, clock=clock)
    fired_other: list[str] = []

    async def other(key: str, kind: str, due: datetime) -> None:
        fired_other.append(kind)

    scheduler = DeadlineScheduler(due_of=store.due_of(lambda state: [("remind", AT + timedelta(days=1))]),
                                  fire=store.fire(other), clock=clock)
    key = store.key(*ids)
    scheduler.observe(key, store.decode_watched((await kv.get(key)).value))
    assert sorted(kind for _, _, kind in scheduler.pending()) == ["remind", SETTLE]

    clock.advance(timedelta(seconds=1))
    await scheduler.run_due()

    assert publish.events == [paid(*ids, 1)]
    assert fired_other == []
    scheduler.observe(key, store.decode_watched((await kv.get(key)).value))
    assert [kind for _, _, kind in scheduler.pending()] == ["remind"]


class Total(msgspec.Struct, frozen=True):
    n: int = 0


class FailingRewrites(FakeKeyValue):
    """Fails the next write of a key that already has a value: an origin's write clearing what it carried out."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_rewrites = 0

    async def update(self, key: str, value: bytes, last: int | None = None) -> int:
        if self.fail_rewrites and last:
            self.fail_rewrites -= 1
            raise ConnectionError("NATS went away (injected)")
        return await super().update(key, value, last)


def held_target(seller: str) -> tuple[SellerKeyedStore[Total], FakeKeyValue, dict]:
    """A hot record other records' effects add to (a SKU's ledger), remembering only the last 4 ids."""
    kv = FakeKeyValue()
    target = SellerKeyedStore(kv, Total, "counter", keep_processed=4)

    async def carry_out(origin: Origin, effect: Add) -> None:
        await target.apply(seller, effect.counter, origin.id, lambda t: (Total((t or Total()).n + effect.n), []),
                           hold=True)

    async def release(origin: Origin, effect: Add) -> None:
        target.release(seller, effect.counter, origin.id)

    return target, kv, {"carry_out": carry_out, "release": release}


def adding(n: int):
    def decide(state: Tally | None):
        return Tally([*(state.seen if state else []), str(n)]), [], [Add("sku-1", n)]

    return decide


async def test_an_effect_carried_out_again_long_after_counts_once_however_many_others_the_target_took(ids):
    seller, _ = ids
    target, _, hooks = held_target(seller)
    origins = FailingRewrites()
    store = PendingEffects(SellerKeyedStore(origins, Tally, "order_id"), RecordingPublisher(), DrivenClock(AT),
                           effect_type=Add, **hooks)
    origins.fail_rewrites = 1  # the target takes the effect; clearing it from its origin fails

    with pytest.raises(ConnectionError):
        await store.apply(seller, "o-0", "m-0", adding(1))
    for n in range(1, 21):  # five times the ids the target remembers
        await store.apply(seller, f"o-{n}", f"m-{n}", adding(1))
    await store.apply(seller, "o-0", "m-0", adding(1))  # redelivered after all of them

    assert await target.load(seller, "sku-1") == Total(21)
    await store.apply(seller, "o-21", "m-21", adding(1))  # the target's next write lets go of what was released
    record = await target.load_record(seller, "sku-1")
    assert [p.id for p in record.held] == [f"{seller}/o-21/m-21"] and len(record.processed) == 4


async def test_a_released_id_is_let_go_by_the_targets_next_write_not_by_a_write_of_its_own(ids):
    seller, _ = ids
    target, kv, hooks = held_target(seller)
    store = PendingEffects(SellerKeyedStore(FakeKeyValue(), Tally, "order_id"), RecordingPublisher(),
                           DrivenClock(AT), effect_type=Add, **hooks)
    for n in range(10):
        await store.apply(seller, f"o-{n}", f"m-{n}", adding(1))

    record = await target.load_record(seller, "sku-1")
    assert kv.writes == 10  # one per effect: releasing wrote nothing
    assert [p.id for p in record.held] == [f"{seller}/o-9/m-9"]  # each of the others let go by the next write


async def test_a_held_id_stays_until_its_origin_releases_it(ids):
    seller, _ = ids
    target, _, hooks = held_target(seller)
    store = PendingEffects(SellerKeyedStore(FakeKeyValue(), Tally, "order_id"), RecordingPublisher(),
                           DrivenClock(AT), effect_type=Add, carry_out=hooks["carry_out"])  # no release given
    for n in range(10):
        await store.apply(seller, f"o-{n}", f"m-{n}", adding(1))

    record = await target.load_record(seller, "sku-1")
    assert record.state == Total(10) and len(record.held) == 10 and record.processed == []
