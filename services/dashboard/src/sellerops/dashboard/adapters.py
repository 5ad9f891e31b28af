"""The real stores, the fleet index kept in memory from the bucket, and the question to the health service.

Bucket `dashboard_index`: one key per part of a seller (`<seller>.<part>.<id>`, see domain.parts). Every
instance keeps all of it in memory by watching the bucket (a write by any replica reaches every page), so
the fleet page sorts and filters in memory instead of asking each seller's health in turn.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import msgspec
import structlog
from nats.aio.client import Client
from nats.js.kv import KeyValue

from sellerops.contracts.health import AccountHealth, GetAccountHealth
from sellerops.contracts.subjects import seller_token
from sellerops.dashboard.domain.fleet import FleetRow, SellerParts, row_of
from sellerops.dashboard.domain.parts import (
    ACCOUNT, FLAG, HEALTH, PART_TYPES, WORK_PARTS, HealthPart, Part, split_key,
)
from sellerops.runtime.requests import call
from sellerops.runtime.state import AggregateStore, StateOnly

log = structlog.get_logger("sellerops.dashboard")
INDEX = "dashboard_index"
BUCKETS = (INDEX,)
ROWS_EVERY_S = 0.2  # the longest a fleet row lags behind the bucket (see FleetIndex._row_soon)


class PartStore:
    """Revision-checked parts with message-id dedupe (AggregateStore), one store per part type."""

    def __init__(self, kv: KeyValue, *, keep: int) -> None:
        self._stores: dict[str, AggregateStore[Part]] = {part: AggregateStore(kv, kind, keep=keep)
                                                         for part, kind in PART_TYPES.items()}

    @staticmethod
    def key(seller: str, part: str, ident: str) -> str:
        return f"{seller_token(seller)}.{part}.{ident}"

    async def apply(self, seller: str, part: str, ident: str, message_id: str, fold: Callable[[Any], Any], *,
                    new: bool = False) -> None:
        def decide(found: Any) -> tuple[Any, list]:
            return fold(found), []

        await self._stores[part].apply(self.key(seller, part, ident), message_id, decide, new=new)


class FleetIndex:
    """Every seller's parts, in memory, from the bucket; `version` moves on every change (live pages wait on it)."""

    def __init__(self) -> None:
        self.parts: dict[str, SellerParts] = {}
        self.rows: dict[str, FleetRow] = {}
        self.version = 0
        self.loaded = asyncio.Event()
        self._changed = asyncio.Event()
        self._ranked: tuple[tuple[int, int], list[FleetRow]] = ((-1, -1), [])
        self._dirty: set[str] = set()  # sellers whose row waits for the next refresh (see `follow`)
        self._refresh: asyncio.TimerHandle | None = None
        # A part's type is known at run time only (as in runtime.state.AggregateStore), which mypy cannot check.
        self._decode = {part: msgspec.json.Decoder(StateOnly[kind]).decode  # type: ignore[valid-type]
                        for part, kind in PART_TYPES.items()}

    def put(self, key: str, value: bytes | None, *, row: bool = True) -> str | None:
        """One bucket entry (None or empty: deleted); the seller it concerns. `row=False` leaves the seller's row
        to the caller (a load makes each row once, not once per record)."""
        found = split_key(key)
        if found is None:
            return None
        seller, part, ident = found
        state = self._decode[part](value).state if value else None
        parts = self.parts.setdefault(seller, SellerParts())
        table = self._table(parts, part)
        if state is None:
            table.pop(ident, None)
        else:
            table[ident] = state
        if row:
            self.rows[seller] = row_of(seller, parts)
        return seller

    def ranked(self) -> list[FleetRow]:
        """Every row, riskiest first; sorted once per change of the index, not once per page."""
        if self._ranked[0] != (self.version, len(self.rows)):
            self._ranked = ((self.version, len(self.rows)), sorted(self.rows.values(), key=FleetRow.risk))
        return self._ranked[1]

    def changed(self) -> None:
        self.version += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, version: int, timeout: float) -> int:
        """The version after `version`, or the same one when nothing changed within `timeout`."""
        if self.version == version:
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass
        return self.version

    @staticmethod
    def _table(parts: SellerParts, part: str) -> dict:
        if part == HEALTH:
            return parts.health
        if part == ACCOUNT:
            return parts.account
        if part == FLAG:
            return parts.flags
        return parts.work.setdefault(part, {})

    def load(self, entries: Iterable[tuple[str, bytes | None]]) -> None:
        sellers = {seller for key, value in entries if (seller := self.put(key, value, row=False)) is not None}
        for seller in sellers:
            self.rows[seller] = row_of(seller, self.parts[seller])
        self.changed()

    def _row_soon(self, seller: str) -> None:
        """Rows are made again at most every ROWS_EVERY_S: a row counts all of a seller's open work, and making
        it per write was 40 % of the dashboard's CPU under a burst of one seller's orders."""
        self._dirty.add(seller)
        if self._refresh is None:
            self._refresh = asyncio.get_running_loop().call_later(ROWS_EVERY_S, self._make_rows)

    def _make_rows(self) -> None:
        self._refresh = None
        for seller in self._dirty:
            self.rows[seller] = row_of(seller, self.parts[seller])
        self._dirty.clear()
        self.changed()

    async def follow(self, kv: KeyValue) -> None:
        """Keep up with the bucket: its current values first (then `loaded` is set), then every write."""
        watcher = await kv.watch(">")
        try:
            batch: list = []
            while True:
                # updates(), not the iterator: the iterator hides the end-of-snapshot marker (None). Without a
                # timeout it takes what is queued without yielding, so a burst is applied before any reader runs.
                entry = await watcher.updates(timeout=None)
                if entry is None:
                    self.load(batch)
                    batch = []
                    self.loaded.set()
                    log.info("dashboard_index_loaded", sellers=len(self.parts))
                    continue
                if isinstance(entry, KeyValue.KeyWatcher.STOP_ITER.__class__):
                    return
                value = None if entry.operation in ("DEL", "PURGE") else entry.value
                if self.loaded.is_set():
                    if (seller := self.put(entry.key, value, row=False)) is not None:
                        self._row_soon(seller)
                else:
                    batch.append((entry.key, value))
        finally:
            if self._refresh is not None:
                self._refresh.cancel()
                self._refresh = None
            try:
                await watcher.stop()
            except Exception:  # noqa: BLE001, S110  (the connection is gone: a failure here must not hide a cancel)
                pass


def health_asker(nc: Client, *, timeout: float) -> Callable[[str, GetAccountHealth], Awaitable[AccountHealth]]:
    """Ask the health service for a seller's account health (now, or as of a past moment: time travel)."""

    async def ask(seller: str, query: GetAccountHealth) -> AccountHealth:
        return await call(nc, "health", seller, "get_account_health", query, AccountHealth, timeout=timeout)

    return ask


def latest_health(parts: SellerParts | None) -> HealthPart | None:
    return max(parts.health.values(), key=lambda h: h.as_of, default=None) if parts else None


__all__ = ["BUCKETS", "INDEX", "WORK_PARTS", "FleetIndex", "PartStore", "health_asker", "latest_health"]
