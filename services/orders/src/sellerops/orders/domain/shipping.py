"""Packages are confirmed (with the carrier and tracking number) and tracking is corrected."""

from collections import Counter
from collections.abc import Callable
from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import (
    ConfirmShipment, CorrectTracking, OrderCancelRequestDeclined, OrderShipped, OrderStatus, OrderTrackingCorrected,
    PackageDetail,
)
from sellerops.orders.domain.model import SHIPPABLE, Order, Refused, envelope, found, recorded, requested

# (carrier_code, tracking_number, carrier_name) -> None, or (the field at fault, the reason)
CarrierCheck = Callable[[str, str, str | None], tuple[str, str] | None]


def confirm_shipment(
    order: Order | None, *, request: ConfirmShipment, request_id: str, now: datetime,
    check_carrier: CarrierCheck | None = None,
) -> tuple[Order, list[Event]]:
    """Record one shipped package of a seller-fulfilled order; refuse what Seller Central refuses."""
    order = found(order, request.order_id)
    _check_shippable(order, request.package, now)
    _check_tracking(check_carrier, request.package.carrier_code, request.package.tracking_number,
                    request.package.carrier_name, "$.package")
    shipped: Counter[str] = Counter()
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
    packages = [*order.packages, request.package]
    cause = requested(order, request_id)
    events: list[Event] = []
    if order.cancel_request is not None:  # shipping answers a waiting buyer request: it is closed, with a fact
        events.append(OrderCancelRequestDeclined(
            **envelope(cause, OrderCancelRequestDeclined.type_tag()), seller=order.seller, occurred_at=now,
            order_id=order.order_id, declined_by=None, reason="the order shipped"))
    assert order.fulfillment_channel is not None, "an order with a status was placed, with its channel"
    event = OrderShipped(
        **envelope(cause, OrderShipped.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, package=request.package, package_number=len(packages), status=status,
        fulfillment_channel=order.fulfillment_channel, confirmed_at=now, late=late, latest_ship_date=latest,
    )
    return recorded(order, [*events, event], status=status, lines=lines, packages=packages,
                    late_shipment=order.late_shipment or late, cancel_request=None)


def correct_tracking(
    order: Order | None, *, request: CorrectTracking, request_id: str, now: datetime,
    check_carrier: CarrierCheck | None = None,
) -> tuple[Order, list[Event]]:
    """Fix the carrier or tracking number of a package already confirmed."""
    order = found(order, request.order_id)
    if not 1 <= request.package_number <= len(order.packages):
        raise Refused(f"order has {len(order.packages)} confirmed package(s)", "$.package_number")
    _check_tracking(check_carrier, request.carrier_code, request.tracking_number, request.carrier_name, "$")
    index = request.package_number - 1
    before = order.packages[index]
    after = msgspec.structs.replace(before, carrier_code=request.carrier_code, tracking_number=request.tracking_number,
                                    carrier_name=request.carrier_name)
    if after == before:
        return order, []
    event = OrderTrackingCorrected(
        **envelope(requested(order, request_id), OrderTrackingCorrected.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, package_number=request.package_number, carrier_code=request.carrier_code,
        tracking_number=request.tracking_number, carrier_name=request.carrier_name,
        previous_carrier_code=before.carrier_code, previous_tracking_number=before.tracking_number,
    )
    packages = [*order.packages[:index], after, *order.packages[index + 1 :]]
    return recorded(order, [event], packages=packages)


def _check_tracking(check: CarrierCheck | None, code: str, tracking: str, name: str | None, at: str) -> None:
    if code.strip().lower() == "other" and not (name or "").strip():
        raise Refused("carrier_name is required when carrier_code is Other", f"{at}.carrier_name")
    if check is not None and (refusal := check(code, tracking, name)) is not None:
        field, reason = refusal
        raise Refused(reason, f"{at}.{field}")


def _check_shippable(order: Order, package: PackageDetail, now: datetime) -> None:
    if order.fulfillment_channel is FulfillmentChannel.AFN:
        raise Refused("AFN orders are shipped by the fulfillment network, not confirmed by the seller", "$.order_id")
    if order.status not in SHIPPABLE:
        assert order.status is not None, "found() returns only orders with a status"
        raise Refused(f"order is {order.status.value}; only Unshipped or PartiallyShipped orders ship", "$.order_id")
    ship_day = package.ship_date
    if order.purchased_at is not None and ship_day < order.purchased_at.date():
        raise Refused(f"ship date {ship_day} is before the order date {order.purchased_at.date()}",
                      "$.package.ship_date")
    if ship_day > now.date():
        raise Refused(f"ship date {ship_day} is in the future", "$.package.ship_date")
    remaining = {line.order_item_id: line.quantity_ordered - line.quantity_shipped for line in order.lines}
    asked: Counter[str] = Counter()
    for index, item in enumerate(package.items):
        if item.order_item_id not in remaining:
            raise Refused(f"order has no item {item.order_item_id}", f"$.package.items[{index}].order_item_id")
        asked[item.order_item_id] += item.quantity
        if asked[item.order_item_id] > remaining[item.order_item_id]:
            raise Refused(
                f"item {item.order_item_id}: {asked[item.order_item_id]} to ship but only "
                f"{remaining[item.order_item_id]} unshipped", f"$.package.items[{index}].quantity",
            )
