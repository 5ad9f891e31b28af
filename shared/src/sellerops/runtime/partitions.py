"""Replicas of a service share its keys: `count` partitions (a hash of the key), each held by one instance
on a lease in a KV bucket, so N replicas each keep about 1/N of the open deadlines.

Keys of the leases bucket, per service:

    <service>.m.<instance>   a member's heartbeat, rewritten every beat
    <service>.p.<n>          partition n: the instance holding it ("-": free), rewritten by it every beat

Liveness is judged by each observer on its own clock, never by comparing clocks: a key whose revision has
not moved for `lease_s` is stale, its member dead, its partition free. Every beat an instance renews what it
holds (a revision-checked update: if someone else took it, it lets go), gives back what exceeds its fair
share (ceil(count / live members)), and takes free ones up to it (revision-checked, so two instances never
both win one). An instance that stops cleanly gives its partitions back at once; one that dies loses them
`lease_s` after its last beat, and the survivors take them at their next beat and read their keys afresh.
Handing over therefore takes at most lease_s + lease_s / 3 (+ the re-read), kept under the consumers' ack
wait by default. Two holders at once (a paused process that has not noticed yet) fire the same deadline
twice at worst, which the deadline's message id makes a no-op.

The bucket keeps a key for TTL_LEASES times lease_s after its last write (its stream's max age), so the
heartbeats of replicas that died (a new instance name every start) do not pile up: live keys are rewritten
every beat, a dead member's key and a partition nobody holds any more simply go.
"""

import asyncio
import math
import time
import uuid
import zlib
from collections.abc import Callable

import structlog
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError, KeyWrongLastSequenceError, NotFoundError
from nats.js.kv import KeyValue

from sellerops.runtime.direct import last_values

log = structlog.get_logger("sellerops.partitions")

LEASES_BUCKET = "sellerops_leases"
FREE = b"-"  # a partition given back (not deleted: a delete marker has no value to read back)
TTL_LEASES = 6  # a key of the leases bucket lives this many lease_s after its last write (18 beats)


async def open_leases(js: JetStreamContext, *, replicas: int, lease_s: float) -> KeyValue:
    """The leases bucket, its keys kept at least TTL_LEASES * lease_s (a bucket made without a TTL, or with a
    shorter one by a service with a shorter lease, is given this one)."""
    ttl = TTL_LEASES * lease_s
    try:
        kv = await js.key_value(LEASES_BUCKET)
    except (BucketNotFoundError, NotFoundError):
        return await js.create_key_value(KeyValueConfig(bucket=LEASES_BUCKET, history=1, replicas=replicas,
                                                        storage=StorageType.FILE, ttl=ttl))
    config = (await kv.status()).stream_info.config
    if not config.max_age or config.max_age < ttl:
        config.max_age, config.duplicate_window = ttl, min(config.duplicate_window or ttl, ttl)
        await js.update_stream(config)
    return kv


def partition_of(key: str, count: int) -> int:
    return zlib.crc32(key.encode()) % count


def _preference(instance: str, n: int) -> int:
    """Rendezvous order: each instance tries the partitions in its own order, so claims rarely collide."""
    return zlib.crc32(f"{instance}/{n}".encode())


