"""AggregateStore over the in-memory FakeKeyValue: at-most-once apply, revision checks, scans."""

import asyncio
import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from sellerops.contracts.market import OrderPaymentAuthorized
from sellerops.runtime.state import AggregateStore, ConcurrentUpdate
from sellerops.testing.fakes import FakeKeyValue

AT = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


class Tally(msgspec.Struct, frozen=True):
    seen: list[str] = []


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def note(message_id: str, seller: str, order_id: str):
    """A decide that records the message and emits one event about it."""

    def decide(state: Tally | None):
        event = OrderPaymentAuthorized(event_id=uuid.uuid4(), seller=seller, occurred_at=AT, order_id=order_id)
        return Tally([*(state.seen if state else []), message_id]), [event]

    return decide


def keep_as_is(state: Tally | None):
    return state, []


@pytest.fixture
def kv() -> FakeKeyValue:
    return FakeKeyValue()


@pytest.fixture
def store(kv) -> AggregateStore[Tally]:
    return AggregateStore(kv, Tally)


@pytest.fixture
def key() -> str:
    return f"{unique('seller')}.{unique('order')}"


async def test_a_first_apply_creates_the_key(store, key):
    seller, order_id = key.split(".")

    applied = await store.apply(key, "m1", note("m1", seller, order_id))

    assert applied.duplicate is False
    assert applied.state == Tally(["m1"])
    assert [e.order_id for e in applied.events] == [order_id]
    record, revision = await store.get(key)
    assert (record.state, revision > 0) == (Tally(["m1"]), True)
    assert [p.id for p in record.processed] == ["m1"]


async def test_a_missing_key_loads_as_nothing(store, key):
    assert await store.load(key) is None
    assert (await store.get(key))[1] == 0


async def test_applying_the_same_message_twice_changes_nothing_and_returns_the_same_events(store, kv, key):
    seller, order_id = key.split(".")
    first = await store.apply(key, "m1", note("m1", seller, order_id))
    writes = kv.writes

    again = await store.apply(key, "m1", note("m1", seller, order_id))

    assert again.duplicate is True
    assert again.state == first.state == Tally(["m1"])
    assert again.events == first.events
    assert kv.writes == writes


async def test_a_conflicting_writer_is_retried_from_a_fresh_read_and_succeeds(store, kv, key):
    seller, order_id = key.split(".")
    await store.apply(key, "m1", note("m1", seller, order_id))
    kv.conflicts_to_inject = 2

    applied = await store.apply(key, "m2", note("m2", seller, order_id))

    assert applied.state == Tally(["m1", "m2"])
    assert await store.load(key) == Tally(["m1", "m2"])
    assert kv.conflicts_to_inject == 0


async def test_a_writer_that_always_conflicts_gives_up_with_concurrent_update(kv, key):
    seller, order_id = key.split(".")
    store = AggregateStore(kv, Tally, conflict_budget_s=0.05)
    kv.conflicts_to_inject = 10

    with pytest.raises(ConcurrentUpdate):
        await store.apply(key, "m1", note("m1", seller, order_id))

    assert await store.load(key) is None


async def test_a_decision_without_change_or_events_writes_nothing(store, kv, key):
    seller, order_id = key.split(".")
    await store.apply(key, "m1", note("m1", seller, order_id))
    writes = kv.writes

    applied = await store.apply(key, "m2", keep_as_is)

    assert (applied.state, applied.events, applied.duplicate) == (Tally(["m1"]), [], False)
    assert kv.writes == writes
    assert [p.id for p in (await store.get(key))[0].processed] == ["m1"]


async def test_a_changed_state_without_events_is_written(store, kv, key):
    applied = await store.apply(key, "m1", lambda state: (Tally(["quiet"]), []))

    assert applied.events == []
    assert await store.load(key) == Tally(["quiet"])
    assert kv.writes == 1


