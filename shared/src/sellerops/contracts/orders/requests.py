"""Requests served by the orders service (request-reply) and the views they answer with."""

from datetime import datetime
from typing import Annotated

import msgspec

from sellerops.contracts.envelope import Id, PositiveCount
from sellerops.contracts.market import Destination, FulfillmentChannel, OrderType, Window
from sellerops.contracts.orders.events import (
    CanceledBy, OrderLine, OrderStatus, PackageDetail, RefundLine, RefundReason, SellerCancelReason,
)
from sellerops.contracts.schema import SchemaStruct


class ConfirmShipment(SchemaStruct, frozen=True, kw_only=True):
    """Confirm one shipped package. `request_id` makes a retried request safe (same answer, no change)."""

    order_id: Id
    package: PackageDetail
    request_id: Id | None = None


class GetOrder(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id


class CancelOrder(SchemaStruct, frozen=True, kw_only=True):
    """The seller cancels an order that has not shipped; it counts against the seller unless it answers
    a buyer's request (reason BuyerCanceled with a request pending)."""

    order_id: Id
    reason: SellerCancelReason
    request_id: Id | None = None


class AnswerCancelRequest(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id
    approve: bool
    request_id: Id | None = None


class RefundOrder(SchemaStruct, frozen=True, kw_only=True):
    """Refund some or all of what was paid per item; `request_id` is the refund's id (retry-safe)."""

    order_id: Id
    lines: Annotated[list[RefundLine], msgspec.Meta(min_length=1)]
    reason: RefundReason
    request_id: Id | None = None


class CorrectTracking(SchemaStruct, frozen=True, kw_only=True):
    order_id: Id
    package_number: PositiveCount
    carrier_code: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    carrier_name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    request_id: Id | None = None


class HistoryEntry(SchemaStruct, frozen=True, kw_only=True):
    """One event of an order's timeline."""

    at: datetime
    type: str
    event_id: str
    summary: str


class ListOrders(SchemaStruct, frozen=True, kw_only=True):
    """Newest first; filters combine. `cursor` is the `next_cursor` of the previous page."""

    status: OrderStatus | None = None
    purchased_from: datetime | None = None
    purchased_to: datetime | None = None
    ship_by_to: datetime | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 100
    cursor: str | None = None


class ListAtRisk(SchemaStruct, frozen=True, kw_only=True):
    """Unshipped seller-fulfilled orders whose latest ship date is within `within_hours` (or past), soonest
    first. `cursor` is the `next_cursor` of the previous page."""

    within_hours: Annotated[float, msgspec.Meta(ge=0)] = 24.0
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 100
    cursor: str | None = None


class OrderView(SchemaStruct, frozen=True, kw_only=True):
    """An order as the orders service knows it."""

    order_id: str
    seller: str
    status: OrderStatus | None
    fulfillment_channel: FulfillmentChannel | None = None
    order_type: OrderType | None = None
    purchased_at: datetime | None = None
    payment_authorized_at: datetime | None = None
    lines: list[OrderLine] = []
    ship_window: Window | None = None
    delivery_window: Window | None = None
    is_prime: bool = False
    destination: Destination | None = None
    packages: list[PackageDetail] = []
    late_shipment: bool = False
    cancel_request: str | None = None
    canceled_by: CanceledBy | None = None
    cancel_reason: str | None = None
    refunded: list[RefundLine] = []
    history: list[HistoryEntry] = []
    updated_at: datetime | None = None


class OrderList(SchemaStruct, frozen=True, kw_only=True):
    """One page, newest first: `next_cursor` is set when more orders follow (the page stops at `limit` or at the
    size one reply can carry, whichever comes first)."""

    orders: list[OrderView]
    truncated: bool = False
    next_cursor: str | None = None


class AtRiskOrder(SchemaStruct, frozen=True, kw_only=True):
    order_id: str
    status: OrderStatus
    latest_ship_date: datetime
    hours_left: float
    units_unshipped: int


class AtRiskList(SchemaStruct, frozen=True, kw_only=True):
    """One page: `next_cursor` is set when more orders follow (the page stops at `limit` or at the size one
    reply can carry, whichever comes first)."""

    orders: list[AtRiskOrder]
    as_of: datetime
    next_cursor: str | None = None
