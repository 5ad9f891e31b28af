"""One writer per key: every update of a KV key made in this process goes through one queue per key.

The handler rule (see shared/README.md): a handler writes state only through a store of this runtime
(AggregateStore, SellerKeyedStore, or a KeyWriter of its own), as a pure step `value -> (new value,
result)`, never with a read and a write of its own. The runtime then guarantees:

- Inside one process two updates of the same key never race. Updates that arrive while the key is
  being written wait, and are then folded: one read, every waiting step applied in arrival order, one
  revision-checked write (at most `max_fold` steps per write, so the exactly-once bookkeeping a step
  keeps in the value, its message id, stays inside the window the value remembers). A batch of 128
  orders of one seller-day is two or three writes of the day counter, not 128.
- Between processes (replicas) a write that lost the revision check is re-read and re-applied with
  full jitter (2 ms doubling up to 100 ms) until it succeeds or `conflict_budget_s` (20 s by default,
  under the consumers' 30 s ack wait) has passed; only then does the caller get ConcurrentUpdate,
  which delivery retries later without counting it as a failed delivery.

A step must be pure (it may run again after a conflict), and a step that raises fails its own caller
only: the other steps of the fold are written.

A key this writer wrote in the last WRITTEN_FRESH_S is not read back for its next update: the value and
revision it wrote stand in, and the revision check catches any write made since (then the key is read
and the steps run again). Likewise a key the caller says is new (`absent`) is created without a read. A fold
that would write nothing from that copy is decided again on a fresh read,
since only a write checks the copy. (An order's fact and the write that clears its outbox: one read, not two.)
"""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, NamedTuple, TypeVar

from nats.js.errors import BadRequestError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

V = TypeVar("V")
R = TypeVar("R")

Step = Callable[[V], tuple[V, R]]
CONFLICT_BUDGET_S = 20.0
WRITTEN_FRESH_S = 1.0  # how long a key's own last write stands in for reading it back (see KeyWriter)


class Stored(NamedTuple, Generic[V]):
    """What a key holds once an update is through: the value, its revision, and whether that write created the
    key (it had no value before), so what is derived from the value can skip reading its own previous state."""

    value: V
    revision: int
    created: bool


class ConcurrentUpdate(Exception):
    """Another writer changed the key since it was read."""


def backoff(attempt: int) -> float:
    """Full jitter: 2 ms doubling per attempt, capped at 100 ms."""
    return random.uniform(0, min(0.1, 0.002 * 2 ** min(attempt, 16)))