async def test_the_processed_ids_are_bounded_by_keep(kv, key):
    seller, order_id = key.split(".")
    store = AggregateStore(kv, Tally, keep=3)
    for n in range(1, 6):
        await store.apply(key, f"m{n}", note(f"m{n}", seller, order_id))

    record, _ = await store.get(key)

    assert [p.id for p in record.processed] == ["m3", "m4", "m5"]
    forgotten = await store.apply(key, "m1", note("m1", seller, order_id))
    assert forgotten.duplicate is False  # beyond `keep`, an old id is no longer recognised
    remembered = await store.apply(key, "m5", note("m5", seller, order_id))
    assert remembered.duplicate is True


async def test_a_scan_yields_only_the_states_under_its_prefix(store):
    seller, neighbour = unique("seller"), unique("seller")
    for who, order_id in [(seller, "113-0000001-0000001"), (seller, "113-0000002-0000002"),
                          (neighbour, "113-0000003-0000003"), (f"{seller}x", "113-0000004-0000004")]:
        await store.apply(f"{who}.{order_id}", "m1", note("m1", who, order_id))

    found = [key async for key, _ in store.scan(seller)]

    assert sorted(found) == [f"{seller}.113-0000001-0000001", f"{seller}.113-0000002-0000002"]


async def test_a_scan_skips_keys_whose_state_is_empty(store, kv):
    seller = unique("seller")
    await store.apply(f"{seller}.113-0000001-0000001", "m1", lambda state: (Tally(["x"]), []))
    await kv.put(f"{seller}.113-0000002-0000002", msgspec.json.encode({"state": None, "processed": []}))
    await kv.put(f"{seller}.113-0000003-0000003", b"")

    found = [(key, state) async for key, state in store.scan(seller)]

    assert found == [(f"{seller}.113-0000001-0000001", Tally(["x"]))]


async def test_concurrent_applies_of_one_key_are_folded_into_few_writes_and_each_applied_once(kv, key):
    seller, order_id = key.split(".")
    store = AggregateStore(kv, Tally, keep=256)

    applied = await asyncio.gather(*(store.apply(key, f"m{n}", note(f"m{n}", seller, order_id)) for n in range(100)))

    assert sorted((await store.load(key)).seen) == sorted(f"m{n}" for n in range(100))
    assert all(not a.duplicate and len(a.events) == 1 for a in applied)
    assert kv.writes <= 3


async def test_a_fold_writes_at_most_half_the_remembered_ids_at_once_so_each_stays_deduplicated(kv, key):
    seller, order_id = key.split(".")
    store = AggregateStore(kv, Tally, keep=8)

    await asyncio.gather(*(store.apply(key, f"m{n}", note(f"m{n}", seller, order_id)) for n in range(12)))
    again = await store.apply(key, "m11", note("m11", seller, order_id))

    assert kv.writes >= 3
    assert again.duplicate is True


async def test_a_step_that_raises_fails_its_own_caller_and_the_rest_of_the_fold_is_written(kv, key):
    seller, order_id = key.split(".")
    store = AggregateStore(kv, Tally)

    def refuse(state):
        raise ValueError("refused")

    results = await asyncio.gather(store.apply(key, "m1", note("m1", seller, order_id)),
                                   store.apply(key, "bad", refuse),
                                   store.apply(key, "m2", note("m2", seller, order_id)), return_exceptions=True)

    assert isinstance(results[1], ValueError)
    assert (await store.load(key)).seen == ["m1", "m2"]


class SlowKeyValue(FakeKeyValue):
    """A KV whose reads take a turn of the event loop, as a real one's do (FakeKeyValue counts them)."""

    def __init__(self) -> None:
        super().__init__()
        self.held: asyncio.Event | None = None  # when set, the next read waits for it

    async def get(self, key: str):
        held, self.held = self.held, None
        entry = await super().get(key)  # the value as it stood when asked, however late the answer comes
        if held is not None:
            await held.wait()
        await asyncio.sleep(0)
        return entry


