"""The real stores and the history reader.

Buckets: `health_order` (one key per order: its facts and an outbox of counter changes), `health_day` (one
key per seller, marketplace and day: the counters, with the ids of the order changes applied), `health_watch`
(per seller and marketplace: the last statuses, for alerts once per crossing), `health_settings` (a
seller's overrides per marketplace), `health_warning` (a seller's open policy warnings per marketplace).
"""

from datetime import date, datetime

import asyncio
import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import decode_event
from sellerops.contracts.envelope import Event
from sellerops.contracts.health import MetricSettings
from sellerops.contracts.streams import stream_name
from sellerops.contracts.subjects import seller_token
from sellerops.health.domain.alerts import Watch
from sellerops.health.domain.counting import add
from sellerops.health.domain.facts import OrderState
from sellerops.runtime.state import AggregateStore, SellerKeyedStore

ORDERS = "health_order"
DAYS = "health_day"
WATCHES = "health_watch"
SETTINGS = "health_settings"
WARNINGS = "health_warning"
BUCKETS = (ORDERS, DAYS, WATCHES, SETTINGS, WARNINGS)


class DayCounts(msgspec.Struct, frozen=True):
    counts: dict[str, int] = {}


class SettingsRecord(msgspec.Struct, frozen=True):
    metrics: dict[str, MetricSettings]
    updated_at: datetime


class Warnings(msgspec.Struct, frozen=True):
    open: dict[str, str] = {}  # warning id -> type
    resolved: list[str] = []  # ids resolved (a resolution may come before its report)


class DayStore:
    """Counters per seller, marketplace and day; each order change is added at most once."""

    def __init__(self, kv: KeyValue, *, keep: int) -> None:
        self._store = AggregateStore(kv, DayCounts, keep=keep)

    @staticmethod
    def key(seller: str, marketplace_day: str) -> str:
        return f"{seller_token(seller)}.{marketplace_day}"

    async def add(self, seller: str, marketplace_day: str, change_id: str, change: dict[str, int]) -> None:
        await self._store.apply(self.key(seller, marketplace_day), change_id,
                                lambda found: (DayCounts(add((found or DayCounts()).counts, change)), []))

    async def load(self, seller: str, marketplace_id: str, days: list[date]) -> dict[date, dict[str, int]]:
        found = await asyncio.gather(*(self._store.load(self.key(seller, f"{marketplace_id}.{d.isoformat()}"))
                                       for d in days))
        return {d: counts.counts for d, counts in zip(days, found, strict=True) if counts is not None}


def stores(buckets: dict[str, KeyValue], *, keep: int, keep_day: int) -> dict:
    return {
        "orders": SellerKeyedStore(buckets[ORDERS], OrderState, "order_id", keep_processed=keep),
        "days": DayStore(buckets[DAYS], keep=keep_day),
        "watches": SellerKeyedStore(buckets[WATCHES], Watch, "marketplace_id", keep_processed=8),
        "settings": SellerKeyedStore(buckets[SETTINGS], SettingsRecord, "marketplace_id", keep_processed=8),
        "warnings": SellerKeyedStore(buckets[WARNINGS], Warnings, "marketplace_id", keep_processed=keep),
    }


HISTORY_SUBJECTS = (("orders", "order"), ("returns", "claim"), ("market", "order"), ("market", "feedback"),
                    ("market", "policy_warning"))


def history_reader(js: JetStreamContext):  # noqa: ANN201
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
        pending = (await sub.consumer_info()).num_pending
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
