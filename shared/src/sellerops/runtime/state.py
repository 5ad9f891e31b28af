"""Aggregate state in a JetStream KeyValue bucket, written with revision checks, one writer per key.

Each key holds one aggregate's state *and* the ids of the messages applied to it, with the events
each of them emitted, in the same write. So a redelivered message changes nothing, and the events
of a message whose process died between saving and publishing are published again (same ids:
JetStream drops the copies that did get through).

Every apply goes through the store's KeyWriter (runtime.writer): concurrent applies of one key in this
process are folded into one read and one revision-checked write, and a conflict with another process is
retried for up to 20 s. Up to `keep // 2` messages share one write, so each one's id stays remembered.
"""

import time
import asyncio
from datetime import datetime
from collections.abc import AsyncIterator, Callable, Sequence
from functools import partial
from itertools import chain
from typing import Generic, Protocol, TypeVar

import msgspec
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import decode_event, encode
from sellerops.contracts.envelope import Event
from sellerops.contracts.subjects import id_token, seller_token
from sellerops.runtime.acks import after_ack
from sellerops.runtime.direct import latest_values
from sellerops.runtime.writer import (
    CONFLICT_BUDGET_S, ConcurrentUpdate, KeyWriter, delete_checked, retry_on_conflict, write_checked,
)

__all__ = ["ConcurrentUpdate", "KeyWriter", "delete_checked", "latest_values", "retry_on_conflict", "write_checked"]

S = TypeVar("S")


class Processed(msgspec.Struct, frozen=True):
    id: str
    events: list[msgspec.Raw] = []


class Pending(msgspec.Struct, frozen=True):
    """What one message decided beyond its state and has not carried out yet (see runtime.effects): the
    events to publish and the changes to make to other records, saved in the write that saved the state."""

    id: str  # the message's id
    at: datetime  # when it was decided (the time underneath): the deadline watch settles it after a crash
    events: list[msgspec.Raw] = []
    effects: list[msgspec.Raw] = []


class Record(msgspec.Struct, Generic[S], frozen=True):
    state: S | None = None
    processed: list[Processed] = []
    pending: list[Pending] = []  # oldest first; only the stores of runtime.effects write it
    # Messages that may still come again, whatever the number applied since: a message until the server has
    # confirmed its ack (`apply_held`), another record's pending effect until its origin has cleared it
    # (runtime.effects). Once released they join `processed` at the key's next write.
    held: list[Processed] = []

    def find(self, message_id: str) -> Processed | None:
        return next((p for p in chain(reversed(self.processed), self.held) if p.id == message_id), None)


class StateOnly(msgspec.Struct, Generic[S], frozen=True):
    """A record read for its state alone (the processed ids are skipped, not built)."""

    state: S | None = None


class StatePending(msgspec.Struct, Generic[S], frozen=True):
    """A record read for its state and what it still has to carry out (what a deadline watch needs)."""

    state: S | None = None
    pending: list[Pending] = []


H = TypeVar("H")


