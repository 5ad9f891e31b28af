"""The real stores: one KV key per aggregate, `<seller>.<id>`, orders in one bucket, MCF orders in another,
and the listing index (orders by status and by ship-by, runtime.index) in a third."""

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Any
from datetime import datetime

import msgspec
import structlog
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from sellerops.contracts.orders import AtRiskOrder, ListAtRisk, ListOrders, OrderView
from sellerops.contracts.subjects import id_token, seller_token
from sellerops.orders.domain import Order, queries, view
from sellerops.orders.domain.mcf import McfOrder
from sellerops.orders.ports import OrderStore, Publisher
from sellerops.runtime.index import Entry, HourIndex, every_key, values_of
from sellerops.runtime.paging import SizedPage
from sellerops.runtime.state import Applied, Decide, SellerKeyedStore

BUCKET = "orders_order"
MCF_BUCKET = "orders_mcf"
INDEX_BUCKET = "orders_index"
BUILT = "=built"  # in the index bucket once every order was indexed (no seller token can be "=built")
LOAD_AT_ONCE = 64  # orders of a listing read in one request

log = structlog.get_logger("sellerops.orders")


def order_key(seller: str, order_id: str) -> str:
    return f"{seller_token(seller)}.{id_token('order_id', order_id)}"


class KvOrderStore(SellerKeyedStore[Order]):
    """Orders; with an index, every apply also brings the order's index entries in step (see runtime.index)."""

    def __init__(self, kv: KeyValue, *, keep_processed: int = 64, index: HourIndex | None = None) -> None:
        super().__init__(kv, Order, "order_id", keep_processed=keep_processed)
        self.index = index

    async def apply(self, seller: str, order_id: str, message_id: str, decide: Decide[Order], *,
                    new: bool = False, hold: bool = False, publish: Publisher | None = None) -> Applied[Order]:
        """The order saved, then its index entries and (given `publish`) its events at once: both are done
        before the message is acked, and neither has to wait for the other (the index took ~12 ms of an
        order's way to health when it came first)."""
        applied = await super().apply(seller, order_id, message_id, decide, new=new, hold=hold)
        await asyncio.gather(self._index(seller, order_id, applied),
                             *([publish(applied.events)] if publish is not None else []))
        return applied

    async def _index(self, seller: str, order_id: str, applied: Applied[Order]) -> None:
        if self.index is None:
            return
        if not applied.revision:  # the key holds no value and this apply wrote none (or a write did not
            await self.reindex(seller, order_id)  # say its revision): index from what the bucket holds
            return
        # A duplicate comes here too, with the revision read: the index write of a crashed first try is redone.
        wanted = queries.placements(applied.stored) if applied.stored is not None else []
        await self.index.sync(seller_token(seller), id_token("order_id", order_id), applied.revision, wanted,
                              created=applied.created)

    async def reindex(self, seller: str, order_id: str) -> None:
        if self.index is None:
            return
        record, revision = await self.aggregates.get(self.key(seller, order_id))
        wanted = queries.placements(record.state) if record.state is not None else []
        await self.index.sync(seller_token(seller), id_token("order_id", order_id), revision, wanted)

    async def build_index(self, at_once: int = 128) -> None:
        """Index every order once, when the index bucket is new (a background job at start; listings read
        every order until it is done). Orders written meanwhile index themselves; both go by revision."""
        if self.index is None or await self.index_built():
            return
        log.info("order_index_rebuild_started")
        keys, count = [], 0
        async for key in every_key(self.kv):
            keys.append(key)
            if len(keys) == at_once:
                count += await self._reindex_keys(keys)
                keys = []
        count += await self._reindex_keys(keys)
        await self.index.kv.put(BUILT, b"1")
        log.info("order_index_rebuilt", orders=count)

    async def _reindex_keys(self, keys: list[str]) -> int:
        await asyncio.gather(*(self.reindex(*key.split(".", 1)) for key in keys))
        return len(keys)

    async def load_state(self, seller: str, order_id: str) -> Order | None:
        """The order alone (its processed ids are skipped, not decoded): what a listing shows."""
        try:
            entry = await self.kv.get(self.key(seller, order_id))
        except KeyNotFoundError:
            return None
        return self.decode_state(entry.value) if entry.value else None

    async def load_states(self, seller: str, order_ids: list[str]) -> list[Order | None]:
        """Several orders alone, in one batched read (a listing's page: one request, not one per order)."""
        keys = [self.key(seller, order_id) for order_id in order_ids]
        values = await values_of(self.kv, keys)
        return [self.decode_state(values[key]) if key in values else None for key in keys]

    async def index_built(self) -> bool:
        if self.index is None:
            return False
        try:
            await self.index.kv.get(BUILT)
            return True
        except KeyNotFoundError:
            return False