async def test_concurrent_loads_of_one_key_share_one_read():
    kv = SlowKeyValue()
    store = AggregateStore(kv, Tally)
    await store.apply("acme.sku-1", "m1", lambda _: (Tally(["m1"]), []))
    kv.gets = 0

    found = await asyncio.gather(*(store.load("acme.sku-1") for _ in range(50)))

    assert found == [Tally(["m1"])] * 50
    assert kv.gets == 1


async def test_a_load_that_starts_after_a_write_never_shares_a_read_from_before_it():
    kv = SlowKeyValue()
    store = AggregateStore(kv, Tally)
    await store.apply("acme.sku-1", "m1", lambda _: (Tally(["m1"]), []))

    kv.held = release = asyncio.Event()
    early = asyncio.ensure_future(store.load("acme.sku-1"))  # its read is held before it reaches the KV
    await asyncio.sleep(0)
    await store.apply("acme.sku-1", "m2", lambda t: (Tally([*t.seen, "m2"]), []))

    late = asyncio.ensure_future(store.load("acme.sku-1"))
    await asyncio.sleep(0.01)
    release.set()

    assert await late == Tally(["m1", "m2"])
    assert await early in (Tally(["m1"]), Tally(["m1", "m2"]))


async def test_loads_in_turn_reuse_a_fresh_read_until_the_store_writes_the_key():
    kv = SlowKeyValue()
    store = AggregateStore(kv, Tally)
    await store.apply("acme.sku-1", "m1", lambda _: (Tally(["m1"]), []))
    kv.gets = 0

    first = [await store.load("acme.sku-1") for _ in range(20)]
    await store.apply("acme.sku-1", "m2", lambda t: (Tally([*t.seen, "m2"]), []))
    after_write = await store.load("acme.sku-1")

    assert first == [Tally(["m1"])] * 20 and after_write == Tally(["m1", "m2"])
    assert kv.gets == 1 + 0 + 1, "one read for the twenty loads, none for the apply (it starts from its own last " \
        "write), one after the write"


async def test_an_update_right_after_its_own_write_starts_from_what_it_wrote_without_reading_it_back():
    kv = SlowKeyValue()
    store = AggregateStore(kv, Tally)
    await store.apply("acme.o-1", "m1", note("m1", "acme", "o-1"))
    kv.gets = 0

    applied = await store.apply("acme.o-1", "m2", note("m2", "acme", "o-1"))

    assert kv.gets == 0
    assert applied.state == Tally(["m1", "m2"]) and applied.stored == Tally(["m1", "m2"])
    assert (await AggregateStore(kv, Tally).load("acme.o-1")) == Tally(["m1", "m2"])


async def test_a_copy_another_writer_made_stale_is_caught_by_the_revision_check_and_the_key_read_afresh():
    kv = SlowKeyValue()
    ours, theirs = AggregateStore(kv, Tally), AggregateStore(kv, Tally)
    await ours.apply("acme.o-1", "m1", note("m1", "acme", "o-1"))
    await theirs.apply("acme.o-1", "m2", note("m2", "acme", "o-1"))

    await ours.apply("acme.o-1", "m3", note("m3", "acme", "o-1"))
    again = await ours.apply("acme.o-1", "m2", note("m2", "acme", "o-1"))

    assert (await theirs.load("acme.o-1")) == Tally(["m1", "m2", "m3"])
    assert again.duplicate is True


async def test_a_duplicate_found_on_its_own_copy_is_answered_from_a_fresh_read_not_from_the_copy():
    kv = SlowKeyValue()
    ours, theirs = AggregateStore(kv, Tally), AggregateStore(kv, Tally)
    await ours.apply("acme.o-1", "m1", note("m1", "acme", "o-1"))
    await theirs.apply("acme.o-1", "m2", note("m2", "acme", "o-1"))
    kv.gets = 0

    again = await ours.apply("acme.o-1", "m1", note("m1", "acme", "o-1"))

    assert again.duplicate is True
    assert again.state == Tally(["m1", "m2"]), "what is stored now, not what this writer last wrote"
    assert kv.gets == 1