class Released:
    """Held ids whose message can no longer come back, per key, until the key's next write moves them out of
    `held` (Record.held, health's day counters): a write of their own would double a hot record's writes. A
    process that stops first leaves them held: a few bytes, never a message applied twice."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[str]] = {}

    def add(self, key: str, message_id: str) -> None:
        self._by_key.setdefault(key, set()).add(message_id)

    def split(self, key: str, held: list[H], id_of: Callable[[H], str]) -> tuple[list[H], list[H]]:
        """(still held, let go) of a write's `held`. What the value no longer holds was let go by an earlier write
        and is forgotten here; a step that runs again after a conflict finds the same."""
        gone = self._by_key.get(key)
        if not gone:
            return held, []
        let_go = [h for h in held if id_of(h) in gone]
        if let_go:
            self._by_key[key] = {id_of(h) for h in let_go}
        else:
            del self._by_key[key]
        return [h for h in held if id_of(h) not in gone], let_go


class Applied(msgspec.Struct, Generic[S], frozen=True):
    state: S | None
    events: list[Event]
    duplicate: bool = False
    # What the key holds after the write that took this message (later messages folded into the same write
    # included), its revision (0 when unknown) and whether that write created the key: what an index of the
    # aggregate must reflect (see runtime.index).
    stored: S | None = None
    revision: int = 0
    created: bool = False


# A decision may leave no aggregate (a fact or deadline about one never recorded): (None, []) writes nothing.
Decide = Callable[[S | None], tuple[S | None, Sequence[Event]]]


T = TypeVar("T")


RECENT_S = 0.05  # how long a load may reuse a value this store read (and has not written since)


class AggregateStore(Generic[S]):
    def __init__(self, kv: KeyValue, state_type: type[S], *, keep: int = 64,
                 conflict_budget_s: float = CONFLICT_BUDGET_S) -> None:
        self._kv = kv
        self._decoder = msgspec.json.Decoder(Record[state_type])  # type: ignore[valid-type]
        self._state_decoder = msgspec.json.Decoder(StateOnly[state_type])  # type: ignore[valid-type]
        self._pending_decoder = msgspec.json.Decoder(StatePending[state_type])  # type: ignore[valid-type]
        self._keep = keep
        self._budget = conflict_budget_s
        # key -> (writes seen when it began, the read)
        self._reads: dict[str, tuple[int, asyncio.Future[S | None]]] = {}
        self._written = 0
        self._recent: dict[str, tuple[float, S | None]] = {}  # key -> (when read, the state): see `load`
        self._released = Released()
        self.writer: KeyWriter[Record[S]] = KeyWriter(self.get, self._write, max_fold=max(1, keep // 2),
                                                      conflict_budget_s=conflict_budget_s)

    def decode(self, value: bytes) -> Record[S]:
        return self._decoder.decode(value)

    def decode_state(self, value: bytes) -> S | None:
        return self._state_decoder.decode(value).state

    def decode_pending(self, value: bytes) -> StatePending[S]:
        return self._pending_decoder.decode(value)

    async def get(self, key: str) -> tuple[Record[S], int]:
        """The record at `key` and its revision (0 when the key has no value)."""
        try:
            entry = await self._kv.get(key)
        except KeyNotFoundError:
            return Record(), 0
        if not entry.value:
            return Record(), entry.revision or 0
        return self._decoder.decode(entry.value), entry.revision or 0

    async def load(self, key: str) -> S | None:
        """The state alone (the processed ids and their events are skipped, not built), for a question or a
        check; a decision reads afresh in `apply`. Loads of one key that start while another is reading it
        share its read, and a value read in the last RECENT_S (50 ms) is reused, both only while this store
        has not written the key since: a batch of 128 messages about one SKU reads its ledger entry about
        once, not 128 times, in turn or all at once."""
        recent = self._recent.get(key)
        if recent is not None and time.monotonic() - recent[0] < RECENT_S:
            return recent[1]
        shared = self._reads.get(key)
        if shared is not None and shared[0] == self._written:
            try:
                return await asyncio.shield(shared[1])  # shielded: a joiner cancelled leaves the read alone
            except asyncio.CancelledError:
                if not shared[1].cancelled():
                    raise
            # the loader it joined was cancelled: read it here
        read: asyncio.Future[S | None] = asyncio.get_running_loop().create_future()
        began = self._written
        self._reads[key] = (began, read)
        try:
            state = await self._load_state(key)
        except asyncio.CancelledError:
            read.cancel()
            raise
        except Exception as exc:
            read.set_exception(exc)
            read.exception()  # retrieved: nobody may have joined
            raise
        finally:
            if self._reads.get(key, (0, None))[1] is read:
                del self._reads[key]
        read.set_result(state)
        if self._written == began:  # no write landed while reading: the value may serve the next loads
            if len(self._recent) >= 1024:
                self._recent.clear()
            self._recent[key] = (time.monotonic(), state)
        return state

    async def _load_state(self, key: str) -> S | None:
        try:
            entry = await self._kv.get(key)
        except KeyNotFoundError:
            return None
        return self._state_decoder.decode(entry.value).state if entry.value else None

    async def apply(self, key: str, message_id: str, decide: Decide[S], *, new: bool = False,
                    hold: bool = False) -> Applied[S]:
        """Apply one message at most once: decide on the current state, write state and the message id
        together with a revision check (folded with the other applies of the key waiting in this process).
        `new`: the message is expected to start the aggregate (its key is created without a read first).
        `hold`: the message may come again long after (see `Record.held`): its id is held, not forgotten after
        `keep` more messages, until `release`."""
        applied, stored = await self.writer.update_stored(
            key, lambda record: self._step(record, key, message_id, decide, hold), absent=Record() if new else None)
        return msgspec.structs.replace(applied, stored=stored.value.state, revision=stored.revision,
                                       created=stored.created)

    async def update(self, key: str, step: Callable[[Record[S]], tuple[Record[S], T]], *, new: bool = False) -> T:
        """A step of the whole record (state, processed ids, pending effects) through the key's writer: for
        runtime.effects, which keeps what a message decided beside its state. Return the record itself when
        nothing changes (no write is made). `new` as in `apply`."""
        return await self.writer.update(key, step, absent=Record() if new else None)

    def _step(self, record: Record[S], key: str, message_id: str, decide: Decide[S],
              hold: bool) -> tuple[Record[S], Applied[S]]:
        if (seen := record.find(message_id)) is not None:
            return record, Applied(record.state, [decode_event(raw) for raw in seen.events], duplicate=True)
        state, events = decide(record.state)
        if state == record.state and not events and not hold:
            return record, Applied(state, [])
        done = Processed(message_id, [msgspec.Raw(encode(e)) for e in events])
        held, let_go = self._released.split(key, record.held, lambda p: p.id)
        processed = [*record.processed, *let_go, *([] if hold else [done])][-self._keep :]
        return Record(state, processed, record.pending, [*held, done] if hold else held), Applied(state, list(events))

    def remember(self, record: Record[S], state: S | None, done: Processed,
                 pending: Sequence[Pending] = ()) -> Record[S]:
        """`record` with its new state, the message remembered (the last `keep`), and what it left pending."""
        return Record(state, [*record.processed, done][-self._keep :], [*record.pending, *pending], record.held)

    def release(self, key: str, message_id: str) -> None:
        """Nothing can bring the held message back any more: its id joins the last `keep` remembered at the key's
        next write (see `Released`)."""
        self._released.add(key, message_id)

    async def _write(self, key: str, record: Record[S], revision: int) -> int:
        written = await write_checked(self._kv, key, encode(record), revision)
        self._forgot(key)
        return written

    def _forgot(self, key: str) -> None:
        """The key was written: a load starting now must not reuse a read that began before."""
        self._written += 1
        self._recent.pop(key, None)

    async def forget(self, key: str, when: Callable[[S], bool]) -> bool:
        """Delete the aggregate if its current state says so (`when(state)`), with a revision check: a write
        that came in between is re-read and asked again. The processed message ids go with it, so forget only
        what no message can still arrive for."""
        return await self.forget_record(key, lambda record: record.state is not None and when(record.state))

    async def forget_record(self, key: str, when: Callable[[Record[S]], bool]) -> bool:
        """`forget`, asking the whole record (runtime.effects keeps a record that still holds pending effects)."""
        async def once() -> bool:
            record, revision = await self.get(key)
            if not when(record):
                return False
            await delete_checked(self._kv, key, revision)
            self._forgot(key)
            return True

        return await retry_on_conflict(once, self._budget)

    async def scan(self, prefix: str) -> AsyncIterator[tuple[str, S]]:
        """Every live state under `prefix.` (one pass over the keys of, say, one seller)."""
        async for key, value in latest_values(self._kv, prefix):
            state = self._decoder.decode(value).state
            if state is not None:
                yield key, state


class SellerKeyedStore(Generic[S]):
    """Aggregates of one kind, keyed `<seller>.<id>`, with dedupe and revision checks (AggregateStore)."""

    def __init__(self, kv: KeyValue, state_type: type[S], id_field: str, *, keep_processed: int = 64) -> None:
        self.aggregates = AggregateStore(kv, state_type, keep=keep_processed)
        self._store = self.aggregates  # its older name, which some tests still reach for
        self._id_field = id_field
        self.kv = kv

    def key(self, seller: str, aggregate_id: str) -> str:
        return f"{seller_token(seller)}.{id_token(self._id_field, aggregate_id)}"

    def decode_state(self, value: bytes) -> S | None:
        return self.aggregates.decode_state(value)

    async def apply(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S], *,
                    new: bool = False, hold: bool = False) -> Applied[S]:
        return await self.aggregates.apply(self.key(seller, aggregate_id), message_id, decide, new=new, hold=hold)

    def release(self, seller: str, aggregate_id: str, message_id: str) -> None:
        self.aggregates.release(self.key(seller, aggregate_id), message_id)

    async def apply_held(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S]) -> Applied[S]:
        """`apply` for a hot record (one that takes many messages: a SKU's ledger, a count): the message id is held
        until the server has confirmed the message's acknowledgement (runtime.acks), so a redelivery is
        recognised however many messages the record took meanwhile."""
        applied = await self.apply(seller, aggregate_id, message_id, decide, hold=True)
        release = partial(self.release, seller, aggregate_id, message_id)
        if not after_ack(release):
            release()
        return applied

    async def load(self, seller: str, aggregate_id: str) -> S | None:
        return await self.aggregates.load(self.key(seller, aggregate_id))

    async def load_record(self, seller: str, aggregate_id: str) -> Record[S]:
        return (await self.aggregates.get(self.key(seller, aggregate_id)))[0]

    async def forget(self, seller: str, aggregate_id: str, when: Callable[[S], bool]) -> bool:
        return await self.aggregates.forget(self.key(seller, aggregate_id), when)

    async def scan(self, seller: str) -> AsyncIterator[S]:
        async for _, state in self.aggregates.scan(seller_token(seller)):
            yield state


class KeyedStore(Protocol[S]):
    """What handlers need of a SellerKeyedStore (fakes need not inherit): aggregates of one kind keyed by
    seller and id, each message applied at most once."""

    async def apply(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S], *,
                    new: bool = False) -> Applied[S]: ...

    async def load(self, seller: str, aggregate_id: str) -> S | None: ...

    def scan(self, seller: str) -> AsyncIterator[S]: ...

    async def forget(self, seller: str, aggregate_id: str, when: Callable[[S], bool]) -> bool: ...


class HoldingStore(KeyedStore[S], Protocol[S]):
    """A KeyedStore that other records' pending effects are carried out on (runtime.effects): it holds their
    ids until released."""

    async def apply(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S], *,
                    new: bool = False, hold: bool = False) -> Applied[S]: ...

    def release(self, seller: str, aggregate_id: str, message_id: str) -> None: ...

    async def apply_held(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S]) -> Applied[S]: ...
