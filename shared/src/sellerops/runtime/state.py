"""Aggregate state in a JetStream KeyValue bucket, written with revision checks.

Each key holds one aggregate's state *and* the ids of the messages applied to it, with the events
each of them emitted, in the same write. So a redelivered message changes nothing, and the events
of a message whose process died between saving and publishing are published again (same ids:
JetStream drops the copies that did get through).
"""

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Generic, TypeVar

import msgspec
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from sellerops.contracts.catalog import decode_event, encode
from sellerops.contracts.envelope import Event

S = TypeVar("S")


class ConcurrentUpdate(Exception):
    """Another writer changed the key since it was read."""


class Processed(msgspec.Struct, frozen=True):
    id: str
    events: list[msgspec.Raw] = []


class Record(msgspec.Struct, Generic[S], frozen=True):
    state: S | None = None
    processed: list[Processed] = []

    def find(self, message_id: str) -> Processed | None:
        return next((p for p in reversed(self.processed) if p.id == message_id), None)


class Applied(msgspec.Struct, Generic[S], frozen=True):
    state: S | None
    events: list[Event]
    duplicate: bool = False


Decide = Callable[[S | None], tuple[S, Sequence[Event]]]


class AggregateStore(Generic[S]):
    def __init__(self, kv: KeyValue, state_type: type[S], *, keep: int = 64, attempts: int = 12) -> None:
        self._kv = kv
        self._decoder = msgspec.json.Decoder(Record[state_type])  # type: ignore[valid-type]
        self._keep = keep
        self._attempts = attempts

    def decode(self, value: bytes) -> Record[S]:
        return self._decoder.decode(value)

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
        return (await self.get(key))[0].state

    async def apply(self, key: str, message_id: str, decide: Decide[S]) -> Applied[S]:
        """Apply one message at most once: decide on the current state, write state and the message id
        together with a revision check, and retry from a fresh read when another writer got there first."""
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(ConcurrentUpdate),
            stop=stop_after_attempt(self._attempts),
            wait=wait_random_exponential(multiplier=0.002, max=0.1),
            reraise=True,
        ):
            with attempt:
                return await self._apply_once(key, message_id, decide)
        raise AssertionError("unreachable")

    async def _apply_once(self, key: str, message_id: str, decide: Decide[S]) -> Applied[S]:
        record, revision = await self.get(key)
        if (seen := record.find(message_id)) is not None:
            return Applied(record.state, [decode_event(raw) for raw in seen.events], duplicate=True)
        state, events = decide(record.state)
        if state == record.state and not events:
            return Applied(state, [])
        done = Processed(message_id, [msgspec.Raw(encode(e)) for e in events])
        new = Record(state, [*record.processed, done][-self._keep :])
        await self._write(key, encode(new), revision)
        return Applied(state, list(events))

    async def _write(self, key: str, value: bytes, revision: int) -> None:
        try:
            if revision:
                await self._kv.update(key, value, last=revision)
            else:
                await self._kv.create(key, value)
        except KeyWrongLastSequenceError as exc:
            raise ConcurrentUpdate(key) from exc

    async def scan(self, prefix: str) -> AsyncIterator[tuple[str, S]]:
        """Every live state under `prefix.` (one pass over the keys of, say, one seller)."""
        watcher = await self._kv.watch(f"{prefix}.>", ignore_deletes=True)
        try:
            while (entry := await watcher.updates(timeout=10)) is not None:
                if entry.value:
                    state = self._decoder.decode(entry.value).state
                    if state is not None:
                        yield entry.key, state
        finally:
            await watcher.stop()
