"""The real stores and the history reader.

Buckets: `health_order` (one key per order: its facts, and the counter changes
it has still to add to its days, as pending effects), `health_day` (one
key per seller, marketplace and day: the counters, with the ids of the order changes applied), `health_watch`
(per seller and marketplace: the last statuses, for alerts once per crossing), `health_settings` (a
seller's overrides per marketplace), `health_warning` (a seller's open policy warnings per marketplace).
"""

import asyncio
import base64
import hashlib
from collections.abc import Awaitable, Callable
from datetime import date

import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.envelope import Event
from sellerops.contracts.streams import stream_name
from sellerops.contracts.subjects import seller_token
from sellerops.health.domain.alerts import Watch
from sellerops.health.domain.counting import add
from sellerops.health.domain.facts import OrderState
from sellerops.health.domain.records import DayCounts, SettingsRecord, Warnings
from sellerops.runtime.state import KeyWriter, Released, SellerKeyedStore, write_checked

ORDERS = "health_order"
DAYS = "health_day"
WATCHES = "health_watch"
SETTINGS = "health_settings"
WARNINGS = "health_warning"
BUCKETS = (ORDERS, DAYS, WATCHES, SETTINGS, WARNINGS)


class _CountsOnly(msgspec.Struct, frozen=True):
    counts: dict[str, int] = {}


def short_id(change_id: str) -> str:
    """12 characters for a change id (72 bits of BLAKE2b): 4x less to store and read than the id itself."""
    return base64.urlsafe_b64encode(hashlib.blake2b(change_id.encode(), digest_size=9).digest()).decode()


class DayStore:
    """Counters per seller, marketplace and day; each order change is added at most once: its id is held until
    the order's record has cleared the change (`release`), then kept among the last `keep` (runtime.effects),
    as AggregateStore does for its records."""

    def __init__(self, kv: KeyValue, *, keep: int) -> None:
        self._kv = kv
        self._keep = keep
        self._decode = msgspec.json.Decoder(DayCounts).decode
        self._decode_counts = msgspec.json.Decoder(_CountsOnly).decode
        # One writer per day key: the changes of a batch's orders of one seller-day are added in one write.
        self.writer: KeyWriter[DayCounts] = KeyWriter(self._read, self._write, max_fold=keep // 2)
        self._released = Released()  # held change ids let go since their day's last write

    @staticmethod
    def key(seller: str, marketplace_day: str) -> str:
        return f"{seller_token(seller)}.{marketplace_day}"

    async def add(self, seller: str, marketplace_day: str, change_id: str, change: dict[str, int]) -> None:
        applied_id, key = short_id(change_id), self.key(seller, marketplace_day)

        def step(found: DayCounts) -> tuple[DayCounts, None]:
            if applied_id in found.held or applied_id in found.applied:
                return found, None
            held, let_go = self._released.split(key, found.held, str)
            return DayCounts(add(found.counts, change), [*found.applied, *let_go][-self._keep:],
                             [*held, applied_id]), None

        await self.writer.update(key, step)

    def release(self, seller: str, marketplace_day: str, change_id: str) -> None:
        """The order's record cleared the change: its id joins the last `keep` remembered at the day's next write
        (not a write of its own)."""
        self._released.add(self.key(seller, marketplace_day), short_id(change_id))

    async def _read(self, key: str) -> tuple[DayCounts, int]:
        try:
            entry = await self._kv.get(key)
        except KeyNotFoundError:
            return DayCounts(), 0
        return (self._decode(entry.value) if entry.value else DayCounts()), entry.revision or 0

    async def _write(self, key: str, value: DayCounts, revision: int) -> None:
        await write_checked(self._kv, key, msgspec.json.encode(value), revision)

    async def load(self, seller: str, marketplace_id: str, days: list[date]) -> dict[date, dict[str, int]]:
        async def one(d: date) -> dict[str, int] | None:
            try:
                entry = await self._kv.get(self.key(seller, f"{marketplace_id}.{d.isoformat()}"))
            except KeyNotFoundError:
                return None
            return self._decode_counts(entry.value).counts if entry.value else None

        found = await asyncio.gather(*(one(d) for d in days))
        return {d: counts for d, counts in zip(days, found, strict=True) if counts is not None}


def stores(buckets: dict[str, KeyValue], *, keep: int, keep_day: int) -> dict:
    return {
        "orders": SellerKeyedStore(buckets[ORDERS], OrderState, "order_id", keep_processed=keep),
        "days": DayStore(buckets[DAYS], keep=keep_day),
        "watches": SellerKeyedStore(buckets[WATCHES], Watch, "marketplace_id", keep_processed=8),
        "settings": SellerKeyedStore(buckets[SETTINGS], SettingsRecord, "marketplace_id", keep_processed=8),
        "warnings": SellerKeyedStore(buckets[WARNINGS], Warnings, "marketplace_id", keep_processed=keep),
    }


HISTORY_SUBJECTS = (("orders", "order"), ("returns", "claim"), ("market", "order"), ("market", "feedback"),
                    ("market", "policy_warning"), ("market", "account"), ("notifications", "buyer_message"))


def history_reader(js: JetStreamContext) -> Callable[[str], Awaitable[list[Event]]]:
    """Every event about a seller's orders, claims, feedback and warnings kept in the streams, for time travel."""

    async def read(seller: str) -> list[Event]:
        found: list[Event] = []
        for source, entity in HISTORY_SUBJECTS:
            found += await _read(js, stream_name(source), f"{source}.{seller_token(seller)}.{entity}.>")
        return found

    return read


async def _read(js: JetStreamContext, stream: str, subject: str) -> list[Event]:
    sub = await js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(
        deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=30.0))
    try:
        pending = (await sub.consumer_info()).num_pending or 0
        events: list[Event] = []
        while len(events) < pending:
            try:
                batch = await sub.fetch(min(pending - len(events), 1024), timeout=5)
            except TimeoutError:
                break
            for msg in batch:
                try:
                    events.append(decode_event(msg.data))
                except (msgspec.ValidationError, msgspec.DecodeError):
                    pending -= 1  # a malformed fact the services dead-lettered: not part of history
        return events
    finally:
        await sub.unsubscribe()
