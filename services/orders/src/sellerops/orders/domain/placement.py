"""An order is placed, paid for, and released for shipping."""

from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import OrderPaymentAuthorized, OrderPlaced, OrderType
from sellerops.contracts.orders import OrderLine, OrderRecorded, OrderReleased, OrderStatus
from sellerops.orders.domain.model import Cause, Order, envelope, recorded


def record_placement(order: Order | None, placed: OrderPlaced) -> tuple[Order, list[Event]]:
    """A placed order is Pending (PendingAvailability for a pre-order) until its payment is authorized."""
    if order is not None and order.status is not None:
        return order, []  # the marketplace reported the same order again
    paid_at = order.payment_authorized_at if order else None
    status = OrderStatus.PENDING_AVAILABILITY if placed.order_type is OrderType.PREORDER else OrderStatus.PENDING
    if paid_at is not None and status is OrderStatus.PENDING:
        status = OrderStatus.UNSHIPPED
    now = placed.occurred_at
    lines = [
        OrderLine(order_item_id=i.order_item_id, sku=i.sku, quantity_ordered=i.quantity, item_price=i.item_price)
        for i in placed.items
    ]
    new = Order(
        order_id=placed.order_id, seller=placed.seller, status=status,
        fulfillment_channel=placed.fulfillment_channel, order_type=placed.order_type,
        purchased_at=placed.purchased_at, lines=lines, ship_window=placed.ship_window,
        delivery_window=placed.delivery_window, is_prime=placed.is_prime, destination=placed.destination,
        payment_authorized_at=paid_at, updated_at=now,
    )
    cause = Cause(placed.event_id, placed.correlation)
    events: list[Event] = [OrderRecorded(
        **envelope(cause, OrderRecorded.type_tag()), seller=new.seller, occurred_at=now,
        order_id=new.order_id, status=status, fulfillment_channel=placed.fulfillment_channel,
        order_type=placed.order_type, purchased_at=placed.purchased_at, lines=lines,
        ship_window=placed.ship_window, delivery_window=placed.delivery_window, is_prime=placed.is_prime,
        marketplace_id=placed.marketplace_id,
    )]
    if status is OrderStatus.UNSHIPPED:
        events.append(released(new, cause))
    return recorded(new, events)


def authorize_payment(order: Order | None, paid: OrderPaymentAuthorized) -> tuple[Order, list[Event]]:
    """Payment releases a Pending order for shipping; a payment that comes first waits for its order."""
    at = paid.authorized_at or paid.occurred_at
    if order is None:
        return Order(order_id=paid.order_id, seller=paid.seller, payment_authorized_at=at, updated_at=at), []
    if order.payment_authorized_at is not None:
        return order, []
    if order.status is not OrderStatus.PENDING:
        return msgspec.structs.replace(order, payment_authorized_at=at, updated_at=paid.occurred_at), []
    release = released(msgspec.structs.replace(order, status=OrderStatus.UNSHIPPED),
                       Cause(paid.event_id, paid.correlation), paid.occurred_at)
    return recorded(order, [release], status=OrderStatus.UNSHIPPED, payment_authorized_at=at)


def released(order: Order, cause: Cause, now: datetime | None = None) -> OrderReleased:
    occurred_at = now or order.updated_at
    assert occurred_at is not None, "a placed order has updated_at (record_placement sets it)"
    assert order.fulfillment_channel is not None, "only a placed order is released, and it has its channel"
    return OrderReleased(
        **envelope(cause, OrderReleased.type_tag()), seller=order.seller, occurred_at=occurred_at,
        order_id=order.order_id, fulfillment_channel=order.fulfillment_channel, lines=order.lines,
        ship_window=order.ship_window, destination=order.destination,
    )
