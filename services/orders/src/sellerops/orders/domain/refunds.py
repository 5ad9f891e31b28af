"""Refunds: per item, full or partial, never more than was paid for the item.

An item's `item_price` is what was paid for the whole line (the Orders API ItemPrice is the price
times the quantity), so it is the most that can be refunded for that item, across all refunds.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.orders import OrderRefunded, OrderStatus, RefundLine, RefundOrder
from sellerops.orders.domain.model import Order, Refused, envelope, found, recorded, requested

UNPAID = (OrderStatus.PENDING, OrderStatus.PENDING_AVAILABILITY)


def refund(order: Order | None, *, request: RefundOrder, request_id: str, now: datetime) -> tuple[Order, list[Event]]:
    order = found(order, request.order_id)
    if order.status in UNPAID:
        raise Refused(f"order is {order.status.value}: nothing has been paid yet", "$.order_id")
    paid = {line.order_item_id: line.item_price for line in order.lines}
    already = {r.order_item_id: r.amount.amount for r in order.refunded}
    asked: dict[str, Decimal] = defaultdict(Decimal)
    for index, line in enumerate(request.lines):
        price = paid.get(line.order_item_id)
        if price is None:
            raise Refused(f"order has no item {line.order_item_id}", f"$.lines[{index}].order_item_id")
        if line.amount.currency != price.currency:
            raise Refused(f"the order was paid in {price.currency}", f"$.lines[{index}].amount.currency")
        if line.amount.amount <= 0:
            raise Refused("a refund amount must be more than zero", f"$.lines[{index}].amount.amount")
        asked[line.order_item_id] += line.amount.amount
        left = price.amount - already.get(line.order_item_id, Decimal(0))
        if asked[line.order_item_id] > left:
            raise Refused(f"item {line.order_item_id}: refunding {asked[line.order_item_id]} {price.currency} is more "
                          f"than the {left} {price.currency} left of the {price.amount} paid",
                          f"$.lines[{index}].amount.amount")
    totals = {item: already.get(item, Decimal(0)) + asked.get(item, Decimal(0)) for item in paid}
    refunded = [RefundLine(item, Money(amount, paid[item].currency)) for item, amount in totals.items() if amount]
    currency = request.lines[0].amount.currency
    event = OrderRefunded(
        **envelope(requested(order, request_id), OrderRefunded.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, refund_id=request_id, lines=request.lines, reason=request.reason,
        total=Money(sum(asked.values(), Decimal(0)), currency),
        fully_refunded=all(totals[item] >= paid[item].amount for item in paid),
    )
    return recorded(order, [event], refunded=refunded)