class KeyWriter(Generic[V]):
    """Folds concurrent updates of one key into revision-checked writes (see the module docstring).

    `read(key) -> (value, revision)` (revision 0: no value yet); `write(key, value, revision)` raises
    ConcurrentUpdate when the revision moved, and may return the new revision (None: unknown, then 0 is
    reported); `changed(before, after)` says whether a write is needed."""

    def __init__(self, read: Callable[[str], Awaitable[tuple[V, int]]],
                 write: Callable[[str, V, int], Awaitable[int | None]], *, max_fold: int = 32,
                 conflict_budget_s: float = CONFLICT_BUDGET_S,
                 changed: Callable[[V, V], bool] = lambda before, after: before is not after) -> None:
        self._read = read
        self._write = write
        self._changed = changed
        self._max_fold = max(1, max_fold)
        self._budget = conflict_budget_s
        self._queues: dict[str, list[tuple[Step[V, Any], asyncio.Future[Any]]]] = {}
        # What this writer last wrote to a key and at which revision, for WRITTEN_FRESH_S: the next update of
        # the key starts from it instead of reading it back (an order's second write in a row, say). Safe
        # because the write is revision-checked: if anyone wrote since, it fails and the key is read afresh.
        self._written: dict[str, tuple[float, V, int]] = {}
        self.writes = 0  # revision-checked writes made (what folding saves is visible here)
        self.conflicts = 0

    async def update(self, key: str, step: Callable[[V], tuple[V, R]], *, absent: V | None = None) -> R:
        """Apply `step` to the key's current value and write the result; the step's result (`absent`: see
        `update_stored`)."""
        return (await self.update_stored(key, step, absent=absent))[0]

    async def update_stored(self, key: str, step: Callable[[V], tuple[V, R]], *,
                            absent: V | None = None) -> tuple[R, "Stored[V]"]:
        """As `update`, with what the key holds after the write that took the step (later steps of the same
        fold included): what an index or a cache derived from the value must reflect.

        `absent`: the caller expects the key to have no value yet (the first fact of an aggregate), and this
        is the value it stands for: the first attempt creates the key from it without reading (a key that
        exists after all fails the create and is read, as after a conflict)."""
        future: asyncio.Future[tuple[R, Stored[V]]] = asyncio.get_running_loop().create_future()
        queue = self._queues.get(key)
        if queue is not None:  # a writer of this key is running: it takes this step in its next write
            queue.append((step, future))
            return await future
        if absent is not None and key not in self._written:
            self._written[key] = (time.monotonic(), absent, 0)
        self._queues[key] = queue = [(step, future)]
        try:
            await asyncio.sleep(0)  # let the other handlers of the same batch queue their steps
            while queue:
                taken, queue[:] = queue[: self._max_fold], queue[self._max_fold :]
                await self._fold(key, taken)
        finally:
            del self._queues[key]
            for _, waiting in queue:  # only when cancelled: nobody is left to write these
                if not waiting.done():
                    waiting.set_exception(ConcurrentUpdate(key))
        return await future

    async def _fold(self, key: str, taken: list[tuple[Step[V, Any], asyncio.Future[Any]]]) -> None:
        deadline = time.monotonic() + self._budget
        attempt = 0
        while True:
            try:
                cached = self._written.pop(key, None) if attempt == 0 else None
                if cached is not None and time.monotonic() - cached[0] < WRITTEN_FRESH_S:
                    value, revision = cached[1], cached[2]
                else:
                    cached, (value, revision) = None, await self._read(key)
                outcomes, new = [], value
                for step, _ in taken:
                    try:
                        new, result = step(new)
                        outcomes.append((True, result))
                    except Exception as exc:  # noqa: BLE001  (the step's own caller gets it)
                        outcomes.append((False, exc))
                stored = Stored(value, revision, False)
                if self._changed(value, new):
                    written = await self._write(key, new, revision)
                    stored = Stored(new, written or 0, revision == 0)
                    self.writes += 1
                    if written:
                        if len(self._written) >= 4096:
                            self._written.clear()
                        self._written[key] = (time.monotonic(), new, written)
                elif cached is not None:  # nothing to write: only a write would have checked the copy (or the
                    # assumption that there is no value yet), so read
                    attempt += 1
                    continue
            except ConcurrentUpdate as exc:
                self.conflicts += 1
                if time.monotonic() >= deadline:
                    return _settle(taken, [(False, exc)] * len(taken))
                await asyncio.sleep(backoff(attempt))
                attempt += 1
                continue
            except Exception as exc:  # noqa: BLE001  (the read or write failed: every caller hears of it)
                return _settle(taken, [(False, exc)] * len(taken))
            return _settle(taken, [(ok, (result, stored) if ok else result) for ok, result in outcomes])


def _settle(taken: list[tuple[Step[V, Any], asyncio.Future[Any]]], outcomes: list[tuple[bool, object]]) -> None:
    for (_, future), (ok, result) in zip(taken, outcomes, strict=True):
        if future.done():
            continue
        if ok:
            future.set_result(result)
        else:
            future.set_exception(result)  # type: ignore[arg-type]


T = TypeVar("T")


async def retry_on_conflict(once: Callable[[], Awaitable[T]], budget_s: float = CONFLICT_BUDGET_S) -> T:
    """Run a read-decide-write until no other writer got there first (ConcurrentUpdate), with full jitter,
    for up to `budget_s` seconds. For a write outside a KeyWriter (a delete)."""
    deadline, attempt = time.monotonic() + budget_s, 0
    while True:
        try:
            return await once()
        except ConcurrentUpdate:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(backoff(attempt))
            attempt += 1


WRONG_LAST_SEQUENCE = 10071  # JetStream's error code for a revision check that failed


async def write_checked(kv: KeyValue, key: str, value: bytes, revision: int) -> int:
    """Create the key (revision 0) or update it at `revision`, and return the new revision; ConcurrentUpdate
    when another writer moved it."""
    try:
        if revision:
            return await kv.update(key, value, last=revision)
        return await kv.create(key, value)
    except KeyWrongLastSequenceError as exc:
        raise ConcurrentUpdate(key) from exc


async def delete_checked(kv: KeyValue, key: str, revision: int) -> None:
    """Delete the key at `revision`; ConcurrentUpdate when another writer moved it."""
    try:
        await kv.delete(key, last=revision)
    except KeyWrongLastSequenceError as exc:
        raise ConcurrentUpdate(key) from exc
    except BadRequestError as exc:  # nats-py turns 10071 into KeyWrongLastSequenceError on update only
        if exc.err_code != WRONG_LAST_SEQUENCE:
            raise
        raise ConcurrentUpdate(key) from exc