class OrderListings:
    """list_orders and list_at_risk read from the index once it is built, from every order before that (and
    always from every order of a store that keeps no index)."""

    def __init__(self, orders: OrderStore) -> None:
        self._orders = orders
        self._indexed = orders if isinstance(orders, KvOrderStore) else None
        self._built = False

    async def _index(self) -> HourIndex | None:
        """The index to read, once it is built (None: read every order)."""
        if self._indexed is None or self._indexed.index is None:
            return None
        self._built = self._built or await self._indexed.index_built()
        return self._indexed.index if self._built else None

    async def list_orders(self, seller: str, query: ListOrders, budget: int) -> tuple[list[OrderView], str | None]:
        page: SizedPage[OrderView] = SizedPage(query.limit, budget)
        after = queries.after_cursor(query.cursor)
        if (index := await self._index()) is None:
            shown, _ = queries.page([o async for o in self._orders.scan(seller)], msgspec.structs.replace(query, limit=10_000))
            return _fill(page, ((o, view(o)) for o in shown), queries.cursor_of)
        bounds = [t for t in (after[0] if after else None, query.purchased_to) if t is not None]
        hi = min(bounds) if bounds else None
        only = {f"status.{query.status.value}"} if query.status is not None else None
        hours = index.walk(seller_token(seller), "status", newest_first=True, lo=query.purchased_from, hi=hi,
                           only=only)
        found = self._found(seller, hours, lambda e: after is None or queries.entry_position(e.sort) < after)
        return await _afill(page, ((o, view(o)) async for o in found if queries.matches(o, query)),
                            queries.cursor_of)

    async def at_risk(self, seller: str, query: ListAtRisk, now: datetime,
                      budget: int) -> tuple[list[AtRiskOrder], str | None]:
        page: SizedPage[AtRiskOrder] = SizedPage(query.limit, budget)
        after = queries.after_cursor(query.cursor)
        if (index := await self._index()) is None:
            risky = queries.at_risk([o async for o in self._orders.scan(seller)], msgspec.structs.replace(query, limit=10_000), now)
            return _fill(page, ((r, r) for r in risky), _risk_cursor)
        horizon = queries.horizon(query, now)
        hours = index.walk(seller_token(seller), "risk", newest_first=False, lo=after[0] if after else None,
                           hi=horizon)
        found = self._found(seller, hours, lambda e: after is None or queries.entry_position(e.sort) > after)
        # An order listed under "risk" can be at risk (queries.placements): its row has its latest ship date.
        rows = (r async for r in (queries.at_risk_row(o, now) async for o in found) if r.latest_ship_date <= horizon)
        return await _afill(page, ((r, r) async for r in rows), _risk_cursor)

    async def _found(self, seller: str, hours: AsyncIterator[list[Entry]],
                     wanted: Callable[[Entry], bool]) -> AsyncIterator[Order]:
        """The orders the entries stand for, in the entries' order, skipping entries of an older state."""
        assert self._indexed is not None, "hours come from an index (_index): only a store keeping one walks them"
        async for entries in hours:
            entries = [e for e in entries if wanted(e)]
            for at in range(0, len(entries), LOAD_AT_ONCE):
                chunk = entries[at:at + LOAD_AT_ONCE]
                loaded = await self._indexed.load_states(seller, [e.item for e in chunk])
                for entry, order in zip(chunk, loaded):
                    if order is not None and queries.listed_as(order, entry.index, entry.sort):
                        yield order


def _risk_cursor(row: AtRiskOrder) -> str:
    return f"{row.latest_ship_date.isoformat()}|{row.order_id}"


def _fill(page: SizedPage, pairs: Iterable[tuple[Any, Any]],
          cursor_of: Callable[[Any], str]) -> tuple[list, str | None]:
    last = None
    for source, item in pairs:
        if not page.add(item):
            return page.items, cursor_of(last)
        last = source
    return page.items, None


async def _afill(page: SizedPage, pairs: AsyncIterable[tuple[Any, Any]],
                 cursor_of: Callable[[Any], str]) -> tuple[list, str | None]:
    last = None
    async for source, item in pairs:
        if not page.add(item):
            return page.items, cursor_of(last)
        last = source
    return page.items, None


class KvMcfStore(SellerKeyedStore[McfOrder]):
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        super().__init__(kv, McfOrder, "mcf_order_id", keep_processed=keep_processed)
