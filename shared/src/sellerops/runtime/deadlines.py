"""Deadlines in event time, derived from state: nothing extra is written to schedule one.

A service says which deadlines an aggregate state has (`due_of(state) -> [(kind, when)]`, a pure
domain function). The scheduler watches the service's state bucket, keeps the open deadlines of the keys
its instance owns in memory (a restart rebuilds them from the watch), and when the injected clock passes one
it calls `fire(key, kind, when)`. Replicas share the keys by partition (runtime.partitions): each keeps and
fires about 1/N of them, and the keys of a replica that died are read afresh by the one that takes its
partitions. Firing goes through the service's idempotent apply path with a message id made from the
deadline, so firing twice (two holders during a handover, a crash after firing) changes nothing; once
the state no longer has that deadline, it is gone from the scheduler too.

Firing is two steps, the state saved (with the deadline's message id, `deadline/<kind>/<due>`, and its
events) and then its events published, and the saved state no longer lists the deadline. So a fire is owed
until it succeeds, not while the state lists it: a fire that failed after the save (a publish timing out
while a NATS node is lost) is tried again though the state says it is done, and its second apply, a
duplicate, publishes the recorded events again. And an instance that takes keys over (a partition of a
replica that died, or all keys when it starts) fires again the deadlines their records show fired in the
last REFIRE_WITHIN (`to_fire_again`): the replica that died may have saved one and not published it. Those
events keep their ids, and JetStream drops the copies within its duplicate window (10 min by default), so a
re-fire is a no-op unless the first publish was lost.
"""

import asyncio
import heapq
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from datetime import datetime, timedelta
from typing import Any

import msgspec
import structlog
from nats.js.kv import KeyValue

from sellerops.runtime.clock import Clock
from sellerops.runtime.partitions import Partitions, partition_of

log = structlog.get_logger("sellerops.deadlines")
# How far back a takeover fires again the deadlines a record shows fired (see to_fire_again): past a handover
# (lease_s * 4/3 and the re-read) with room, and under half of JetStream's default duplicate window, so the
# copy of an event that did get published is dropped.
REFIRE_WITHIN = timedelta(minutes=5)

DueOf = Callable[[Any], Iterable[tuple[str, datetime]]]
Fire = Callable[[str, str, datetime], Awaitable[None]]


