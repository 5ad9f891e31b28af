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
"""

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")
R = TypeVar("R")

Step = Callable[[V], tuple[V, R]]
CONFLICT_BUDGET_S = 20.0


class ConcurrentUpdate(Exception):
    """Another writer changed the key since it was read."""


def backoff(attempt: int) -> float:
    """Full jitter: 2 ms doubling per attempt, capped at 100 ms."""
    return random.uniform(0, min(0.1, 0.002 * 2 ** min(attempt, 16)))


class KeyWriter(Generic[V]):
    """Folds concurrent updates of one key into revision-checked writes (see the module docstring).

    `read(key) -> (value, revision)` (revision 0: no value yet); `write(key, value, revision)` raises
    ConcurrentUpdate when the revision moved; `changed(before, after)` says whether a write is needed."""

    def __init__(self, read: Callable[[str], Awaitable[tuple[V, int]]],
                 write: Callable[[str, V, int], Awaitable[None]], *, max_fold: int = 32,
                 conflict_budget_s: float = CONFLICT_BUDGET_S,
                 changed: Callable[[V, V], bool] = lambda before, after: before is not after) -> None:
        self._read = read
        self._write = write
        self._changed = changed
        self._max_fold = max(1, max_fold)
        self._budget = conflict_budget_s
        self._queues: dict[str, list[tuple[Step[V, Any], asyncio.Future[Any]]]] = {}
        self.writes = 0  # revision-checked writes made (what folding saves is visible here)
        self.conflicts = 0

    async def update(self, key: str, step: Callable[[V], tuple[V, R]]) -> R:
        """Apply `step` to the key's current value and write the result; the step's result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        queue = self._queues.get(key)
        if queue is not None:  # a writer of this key is running: it takes this step in its next write
            queue.append((step, future))
            return await future
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
                value, revision = await self._read(key)
                outcomes, new = [], value
                for step, _ in taken:
                    try:
                        new, result = step(new)
                        outcomes.append((True, result))
                    except Exception as exc:  # noqa: BLE001  (the step's own caller gets it)
                        outcomes.append((False, exc))
                if self._changed(value, new):
                    await self._write(key, new, revision)
                    self.writes += 1
            except ConcurrentUpdate as exc:
                self.conflicts += 1
                if time.monotonic() >= deadline:
                    return _settle(taken, [(False, exc)] * len(taken))
                await asyncio.sleep(backoff(attempt))
                attempt += 1
                continue
            except Exception as exc:  # noqa: BLE001  (the read or write failed: every caller hears of it)
                return _settle(taken, [(False, exc)] * len(taken))
            return _settle(taken, outcomes)


def _settle(taken: list[tuple[Step[V, Any], asyncio.Future[Any]]], outcomes: list[tuple[bool, object]]) -> None:
    for (_, future), (ok, result) in zip(taken, outcomes, strict=True):
        if future.done():
            continue
        if ok:
            future.set_result(result)
        else:
            future.set_exception(result)  # type: ignore[arg-type]
