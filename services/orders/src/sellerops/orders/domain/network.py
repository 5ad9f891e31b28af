"""AFN orders: the fulfillment network ships them; orders follows what it reports."""

from collections import Counter

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import AfnOrderShipped, AfnOrderUnfulfillable
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import OrderShipped, OrderStatus, OrderUnfulfillable, PackageDetail
from sellerops.orders.domain.model import SHIPPABLE, Cause, Order, envelope, recorded


def network_shipped(order: Order | None, shipped: AfnOrderShipped) -> tuple[Order | None, list[Event]]:
    """Record a package the network shipped; quantities beyond what is unshipped are capped, never refused
    (the network's report is a fact, not a request)."""
    if order is None or order.status not in SHIPPABLE or order.fulfillment_channel is not FulfillmentChannel.AFN:
        return order, []
    report = shipped.package
    remaining = Counter({line.order_item_id: line.quantity_ordered - line.quantity_shipped for line in order.lines})
    taken: Counter[str] = Counter()
    for item in report.items:
        taken[item.order_item_id] += min(item.quantity, remaining[item.order_item_id] - taken[item.order_item_id])
    lines = [msgspec.structs.replace(line, quantity_shipped=line.quantity_shipped + taken[line.order_item_id])
             for line in order.lines]
    status = (OrderStatus.SHIPPED if all(line.quantity_shipped >= line.quantity_ordered for line in lines)
              else OrderStatus.PARTIALLY_SHIPPED)
    package = PackageDetail(carrier_code=report.carrier_code, tracking_number=report.tracking_number,
                            ship_date=report.shipped_at.date(), items=report.items)
    packages = [*order.packages, package]
    event = OrderShipped(
        **envelope(Cause(shipped.event_id, shipped.correlation), OrderShipped.type_tag()), seller=order.seller,
        occurred_at=shipped.occurred_at, order_id=order.order_id, package=package, package_number=len(packages),
        status=status, fulfillment_channel=FulfillmentChannel.AFN, confirmed_at=shipped.occurred_at, late=False,
        latest_ship_date=order.ship_window.latest if order.ship_window else None,
    )
    return recorded(order, [event], status=status, lines=lines, packages=packages, cancel_request=None)


def network_unfulfillable(order: Order | None, report: AfnOrderUnfulfillable) -> tuple[Order | None, list[Event]]:
    if order is None or order.status not in (OrderStatus.UNSHIPPED, OrderStatus.PENDING):
        return order, []
    event = OrderUnfulfillable(
        **envelope(Cause(report.event_id, report.correlation), OrderUnfulfillable.type_tag()), seller=order.seller,
        occurred_at=report.occurred_at, order_id=order.order_id, reason=report.reason,
    )
    return recorded(order, [event], status=OrderStatus.UNFULFILLABLE)