class Partitions:
    def __init__(self, kv: KeyValue, service: str, *, count: int = 64, lease_s: float = 20.0,
                 instance: str | None = None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.kv = kv
        self.service = service
        self.count = count
        self.lease_s = lease_s
        self.instance = instance or uuid.uuid4().hex[:12]
        self.owned: set[int] = set()
        self.gained = asyncio.Event()  # set when owned grew: whoever keeps keys must read them afresh
        self.on_lost: list[Callable[[], None]] = []  # called when owned shrank
        self._held: dict[int, int] = {}  # partition -> revision of our lease
        self._taken: set[int] = set()  # won from another instance (or never held) since take_new was asked
        self._seen: dict[str, tuple[int, float]] = {}  # key -> (revision, when first seen at it)
        self._now = monotonic
        self.used = False  # set by whoever keeps keys by it (runtime.deadlines): the host then runs the beat

    def owns(self, key: str) -> bool:
        return partition_of(key, self.count) in self.owned

    async def run(self) -> None:
        """Beat every lease_s / 3, forever; give everything back when stopped."""
        try:
            while True:
                try:
                    await self.beat()
                except Exception as exc:  # noqa: BLE001  (NATS away: hold nothing we cannot renew)
                    log.warning("partitions_beat_failed", error=f"{type(exc).__name__}: {exc}")
                    self._set_owned(set())
                await asyncio.sleep(self.lease_s / 3)
        finally:
            try:
                await asyncio.shield(self.release())
            except Exception as exc:  # noqa: BLE001  (NATS gone: the leases run out instead)
                log.warning("partitions_release_failed", error=f"{type(exc).__name__}: {exc}")

    async def beat(self) -> None:
        await self.kv.put(self._key("m", self.instance), self.instance.encode())
        now, holders, free = self._now(), {}, {}
        found = {key: (value, revision) for key, value, revision in await last_values(self.kv, [self.service])}
        self._seen = {key: seen for key, seen in self._seen.items() if key in found}  # gone keys: forgotten
        for key, (_, revision) in found.items():
            if self._seen.get(key, (None,))[0] != revision:
                self._seen[key] = (revision, now)
        live = sorted(k.rsplit(".", 1)[1] for k, (value, _) in found.items() if k.startswith(self._key("m", ""))
                      and value != FREE and self._fresh(k, now))
        for n in range(self.count):
            value, revision = found.get(self._key("p", n), (b"", 0))
            owner = value.decode()
            if owner and owner != self.instance and owner in live and self._fresh(self._key("p", n), now):
                holders[n] = owner
            elif owner != self.instance or n not in self._held:
                free[n] = revision
        share = math.ceil(self.count / max(len(live), 1))
        await self._renew()
        for n in sorted(self._held, key=lambda n: _preference(self.instance, n))[: max(len(self._held) - share, 0)]:
            await self._write(n, FREE, self._held.pop(n))  # more than our share: give it back
        for n in sorted(free, key=lambda n: -_preference(self.instance, n)):
            if len(self._held) >= share:
                break
            revision = await self._write(n, self.instance.encode(), free[n])
            if revision:
                self._held[n] = revision
                if found.get(self._key("p", n), (b"",))[0] != self.instance.encode():
                    self._taken.add(n)
        self._set_owned(set(self._held))

    def take_new(self) -> set[int]:
        """The partitions held now that were taken from another instance (or free) since the last call: their
        keys may hold what that instance did not finish (runtime.deadlines fires their recent deadlines again)."""
        new = self._taken & self.owned
        self._taken = (self._taken - new) & set(self._held)  # won in a beat still going on: asked next time
        return new

    async def release(self) -> None:
        """Leave and give every partition back (a clean stop: the others take them at their next beat)."""
        await self.kv.put(self._key("m", self.instance), FREE)
        for n, revision in list(self._held.items()):
            await self._write(n, FREE, revision)
        self._held.clear()
        self._set_owned(set())

    async def _renew(self) -> None:
        for n, revision in list(self._held.items()):
            renewed = await self._write(n, self.instance.encode(), revision)
            if renewed:
                self._held[n] = renewed
            else:
                self._held.pop(n)  # taken over (we were presumed dead): let go
                log.warning("partition_taken_over", partition=n, service=self.service)

    async def _write(self, n: int, value: bytes, revision: int) -> int:
        """A revision-checked write of partition n's lease: its new revision, or 0 if another writer moved it."""
        key = self._key("p", n)
        try:
            if revision:
                return await self.kv.update(key, value, last=revision)
            return await self.kv.create(key, value)
        except KeyWrongLastSequenceError:
            return 0

    def _fresh(self, key: str, now: float) -> bool:
        return now - self._seen.get(key, (0, now))[1] < self.lease_s

    def _set_owned(self, owned: set[int]) -> None:
        grew, shrank = bool(owned - self.owned), bool(self.owned - owned)
        if owned != self.owned:
            log.info("partitions_owned", service=self.service, instance=self.instance, count=len(owned))
        self.owned = owned
        if grew:
            self.gained.set()
        if shrank:
            for callback in self.on_lost:
                callback()

    def _key(self, kind: str, name: object) -> str:
        return f"{self.service}.{kind}.{name}"
