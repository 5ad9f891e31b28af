"""The real OrderStore: one KV key per order, `<seller>.<order_id>`, in the orders bucket."""

from collections.abc import AsyncIterator

from nats.js.kv import KeyValue

from sellerops.contracts.subjects import id_token, seller_token
from sellerops.orders.domain import Order
from sellerops.runtime.state import AggregateStore, Applied, Decide

BUCKET = "orders_order"


def order_key(seller: str, order_id: str) -> str:
    return f"{seller_token(seller)}.{id_token('order_id', order_id)}"


class KvOrderStore:
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        self._store = AggregateStore(kv, Order, keep=keep_processed)

    def decode_state(self, value: bytes) -> Order | None:
        return self._store.decode_state(value)

    async def apply(self, seller: str, order_id: str, message_id: str, decide: Decide[Order]) -> Applied[Order]:
        return await self._store.apply(order_key(seller, order_id), message_id, decide)

    async def load(self, seller: str, order_id: str) -> Order | None:
        return await self._store.load(order_key(seller, order_id))

    async def scan(self, seller: str) -> AsyncIterator[Order]:
        async for _, order in self._store.scan(seller_token(seller)):
            yield order
