"""A secondary index in a KV bucket: what a listing reads instead of every aggregate of a seller.

An aggregate is placed in zero or more indexes (`Placement`: an index name, the time it is ordered by,
and a sort text within its hour); the domain says where, as a pure function of the state. Keys:

    <scope>.e.<index>.<YYYYMMDD>.<HH>.<item>   an entry; its value is the sort text
    <scope>.d.<index>.<YYYYMMDD>                a day marker: the day may hold entries of the index
    <scope>.p.<item>                            the pointer: the aggregate revision indexed and its entries

A listing walks the day markers of a scope in order and reads hour by hour (a few hours at once) until its
page is full: its cost follows the page, not the number of aggregates.

Consistency. The aggregate's record stays the truth; the index is written after it, from the record as
stored (its revision), by the same message, before that message is acked, so a crash in between is
repaired by the redelivery. `sync` puts the new entries and their day markers, removes the entries the
pointer lists that are no longer wanted, then writes the pointer with a revision check; an older revision
never overwrites a newer one (a stale writer that already removed something puts the newer pointer's entries
back). So every entry of the stored state exists once its message is acked. An entry can briefly be
stale (an older state's, until its writer finishes): readers check each entry against the aggregate they
load anyway and skip what no longer matches.

Day markers. A marker's value is the time (epoch seconds) until which it must stay, MARKER_HOLD_S after it
was put. A writer puts the marker after an entry unless it put the same marker less than MARKER_RENEW_S ago
(then the marker holds for at least MARKER_HOLD_S - MARKER_RENEW_S more): one put per index-day and writer
every few minutes instead of one per entry, which halved the index's writes for new orders. A reader that
found a whole day empty deletes the marker only once its hold has passed, at the revision it read before
looking, so a marker is never removed from under an entry written meanwhile, nor while a writer relies on
its recent put. (A marker written before holds were kept, value b"1", holds until time 0.)
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import msgspec
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.runtime.direct import count_values, every_key, last_values, values_of
from sellerops.runtime.state import ConcurrentUpdate, delete_checked, retry_on_conflict, write_checked

__all__ = ["Entry", "HourIndex", "Placement", "count_values", "every_key", "last_values", "new_records", "values_of"]

MARKER_HOLD_S = 600.0  # a day marker stays at least this long after it was put (see the module doc)
MARKER_RENEW_S = 300.0  # a writer puts a marker again once its own last put is this old
MAX_HOURS_AT_ONCE = 48  # hours read in one request while walking (see HourIndex.walk)
# Entries one read brings back below which the next reads more hours, above which fewer. An entry costs ~50 us
# to receive (nats-py parses each message's headers), a request ~1-2 ms: a read near a page's size is cheapest.
# DENSE was 768: at the density of a 1,000,000-order seller (200,000 orders over 18 days) list_orders' first
# page took 40 ms against 22 ms with 256 (medians of 3 x 15 here, noisy), the small seller's ~19-31 ms.
SPARSE, DENSE = 128, 256


class Placement(NamedTuple):
    index: str  # dotted name, e.g. "status.Unshipped"
    at: datetime  # what the index is ordered by: the entry's hour
    sort: str  # the order within the hour (compared as text)


class Entry(NamedTuple):
    index: str
    item: str
    sort: str


class _Pointer(msgspec.Struct, frozen=True):
    revision: int = 0
    entries: dict[str, str] = {}  # key suffix (after "<scope>.e.") -> sort text


_pointer = msgspec.json.Decoder(_Pointer)


def _daytext(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime's %Y drops the zeros of years before 1000


def _day(at: datetime) -> str:
    return _daytext(at.astimezone(UTC).date())


def _suffix(p: Placement, item: str) -> str:
    return f"{p.index}.{_day(p.at)}.{p.at.astimezone(UTC):%H}.{item}"


def _marker_of(suffix: str) -> str:
    index_day = suffix.split(".")
    return next(".".join(index_day[:i + 1]) for i, token in enumerate(index_day) if len(token) == 8 and token.isdigit())


def new_records(scope: str, item: str, revision: int, wanted: Sequence[Placement], now: float = 0.0,
                ) -> list[tuple[str, bytes]]:
    """The keys and values `sync` leaves at time `now` for an item not indexed before (what a bulk load writes
    directly; its day markers hold from `now`)."""
    want = {_suffix(p, item): p.sort for p in wanted}
    found = []
    for suffix, sort in want.items():
        found += [(f"{scope}.e.{suffix}", sort.encode()), (f"{scope}.d.{_marker_of(suffix)}", _hold(now))]
    return [*found, (f"{scope}.p.{item}", msgspec.json.encode(_Pointer(revision, want)))]


def _hold(now: float) -> bytes:
    return str(now + MARKER_HOLD_S).encode()


def _hold_passed(value: bytes, now: float) -> bool:
    try:
        return float(value) < now
    except ValueError:
        return True


class HourIndex:
    def __init__(self, kv: KeyValue, *, attempts: int = 12, clock: Callable[[], float] = time.time) -> None:
        self.kv = kv
        self._attempts = attempts
        self._clock = clock
        self._markers: dict[str, float] = {}  # marker key -> when this writer last put it

    async def sync(self, scope: str, item: str, revision: int, wanted: Sequence[Placement], *,
                   created: bool = False) -> None:
        """Make the index hold exactly `wanted` for `item` at aggregate `revision` (older revisions lose).
        `created`: that revision created the aggregate, so no pointer is expected (one read saved; if one
        exists after all, the revision check sends this through the ordinary path)."""
        key, want = f"{scope}.p.{item}", {_suffix(p, item): p.sort for p in wanted}
        removed, fresh = False, created

        async def once() -> None:
            nonlocal removed, fresh
            pointer, at = (_Pointer(), 0) if fresh else await self._get_pointer(key)
            fresh = False
            if pointer.revision >= revision:
                if removed or pointer.revision > revision:  # we are stale: what we removed may be the newer state's
                    await self._put_entries(scope, pointer.entries)
                return
            await self._put_entries(scope, {s: t for s, t in want.items() if pointer.entries.get(s) != t})
            for suffix in pointer.entries.keys() - want.keys():
                await self._remove(f"{scope}.e.{suffix}")
                removed = True
            await write_checked(self.kv, key, msgspec.json.encode(_Pointer(revision, want)), at)

        await retry_on_conflict(once, self._attempts)

    async def indexed_revision(self, scope: str, item: str) -> int:
        return (await self._get_pointer(f"{scope}.p.{item}"))[0].revision

    async def _get_pointer(self, key: str) -> tuple[_Pointer, int]:
        try:
            entry = await self.kv.get(key)
        except KeyNotFoundError:
            return _Pointer(), 0
        return (_pointer.decode(entry.value) if entry.value else _Pointer()), entry.revision or 0

    async def _put_entries(self, scope: str, entries: dict[str, str]) -> None:
        await asyncio.gather(*(self.kv.put(f"{scope}.e.{suffix}", sort.encode()) for suffix, sort in entries.items()))
        now = self._clock()
        for marker in dict.fromkeys(f"{scope}.d.{_marker_of(suffix)}" for suffix in entries):
            if now - self._markers.get(marker, -MARKER_RENEW_S) >= MARKER_RENEW_S:  # after the entries (module doc)
                await self.kv.put(marker, _hold(now))
                if len(self._markers) >= 4096:
                    self._markers.clear()
                self._markers[marker] = now

    async def _remove(self, key: str) -> None:
        """Remove an entry leaving no delete marker behind (an emptied hour then costs one look, not a read)."""
        js = getattr(self.kv, "_js", None)
        if js is None:  # the in-memory fake
            await self.kv.delete(key)
            return
        await js.purge_stream(self.kv._stream, subject=f"$KV.{self.kv._name}.{key}")  # noqa: SLF001

    async def days(self, scope: str, index_prefix: str) -> list[tuple[str, date, int]]:
        """(index, day, marker revision) of every day marker under `index_prefix` (e.g. "status" or "risk");
        the revision is 0 while the marker's hold lasts (it may not be deleted yet)."""
        found, now = [], self._clock()
        for key, value, revision in await last_values(self.kv, [f"{scope}.d.{index_prefix}"]):
            index, day = key[len(scope) + 3:].rsplit(".", 1)
            found.append((index, date(int(day[:4]), int(day[4:6]), int(day[6:])),
                          revision if _hold_passed(value, now) else 0))
        return found

    async def hour(self, scope: str, index: str, day: date, hour: int) -> list[Entry]:
        return [e for _, e in await self._read(scope, [(index, day, hour)])]

    async def _read(self, scope: str, slots: list[tuple[str, date, int]]) -> list[tuple[tuple[date, int], Entry]]:
        """The entries of some (index, day, hour) slots, in one request."""
        prefixes = [f"{scope}.e.{index}.{_daytext(day)}.{hour:02d}" for index, day, hour in slots]
        found = []
        for key, value, _ in await last_values(self.kv, prefixes):
            tokens = key[len(scope) + 3:].split(".")
            at = next(i for i, t in enumerate(tokens) if len(t) == 8 and t.isdigit())
            day = tokens[at]
            found.append(((date(int(day[:4]), int(day[4:6]), int(day[6:])), int(tokens[at + 1])),
                          Entry(".".join(tokens[:at]), ".".join(tokens[at + 2:]), value.decode())))
        return found

    async def _count(self, scope: str, slots: list[tuple[str, date, int]]) -> int:
        return await count_values(self.kv, [f"{scope}.e.{index}.{_daytext(day)}.{hour:02d}" for index, day, hour in slots])

    async def walk(self, scope: str, index_prefix: str, *, newest_first: bool, lo: datetime | None = None,
                   hi: datetime | None = None, only: set[str] | None = None) -> AsyncIterator[list[Entry]]:
        """The entries of the indexes under `index_prefix` (or just `only`), an hour at a time, in the walk's
        order (sorted by their sort text within the hour), between the hours of `lo` and `hi` inclusive.

        Hours are read a few at a time in one request, starting with one and doubling while they come back
        sparse (a seller with a few orders a day), halving when they come back dense; a read of several hours
        is counted first and narrowed if it holds more than DENSE entries: the reads follow what the caller
        takes, not the size of the index."""
        by_day: dict[date, dict[str, int]] = {}
        for index, day, revision in await self.days(scope, index_prefix):
            if only is None or index in only:
                by_day.setdefault(day, {})[index] = revision
        first, last = (lo.astimezone(UTC) if lo else None), (hi.astimezone(UTC) if hi else None)
        hours: list[tuple[date, int]] = []
        whole: set[date] = set()
        for day in sorted(by_day, reverse=newest_first):
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            of_day = [h for h in range(24) if (not first or start + timedelta(hours=h + 1) > first)
                      and (not last or start + timedelta(hours=h) <= last)]
            hours += [(day, h) for h in sorted(of_day, reverse=newest_first)]
            whole.update([day] if len(of_day) == 24 else [])
        size, at, seen = 1, 0, {day: set() for day in by_day}
        while at < len(hours):
            chunk = hours[at:at + size]
            slots = [(i, d, h) for d, h in chunk for i in by_day[d]]
            if size > 1 and (many := await self._count(scope, slots)) > DENSE:
                size = max(1, size * DENSE // many)  # denser than it looked: fewer hours at once
                continue
            at += size
            read = await self._read(scope, slots)
            for slot in chunk:
                entries = [e for where, e in read if where == slot]
                seen[slot[0]].update(e.index for e in entries)
                if entries:
                    yield sorted(entries, key=lambda e: e.sort, reverse=newest_first)
                if slot[0] in whole and slot[1] == (0 if newest_first else 23):  # read the day through
                    await self._forget_empty(scope, slot[0], by_day[slot[0]], seen[slot[0]])
            if len(read) < SPARSE:
                size = min(size * 2, MAX_HOURS_AT_ONCE)
            elif len(read) > DENSE:
                size = max(size // 2, 1)

    async def _forget_empty(self, scope: str, day: date, markers: dict[str, int], seen: set[str]) -> None:
        """A day read through with no entry of an index loses that index's marker, at the revision read before."""
        for index, revision in markers.items():
            if index not in seen and revision:  # revision 0: the marker's hold has not passed
                try:
                    await delete_checked(self.kv, f"{scope}.d.{index}.{_daytext(day)}", revision)
                except ConcurrentUpdate:
                    pass  # an entry came meanwhile: the marker stays