class DeadlineScheduler:
    def __init__(self, *, due_of: DueOf, fire: Fire, clock: Clock, retry_after_s: float = 1.0,
                 on_fired: Callable[[str], None] | None = None, settle: timedelta = timedelta(0),
                 owns: Callable[[str], bool] | None = None) -> None:
        self.on_fired = on_fired
        self.owns = owns  # which keys this instance keeps (None: all)
        # A deadline already past when first seen came from a stale event (a backfill, a replayed file, a
        # consumer that was down): it waits `settle` more, so the events published right behind it (the
        # payment behind the order) are applied first and can take the deadline away.
        self.settle = settle
        self._due_of = due_of
        self._fire = fire
        self._clock = clock
        self._retry_after_s = retry_after_s
        self._open: dict[str, dict[str, datetime]] = {}
        self._heap: list[tuple[datetime, str, str, datetime]] = []  # (fire at, key, kind, due)
        # Fired, while the state still lists them (its update is on the way): a state read again (the watch
        # restarted after this instance took more partitions) must not fire them a second time.
        self._done: dict[str, set[tuple[str, datetime]]] = {}
        # Fires owed whatever the state says: one that failed (its state may be saved already), a re-fire
        self._owed: set[tuple[str, str, datetime]] = set()
        self._again: set[tuple[str, str, datetime]] = set()  # of those, the re-fires of a takeover
        self._changed = asyncio.Event()
        self.fired: list[tuple[str, str, datetime]] = []

    def observe(self, key: str, state: Any | None) -> None:
        """Take the latest state of `key` (None when deleted) and recompute its deadlines."""
        wanted = dict(self._due_of(state)) if state is not None and self.keeps(key) else {}
        if (done := self._done.pop(key, None)) is not None and (still := done & set(wanted.items())):
            self._done[key] = still
            wanted = {kind: when for kind, when in wanted.items() if (kind, when) not in still}
        if wanted == self._open.get(key, {}):
            return
        if wanted:
            # "Already past" is judged by the time underneath (wall time), not by event time: a deadline first seen
            # while a consumer replays a backlog, already past in wall time, waits the settle time after the
            # catch-up too, as it would have had the backlog come in one batch (the outcome must not depend on
            # how the events were batched). It still fires only once event time has passed it.
            before, now = self._open.get(key, {}), self._clock.base_now()
            self._open[key] = wanted
            for kind, when in wanted.items():
                if before.get(kind) != when:  # an unchanged deadline keeps its place
                    heapq.heappush(self._heap, (when if when > now else now + self.settle, key, kind, when))
        else:
            self._open.pop(key, None)
        self._changed.set()

    def taken(self, key: str, record: bytes, written: datetime | None) -> None:
        """`key` was taken over, its record as stored (`written` then): fire again what `to_fire_again` finds,
        in case whoever fired it died between saving and publishing."""
        now = self._clock.base_now()
        for kind, when in to_fire_again(record, written, now):
            if (key, kind, when) not in self._owed:
                self._owed.add((key, kind, when))
                self._again.add((key, kind, when))
                heapq.heappush(self._heap, (now, key, kind, when))
                self._changed.set()

    def keeps(self, key: str) -> bool:
        return self.owns is None or self.owns(key)

    def drop_unowned(self) -> None:
        """Forget the deadlines of keys this instance no longer owns (their new owner read them)."""
        for key in [k for k in self._open if not self.keeps(k)]:
            del self._open[key]
        for key in [k for k in self._done if not self.keeps(k)]:
            del self._done[key]
        self._changed.set()

    def pending(self) -> list[tuple[datetime, str, str]]:
        return sorted((when, key, kind) for key, kinds in self._open.items() for kind, when in kinds.items())

    def _next(self) -> tuple[datetime, str, str, datetime] | None:
        while self._heap:
            _, key, kind, when = self._heap[0]
            if self._open.get(key, {}).get(kind) == when or (key, kind, when) in self._owed:
                return self._heap[0]
            heapq.heappop(self._heap)  # rescheduled or gone
        return None

    async def run_due(self) -> int:
        """Fire every deadline the clock has passed; return how many fired."""
        count = 0
        failed: list[tuple[datetime, str, str, datetime]] = []
        while (top := self._next()) is not None and top[0] <= self._clock.now():
            fire_at, key, kind, when = heapq.heappop(self._heap)
            self._open.get(key, {}).pop(kind, None)  # the state update that follows confirms it
            self._owed.add((key, kind, when))
            try:
                with structlog.contextvars.bound_contextvars(deadline=kind, key=key, due=when.isoformat()):
                    await self._fire(key, kind, when)
            except Exception as exc:  # noqa: BLE001  (owed until it succeeds: a deadline is never dropped)
                log.error("deadline_failed", key=key, kind=kind, error=f"{type(exc).__name__}: {exc}")
                failed.append((fire_at, key, kind, when))  # put back after this pass: it must not block the others
                continue
            self._owed.discard((key, kind, when))
            self.fired.append((key, kind, when))
            self._done.setdefault(key, set()).add((kind, when))
            if (key, kind, when) in self._again:
                self._again.discard((key, kind, when))
                log.info("deadline_fired_again", key=key, kind=kind, due=when.isoformat())
            elif self.on_fired is not None:
                self.on_fired(kind)
            count += 1
        for entry in failed:
            heapq.heappush(self._heap, entry)
        if failed:
            await asyncio.sleep(self._retry_after_s)
        return count

    async def run(self) -> None:
        """Fire deadlines as the clock passes them, forever."""
        while True:
            await self.run_due()
            self._changed.clear()
            top = self._next()
            waits = [asyncio.create_task(self._changed.wait())]
            if top is not None:
                waits.append(asyncio.create_task(self._clock.sleep_until(top[0])))
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in waits:
                    task.cancel()


