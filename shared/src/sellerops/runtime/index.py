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
load anyway and skip what no longer matches. A day marker is put after every entry written, and a reader
that found a whole day empty deletes the marker at the revision it read before looking, so a marker is
never removed from under an entry written meanwhile.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import msgspec
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.runtime.state import ConcurrentUpdate, delete_checked, retry_on_conflict, write_checked

HOURS_AT_ONCE = 6  # hours of one index read concurrently while walking


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


class HourIndex:
    def __init__(self, kv: KeyValue, *, attempts: int = 12) -> None:
        self.kv = kv
        self._attempts = attempts

    async def sync(self, scope: str, item: str, revision: int, wanted: Sequence[Placement]) -> None:
        """Make the index hold exactly `wanted` for `item` at aggregate `revision` (older revisions lose)."""
        key, want = f"{scope}.p.{item}", {_suffix(p, item): p.sort for p in wanted}
        removed = False

        async def once() -> None:
            nonlocal removed
            pointer, at = await self._get_pointer(key)
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
        for suffix, sort in entries.items():
            await self.kv.put(f"{scope}.e.{suffix}", sort.encode())
            await self.kv.put(f"{scope}.d.{_marker_of(suffix)}", b"1")  # after the entry (see the module doc)

    async def _remove(self, key: str) -> None:
        """Remove an entry leaving no delete marker behind (an emptied hour then costs one look, not a read)."""
        js = getattr(self.kv, "_js", None)
        if js is None:  # the in-memory fake
            await self.kv.delete(key)
            return
        await js.purge_stream(self.kv._stream, subject=f"$KV.{self.kv._name}.{key}")  # noqa: SLF001

    async def days(self, scope: str, index_prefix: str) -> list[tuple[str, date]]:
        """(index, day) of every day marker under `index_prefix` (e.g. "status" or "risk")."""
        found = []
        for key, _ in await last_values(self.kv, f"{scope}.d.{index_prefix}"):
            index, day = key[len(scope) + 3:].rsplit(".", 1)
            found.append((index, date(int(day[:4]), int(day[4:6]), int(day[6:]))))
        return found

    async def hour(self, scope: str, index: str, day: date, hour: int) -> list[Entry]:
        prefix = f"{scope}.e.{index}.{_daytext(day)}.{hour:02d}"
        return [Entry(index, key[len(prefix) + 1:], value.decode()) for key, value in await last_values(self.kv, prefix)]

    async def walk(self, scope: str, index_prefix: str, *, newest_first: bool, lo: datetime | None = None,
                   hi: datetime | None = None, only: set[str] | None = None) -> AsyncIterator[list[Entry]]:
        """The entries of the indexes under `index_prefix` (or just `only`), an hour at a time, in the walk's
        order (sorted by their sort text within the hour), between the hours of `lo` and `hi` inclusive."""
        by_day: dict[date, list[str]] = {}
        for index, day in await self.days(scope, index_prefix):
            if only is None or index in only:
                by_day.setdefault(day, []).append(index)
        first, last = (lo.astimezone(UTC) if lo else None), (hi.astimezone(UTC) if hi else None)
        for day in sorted(by_day, reverse=newest_first):
            if (first and day < first.date()) or (last and day > last.date()):
                continue
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            hours = [h for h in range(24) if (not first or start + timedelta(hours=h + 1) > first)
                     and (not last or start + timedelta(hours=h) <= last)]
            async for entries in self._walk_day(scope, by_day[day], day, hours, newest_first):
                yield entries

    async def _walk_day(self, scope: str, indexes: list[str], day: date, hours: list[int],
                        newest_first: bool) -> AsyncIterator[list[Entry]]:
        whole = len(hours) == 24
        markers = {i: await self._marker_revision(scope, i, day) for i in indexes} if whole else {}
        seen: set[str] = set()
        hours = sorted(hours, reverse=newest_first)
        for at in range(0, len(hours), HOURS_AT_ONCE):
            chunk = hours[at:at + HOURS_AT_ONCE]
            read = await asyncio.gather(*(self.hour(scope, i, day, h) for h in chunk for i in indexes))
            for n in range(len(chunk)):
                entries = [e for part in read[n * len(indexes):(n + 1) * len(indexes)] for e in part]
                seen.update(e.index for e in entries)
                if entries:
                    yield sorted(entries, key=lambda e: e.sort, reverse=newest_first)
        for index, revision in markers.items():  # read through and found empty: forget the day
            if index not in seen and revision:
                try:
                    await delete_checked(self.kv, f"{scope}.d.{index}.{_daytext(day)}", revision)
                except ConcurrentUpdate:
                    pass  # an entry came meanwhile: the marker stays

    async def _marker_revision(self, scope: str, index: str, day: date) -> int:
        try:
            return (await self.kv.get(f"{scope}.d.{index}.{_daytext(day)}")).revision or 0
        except KeyNotFoundError:
            return 0


