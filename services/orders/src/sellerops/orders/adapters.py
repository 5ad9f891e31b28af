"""The real stores: one KV key per aggregate, `<seller>.<id>`, orders in one bucket, MCF orders in another."""

from nats.js.kv import KeyValue

from sellerops.orders.domain import Order
from sellerops.orders.domain.mcf import McfOrder
from sellerops.contracts.subjects import id_token, seller_token
from sellerops.runtime.state import SellerKeyedStore

BUCKET = "orders_order"
MCF_BUCKET = "orders_mcf"


def order_key(seller: str, order_id: str) -> str:
    return f"{seller_token(seller)}.{id_token('order_id', order_id)}"


class KvOrderStore(SellerKeyedStore[Order]):
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        super().__init__(kv, Order, "order_id", keep_processed=keep_processed)


class KvMcfStore(SellerKeyedStore[McfOrder]):
    def __init__(self, kv: KeyValue, *, keep_processed: int = 64) -> None:
        super().__init__(kv, McfOrder, "mcf_order_id", keep_processed=keep_processed)
