"""The order as the orders service keeps it, the rules passed in as data, and shared decision helpers."""

from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

import msgspec

from sellerops.contracts.envelope import Event, envelope_from
from sellerops.contracts.market import Destination, FulfillmentChannel, OrderType, Window
from sellerops.contracts.orders import (
    CanceledBy, HistoryEntry, OrderLine, OrderStatus, OrderView, PackageDetail, RefundLine,
)

OPEN = (OrderStatus.PENDING, OrderStatus.PENDING_AVAILABILITY, OrderStatus.UNSHIPPED)
SHIPPABLE = (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED)
from sellerops.runtime.decisions import NotFound as NotFound, Refused as Refused  # noqa: E402  (the domain modules import them from here)


class Policy(NamedTuple):
    """Per-deployment (or per-seller) rules, passed in as data from settings."""

    payment_expiry: timedelta = timedelta(days=7)
    buyer_cancel_window: timedelta = timedelta(minutes=30)
    ship_by_at_risk_before: timedelta = timedelta(hours=24)
    auto_cancel_after: timedelta = timedelta(days=7)


class Order(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    seller: str
    status: OrderStatus | None = None  # None: a payment arrived before the order itself
    fulfillment_channel: FulfillmentChannel | None = None
    order_type: OrderType | None = None
    purchased_at: datetime | None = None
    lines: list[OrderLine] = []
    ship_window: Window | None = None
    delivery_window: Window | None = None
    is_prime: bool = False
    destination: Destination | None = None
    payment_authorized_at: datetime | None = None
    packages: list[PackageDetail] = []
    late_shipment: bool = False
    cancel_request: str | None = None  # the buyer's reason while a request waits for the seller
    canceled_by: CanceledBy | None = None
    cancel_reason: str | None = None
    refunded: list[RefundLine] = []  # per item, the total refunded so far
    alerts: list[str] = []  # deadlines already acted on (each fires once)
    history: list[HistoryEntry] = []
    updated_at: datetime | None = None

    @property
    def units_unshipped(self) -> int:
        return sum(line.quantity_ordered - line.quantity_shipped for line in self.lines)


class Cause(NamedTuple):
    """The message a decision answers: its id makes the ids of the events it causes."""

    id: UUID | str
    correlation_id: UUID | None = None


def requested(order: Order, request_id: str) -> Cause:
    """The cause of what a seller's request does: scoped to the seller and order, because request ids
    come from clients and two sellers may well both send "req-1" (same id = one dropped by dedupe)."""
    return Cause(f"request/{order.seller}/{order.order_id}/{request_id}")


def envelope(cause: Cause, tag: str, index: int = 0) -> dict[str, Any]:
    return envelope_from(cause.id, cause.correlation_id, tag, index)


def found(order: Order | None, order_id: str) -> Order:
    if order is None or order.status is None:
        raise NotFound(f"order {order_id} not found")
    return order


def recorded(order: Order, events: list[Event], **changes: object) -> tuple[Order, list[Event]]:
    """The order with `changes`, its timeline extended by `events`."""
    entries = [HistoryEntry(at=e.occurred_at, type=e.type_tag(), event_id=str(e.event_id), summary=_summary(e))
               for e in events]
    last = events[-1].occurred_at if events else order.updated_at
    return msgspec.structs.replace(order, history=[*order.history, *entries], updated_at=last, **changes), events


def _summary(event: Event) -> str:
    fields = ("status", "reason", "canceled_by", "late", "tracking_number", "latest_ship_date")
    parts = [f"{name}={getattr(event, name).value if hasattr(getattr(event, name), 'value') else getattr(event, name)}"
             for name in fields if getattr(event, name, None) is not None]
    return " ".join(parts)


def view(order: Order) -> OrderView:
    fields = msgspec.structs.asdict(order)
    fields.pop("alerts")
    return OrderView(**fields)
