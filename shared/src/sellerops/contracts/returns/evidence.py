"""Evidence the market reports about an order, and the case file a claim is answered with."""

from datetime import datetime
from typing import ClassVar

from sellerops.contracts.envelope import Event, Id
from sellerops.contracts.orders import Text
from sellerops.contracts.returns.claims import ClaimView
from sellerops.contracts.returns.seller_returns import LongText, ReturnView
from sellerops.contracts.schema import SchemaStruct


class OrderDelivered(Event, frozen=True, kw_only=True, tag="market.order_delivered.v1"):
    """The carrier's tracking shows the order's package delivered."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "delivered"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof: str | None = None  # signature, photo-on-delivery reference


class BuyerMessageReceived(Event, frozen=True, kw_only=True, tag="market.buyer_message_received.v1"):
    """A buyer wrote to the seller through Buyer-Seller Messaging about an order."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "buyer_message"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "message_id"

    message_id: Id
    order_id: Id
    title: Text | None = None  # the message's subject line (`subject` is the event's NATS subject)
    body: LongText


# ---- the case file ----


class EvidenceEntry(SchemaStruct, frozen=True, kw_only=True):
    at: datetime
    kind: str  # order, shipment, tracking_corrected, delivery, buyer_message, refund, return, claim, ...
    summary: str
    event_id: str
    detail: dict[str, object] = {}


class CaseFile(SchemaStruct, frozen=True, kw_only=True):
    """Everything seen about a claim's order, for the seller to read or send as evidence."""

    claim: ClaimView
    order_known: bool
    order: dict[str, object] | None = None  # purchase date, channel, lines and prices
    shipments: list[dict[str, object]] = []  # packages: carrier, tracking, ship date, items, late
    delivery: dict[str, object] | None = None
    buyer_messages: list[dict[str, object]] = []
    refunds: list[dict[str, object]] = []
    returns: list[ReturnView] = []
    timeline: list[EvidenceEntry] = []
    gaps: list[str] = []  # evidence a reviewer will ask for that was not seen (no tracking, no delivery scan)
    generated_at: datetime