async def watch_states(kv: KeyValue, decode_state: Callable[[bytes], Any], scheduler: DeadlineScheduler,
                       partitions: Partitions | None = None) -> None:
    """Feed the state changes of the keys the instance owns to the scheduler (current values first, then
    updates; a key it does not own is skipped before decoding). When its partitions grow, watch afresh; the
    keys of the partitions taken from another instance (all keys, the first time without partitions) have
    their recently fired deadlines fired again (see the module doc)."""
    while True:
        new = partitions.take_new() if partitions is not None else None
        if new:
            log.info("deadline_partitions_taken", partitions=sorted(new))
        watching = asyncio.create_task(_watch(kv, decode_state, scheduler, partial(_taken, partitions, new)))
        gained = asyncio.create_task(partitions.gained.wait()) if partitions is not None else None
        try:
            await asyncio.wait([t for t in (watching, gained) if t is not None], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (watching, gained):
                if task is not None:
                    task.cancel()
        if watching.done() and not watching.cancelled():
            watching.result()  # the watch ended or failed: say so (the host restarts the job)
            return
        partitions.gained.clear()
        log.info("deadline_watch_restarted", owned=len(partitions.owned))


def _taken(partitions: Partitions | None, new: set[int] | None, key: str) -> bool:
    return partitions is None or new is None or partition_of(key, partitions.count) in new


async def _watch(kv: KeyValue, decode_state: Callable[[bytes], Any], scheduler: DeadlineScheduler,
                 taken: Callable[[str], bool]) -> None:
    # What was written before the watch began (by revision, not by the watcher's end-of-initial-values
    # marker, which can come early): a taken key's records up to here may hold a fire not yet published.
    before = (await kv.status()).stream_info.state.last_seq
    watcher = await kv.watchall()
    try:
        async for entry in watcher:
            if entry is None or not scheduler.keeps(entry.key):
                continue  # the end of the initial values, or another instance's key
            if entry.operation in ("DEL", "PURGE") or not entry.value:
                scheduler.observe(entry.key, None)
                continue
            scheduler.observe(entry.key, decode_state(entry.value))
            if (entry.revision or 0) <= before and taken(entry.key):
                scheduler.taken(entry.key, entry.value, entry.created)
    finally:
        try:
            await watcher.stop()
        except Exception:  # noqa: BLE001, S110  (the connection is gone: nothing to stop)
            pass


class _Id(msgspec.Struct):
    id: str


class _Ids(msgspec.Struct):
    processed: list[_Id] = []


_ids = msgspec.json.Decoder(_Ids)


def _deadline_of(message_id: str) -> tuple[str, datetime] | None:
    """(kind, due) of a message id `deadline/<kind>/<due, ISO 8601>`, the id every service's deadline handler
    applies a fire under; None for any other id."""
    what, _, rest = message_id.partition("/")
    kind, _, due = rest.partition("/")
    if what != "deadline" or not kind or not due:
        return None
    try:
        when = datetime.fromisoformat(due)
    except ValueError:
        return None
    return (kind, when) if when.tzinfo is not None else None


def to_fire_again(record: bytes, written: datetime | None, now: datetime) -> list[tuple[str, datetime]]:
    """The deadlines a stored record (runtime.state.Record) shows fired that a takeover fires again: those due in
    the last REFIRE_WITHIN (fired since), and the one its last write saved when that write is that recent (a
    deadline already past when first seen, an at-risk alert 24 h before ship-by, fires long after it was due).
    Never an older one: its event, if published, may be past the duplicate window and would be stored twice."""
    if b'"deadline/' not in record:
        return []
    processed = _ids.decode(record).processed
    found = []
    for n, entry in enumerate(processed):
        if (deadline := _deadline_of(entry.id)) is None:
            continue
        saved_last = n == len(processed) - 1 and written is not None and now - written <= REFIRE_WITHIN
        if now - deadline[1] <= REFIRE_WITHIN or saved_last:
            found.append(deadline)
    return found


def deadline_jobs(scheduler: DeadlineScheduler, kv: KeyValue, decode_state: Callable[[bytes], Any], *,
                  settle_s: float, on_fired: Callable[[str], None] | None = None,
                  partitions: Partitions | None = None) -> list:
    """The background jobs of a bucket's deadlines: the watch feeding the scheduler, and its timer. With
    `partitions` the scheduler keeps only the keys of the partitions its instance holds (the host runs the
    partitions' own beat)."""
    scheduler.settle = timedelta(seconds=settle_s)
    scheduler.on_fired = on_fired
    if partitions is not None:
        scheduler.owns = partitions.owns
        partitions.used = True
        partitions.on_lost.append(scheduler.drop_unowned)
    return [partial(watch_states, kv, decode_state, scheduler, partitions), scheduler.run]
