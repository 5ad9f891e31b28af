"""Orders, pure: state, message and time in; new state and events out. No I/O, no clock reads."""

from collections import Counter
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

import msgspec

from sellerops.contracts.envelope import envelope_from
from sellerops.contracts.market import (
    FulfillmentChannel, OrderPaymentAuthorized, OrderPlaced, OrderType, Window,
)
from sellerops.contracts.orders import (
    CanceledBy, ConfirmShipment, OrderCanceled, OrderLine, OrderRecorded, OrderReleased, OrderShipped, OrderStatus,
    OrderView, PackageDetail,
)

SHIPPABLE = (OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED)
PAYMENT_EXPIRY = "payment_expiry"


class Policy(NamedTuple):
    """Per-deployment rules, passed in as data (from settings)."""

    payment_expiry: timedelta = timedelta(days=7)


class NotFound(Exception):
    """No such order for this seller."""


class Refused(Exception):
    """The order cannot do what was asked; `field` names the offending request field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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
    payment_authorized_at: datetime | None = None
    packages: list[PackageDetail] = []
    late_shipment: bool = False
    updated_at: datetime | None = None


class Cause(NamedTuple):
    """The message a decision answers: its id makes the ids of the events it causes."""

    id: UUID | str
    correlation_id: UUID | None = None


def _envelope(cause: Cause, tag: str, index: int = 0) -> dict:
    return envelope_from(cause.id, cause.correlation_id, tag, index)


def record_placement(order: Order | None, placed: OrderPlaced) -> tuple[Order, list]:
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
        delivery_window=placed.delivery_window, is_prime=placed.is_prime,
        payment_authorized_at=paid_at, updated_at=now,
    )
    cause = Cause(placed.event_id, placed.correlation)
    events: list = [OrderRecorded(
        **_envelope(cause, OrderRecorded.type_tag()), seller=new.seller, occurred_at=now,
        order_id=new.order_id, status=status, fulfillment_channel=placed.fulfillment_channel,
        order_type=placed.order_type, purchased_at=placed.purchased_at, lines=lines,
        ship_window=placed.ship_window, delivery_window=placed.delivery_window, is_prime=placed.is_prime,
    )]
    if status is OrderStatus.UNSHIPPED:
        events.append(_released(new, cause, now))
    return new, events


def authorize_payment(order: Order | None, paid: OrderPaymentAuthorized) -> tuple[Order, list]:
    """Payment releases a Pending order for shipping; a payment that comes first waits for its order."""
    at = paid.authorized_at or paid.occurred_at
    if order is None:
        return Order(order_id=paid.order_id, seller=paid.seller, payment_authorized_at=at, updated_at=at), []
    if order.payment_authorized_at is not None:
        return order, []
    if order.status is not OrderStatus.PENDING:
        return msgspec.structs.replace(order, payment_authorized_at=at, updated_at=paid.occurred_at), []
    released = msgspec.structs.replace(
        order, status=OrderStatus.UNSHIPPED, payment_authorized_at=at, updated_at=paid.occurred_at
    )
    return released, [_released(released, Cause(paid.event_id, paid.correlation), paid.occurred_at)]


def _released(order: Order, cause: Cause, now: datetime) -> OrderReleased:
    return OrderReleased(
        **_envelope(cause, OrderReleased.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, fulfillment_channel=order.fulfillment_channel, lines=order.lines,
        ship_window=order.ship_window,
    )


def confirm_shipment(
    order: Order | None, *, request: ConfirmShipment, request_id: str, now: datetime
) -> tuple[Order, list]:
    """Record one shipped package of a seller-fulfilled order; refuse what Seller Central refuses."""
    if order is None or order.status is None:
        raise NotFound(f"order {request.order_id} not found")
    _check_shippable(order, request.package, now)
    shipped = Counter()
    for item in request.package.items:
        shipped[item.order_item_id] += item.quantity
    lines = [
        msgspec.structs.replace(line, quantity_shipped=line.quantity_shipped + shipped[line.order_item_id])
        for line in order.lines
    ]
    complete = all(line.quantity_shipped >= line.quantity_ordered for line in lines)
    status = OrderStatus.SHIPPED if complete else OrderStatus.PARTIALLY_SHIPPED
    latest = order.ship_window.latest if order.ship_window else None
    late = latest is not None and now > latest
    new = msgspec.structs.replace(
        order, status=status, lines=lines, packages=[*order.packages, request.package],
        late_shipment=order.late_shipment or late, updated_at=now,
    )
    event = OrderShipped(
        **_envelope(Cause(request_id), OrderShipped.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, package=request.package, package_number=len(new.packages), status=status,
        fulfillment_channel=order.fulfillment_channel, confirmed_at=now, late=late, latest_ship_date=latest,
    )
    return new, [event]


def _check_shippable(order: Order, package: PackageDetail, now: datetime) -> None:
    if order.fulfillment_channel is FulfillmentChannel.AFN:
        raise Refused("AFN orders are shipped by the fulfillment network, not confirmed by the seller", "$.order_id")
    if order.status not in SHIPPABLE:
        raise Refused(f"order is {order.status.value}; only Unshipped or PartiallyShipped orders ship", "$.order_id")
    if package.carrier_code == "Other" and not package.carrier_name:
        raise Refused("carrier_name is required when carrier_code is Other", "$.package.carrier_name")
    ship_day = package.ship_date
    if order.purchased_at is not None and ship_day < order.purchased_at.date():
        raise Refused(f"ship date {ship_day} is before the order date {order.purchased_at.date()}", "$.package.ship_date")
    if ship_day > now.date():
        raise Refused(f"ship date {ship_day} is in the future", "$.package.ship_date")
    remaining = {line.order_item_id: line.quantity_ordered - line.quantity_shipped for line in order.lines}
    asked = Counter()
    for index, item in enumerate(package.items):
        if item.order_item_id not in remaining:
            raise Refused(f"order has no item {item.order_item_id}", f"$.package.items[{index}].order_item_id")
        asked[item.order_item_id] += item.quantity
        if asked[item.order_item_id] > remaining[item.order_item_id]:
            raise Refused(
                f"item {item.order_item_id}: {asked[item.order_item_id]} to ship but only "
                f"{remaining[item.order_item_id]} unshipped", f"$.package.items[{index}].quantity",
            )


def deadlines(order: Order, policy: Policy) -> list[tuple[str, datetime]]:
    """The deadlines an order has open now (the scheduler fires them when the clock passes them)."""
    if order.status is OrderStatus.PENDING and order.purchased_at is not None:
        return [(PAYMENT_EXPIRY, order.purchased_at + policy.payment_expiry)]
    return []


def deadline_passed(order: Order | None, *, kind: str, due: datetime, policy: Policy) -> tuple[Order, list]:
    """Act on a deadline the clock passed, if the order still has it (otherwise nothing happens)."""
    if order is None or (kind, due) not in deadlines(order, policy):
        return order, []  # type: ignore[return-value]
    canceled = msgspec.structs.replace(order, status=OrderStatus.CANCELED, updated_at=due)
    event = OrderCanceled(
        **_envelope(Cause(f"deadline/{order.seller}/{order.order_id}/{kind}/{due.isoformat()}"),
                    OrderCanceled.type_tag()),
        seller=order.seller, occurred_at=due, order_id=order.order_id,
        reason="PaymentNotAuthorized", canceled_by=CanceledBy.MARKETPLACE, counts_against_seller=False,
        previous_status=order.status, fulfillment_channel=order.fulfillment_channel,
    )
    return canceled, [event]


def view(order: Order) -> OrderView:
    return OrderView(**msgspec.structs.asdict(order))