DIRECT_BATCH = 2048  # messages per direct-get request (more follow in further requests)


async def last_values(kv: KeyValue, prefix: str) -> list[tuple[str, bytes]]:
    """The current value of every key under `prefix.`, by JetStream's batched direct get (multi_last): one
    request per 2,048 keys and no consumer, where a consumer per read ran into the server's consumer limit
    when many listings ran at once. Deleted keys are skipped. The bucket's stream is given allow_direct the
    first time (buckets are created without it)."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        return [item async for item in kv.latest_values(prefix)]
    nc, stream, bucket = kv._js._nc, kv._stream, kv._name  # noqa: SLF001  (nats-py keeps them private)
    request: dict = {"multi_last": [f"$KV.{bucket}.{prefix}.>"], "batch": DIRECT_BATCH}
    cut, found = len(f"$KV.{bucket}."), []
    while True:
        status, last = await _direct_batch(nc, stream, request, found, cut)
        if status.get("Status") == "503":  # direct get not allowed on this stream yet
            await _allow_direct(kv._js, stream)  # noqa: SLF001
            continue
        if status.get("Status") != "204" or status.get("Nats-Num-Pending", "0") == "0" or last is None:
            return found  # 404: nothing under the prefix
        request = {**request, "up_to_seq": int(status["Nats-UpTo-Sequence"]), "seq": last + 1}


async def _direct_batch(nc, stream: str, request: dict, found: list, cut: int) -> tuple[dict, int | None]:  # noqa: ANN001
    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox)
    last = None
    try:
        await nc.publish(f"$JS.API.DIRECT.GET.{stream}", json.dumps(request).encode(), reply=inbox)
        while True:
            msg = await sub.next_msg(timeout=5)
            headers = msg.headers or {}
            if "Status" in headers:
                return headers, last
            last = int(headers["Nats-Sequence"])
            if headers.get("KV-Operation") not in ("DEL", "PURGE") and msg.data:
                found.append((headers["Nats-Subject"][cut:], msg.data))
    finally:
        await sub.unsubscribe()


async def _allow_direct(js, stream: str) -> None:  # noqa: ANN001
    config = (await js.stream_info(stream)).config
    config.allow_direct = True
    await js.update_stream(config)


async def every_key(kv: KeyValue) -> AsyncIterator[str]:
    """Every live key of a bucket, read as headers only (what an index rebuild walks)."""
    if not hasattr(kv, "_js"):  # the in-memory fake
        for key in [k for k, v in kv._data.items() if v.value]:  # noqa: SLF001
            yield key
        return
    js, stream, bucket = kv._js, kv._stream, kv._name  # noqa: SLF001  (nats-py keeps them private)
    sub = await js.pull_subscribe(f"$KV.{bucket}.>", stream=stream, config=ConsumerConfig(
        deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, ack_policy=AckPolicy.NONE, headers_only=True,
        inactive_threshold=30.0))
    cut, seen = len(f"$KV.{bucket}."), 0
    try:
        expected = (await sub.consumer_info()).num_pending or 0  # the last message of each key
        while seen < expected:
            try:
                batch = await sub.fetch(min(expected - seen, 1024), timeout=5)
            except TimeoutError:
                break
            for msg in batch:
                seen += 1
                if (msg.headers or {}).get("KV-Operation") not in ("DEL", "PURGE"):
                    yield msg.subject[cut:]
    finally:
        await sub.unsubscribe()
