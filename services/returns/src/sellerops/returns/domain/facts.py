"""What a return or claim decision needs to know about its order, as the dossier has seen it."""

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sellerops.contracts.market import FulfillmentChannel, Money


class OrderFacts(NamedTuple):
    order_id: str
    channel: FulfillmentChannel | None = None
    purchased_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    paid: dict[str, Money] = {}  # order_item_id -> what was paid for the line (its item price)
    refunded: dict[str, Decimal] = {}  # order_item_id -> refunded so far (confirmed by orders)
    skus: dict[str, str] = {}  # order_item_id -> SKU
    quantities: dict[str, int] = {}  # order_item_id -> units ordered
