"""The real stores: one KV key per aggregate, `<seller>.<id>`, orders in one bucket, MCF orders in another."""

from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from nats.js.kv import KeyValue

from sellerops.contracts.subjects import id_token, seller_token
from sellerops.orders.domain import Order
from sellerops.orders.domain.mcf import McfOrder
from sellerops.runtime.state import AggregateStore, Applied, Decide, Record

BUCKET = "orders_order"
MCF_BUCKET = "orders_mcf"
S = TypeVar("S")


def order_key(seller: str, order_id: str) -> str:
    return f"{seller_token(seller)}.{id_token('order_id', order_id)}"


class SellerKeyedStore(Generic[S]):
    """Aggregates of one kind, keyed by seller and id, with dedupe and revision checks (runtime.state)."""

    def __init__(self, kv: KeyValue, state_type: type[S], id_field: str, *, keep_processed: int = 64) -> None:
        self._store = AggregateStore(kv, state_type, keep=keep_processed)
        self._id_field = id_field

    def key(self, seller: str, aggregate_id: str) -> str:
        return f"{seller_token(seller)}.{id_token(self._id_field, aggregate_id)}"

    def decode_state(self, value: bytes) -> S | None:
        return self._store.decode_state(value)

    async def apply(self, seller: str, aggregate_id: str, message_id: str, decide: Decide[S]) -> Applied[S]:
        return await self._store.apply(self.key(seller, aggregate_id), message_id, decide)

    async def load(self, seller: str, aggregate_id: str) -> S | None:
        return await self._store.load(self.key(seller, aggregate_id))

    async def load_record(self, seller: str, aggregate_id: str) -> Record[S]:
        return (await self._store.get(self.key(seller, aggregate_id)))[0]

    async def scan(self, seller: str) -> AsyncIterator[S]:
        async for _, state in self._store.scan(seller_token(seller)):
            yield state


class KvOrderStore(SellerKeyedStore[Order]):
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        super().__init__(kv, Order, "order_id", keep_processed=keep_processed)


class KvMcfStore(SellerKeyedStore[McfOrder]):
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        super().__init__(kv, McfOrder, "mcf_order_id", keep_processed=keep_processed)
