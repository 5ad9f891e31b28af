"""The real stores (one KV key per aggregate, `<seller>.<id>`) and the ledger read back from the stream.

Each record holds the aggregate's state, the ids of the messages applied to it and, for the stock-moving ones
(shipments, outbound and removal orders), the ledger movements decided and not yet applied (runtime.effects,
wrapped around these stores in bootstrap).
"""

import base64
from collections.abc import AsyncIterator

import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.kv import KeyValue

from sellerops.contracts.inventory import InventoryMoved
from sellerops.contracts.streams import stream_name
from sellerops.contracts.subjects import InvalidToken, event_filter
from sellerops.fulfillment.domain.ledger import Stock
from sellerops.fulfillment.domain.outbound import Outbound
from sellerops.fulfillment.domain.placement.demand import SkuDemand
from sellerops.fulfillment.domain.plans import Plan
from sellerops.fulfillment.domain.removals import Removal
from sellerops.fulfillment.domain.shipments import Shipment
from sellerops.runtime.state import SellerKeyedStore

PLANS = "fulfillment_plan"
SHIPMENTS = "fulfillment_shipment"
STOCK = "fulfillment_stock"
OUTBOUND = "fulfillment_outbound"
REMOVALS = "fulfillment_removal"
DEMAND = "fulfillment_demand"  # units per SKU by day and ship-to ZIP3, for placement's landed cost
BUCKETS = (PLANS, SHIPMENTS, STOCK, OUTBOUND, REMOVALS, DEMAND)


class StockStore(SellerKeyedStore):
    """Keyed by SKU (the ledgers, the demand counts). A SKU may hold characters a key cannot (spaces,
    slashes): those are keyed by their URL-safe base64 form after `x=`, which no plain SKU key starts
    with in practice."""

    def key(self, seller: str, aggregate_id: str) -> str:
        try:
            return super().key(seller, aggregate_id)
        except InvalidToken:
            encoded = base64.urlsafe_b64encode(aggregate_id.encode()).decode().rstrip("=")
            return super().key(seller, f"x={encoded}")


def store(kv: KeyValue, state_type: type, id_field: str, *, keep: int) -> SellerKeyedStore:
    return SellerKeyedStore(kv, state_type, id_field, keep_processed=keep)


def stores(buckets: dict[str, KeyValue], *, keep: int, keep_stock: int) -> dict[str, SellerKeyedStore]:
    return {
        "plans": store(buckets[PLANS], Plan, "plan_id", keep=keep),
        "shipments": store(buckets[SHIPMENTS], Shipment, "shipment_id", keep=keep),
        "stock": StockStore(buckets[STOCK], Stock, "sku", keep_processed=keep_stock),
        "outbound": store(buckets[OUTBOUND], Outbound, "fulfillment_order_id", keep=keep),
        "removals": store(buckets[REMOVALS], Removal, "removal_order_id", keep=keep),
        "demand": StockStore(buckets[DEMAND], SkuDemand, "sku", keep_processed=keep_stock),
    }


class StreamLedger:
    """Every InventoryMoved of a seller, read back from the FULFILLMENT stream oldest first."""

    def __init__(self, js: JetStreamContext) -> None:
        self._js = js
        self._decode = msgspec.json.Decoder(InventoryMoved).decode

    async def __call__(self, seller: str) -> AsyncIterator[InventoryMoved]:
        subject = event_filter("fulfillment", "inventory", seller=seller, fact="moved")
        stream = stream_name("fulfillment")
        info = await self._js.stream_info(stream, subjects_filter=subject)
        left = sum((info.state.subjects or {}).values())
        if not left:
            return
        sub = await self._js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(
            deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=30.0))
        try:
            while left > 0:
                try:
                    batch = await sub.fetch(min(left, 1000), timeout=5)
                except TimeoutError:
                    break
                for msg in batch:
                    left -= 1
                    yield self._decode(msg.data)
        finally:
            await sub.unsubscribe()
