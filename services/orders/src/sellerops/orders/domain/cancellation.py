"""Cancellations: by the buyer (at once inside the window, else on the seller's approval), by the
seller with a reason code, by the marketplace. Each says who canceled and whether it counts against
the seller's Pre-fulfillment Cancel Rate (buyer-requested cancellations do not)."""

from datetime import datetime, timedelta

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import OrderBuyerCancelRequested
from sellerops.contracts.orders import (
    AnswerCancelRequest, CanceledBy, CancelOrder, OrderCanceled, OrderCancelRequestDeclined,
    OrderCancelRequested, OrderStatus, SellerCancelReason,
)
from sellerops.orders.domain.model import OPEN, Cause, Order, Policy, Refused, envelope, found, recorded, requested


def canceled(order: Order, cause: Cause, now: datetime, *, by: CanceledBy, reason: str,
             counts: bool) -> tuple[Order, list[Event]]:
    assert order.status is not None, "only an order with a status is canceled"
    event = OrderCanceled(
        **envelope(cause, OrderCanceled.type_tag()), seller=order.seller, occurred_at=now, order_id=order.order_id,
        reason=reason, canceled_by=by, counts_against_seller=counts, previous_status=order.status,
        fulfillment_channel=order.fulfillment_channel,
    )
    return recorded(order, [event], status=OrderStatus.CANCELED, canceled_by=by, cancel_reason=reason,
                    cancel_request=None)


def buyer_cancel_requested(order: Order | None, request: OrderBuyerCancelRequested, *,
                           policy: Policy) -> tuple[Order | None, list[Event]]:
    if order is None or order.status is None or order.status is OrderStatus.CANCELED:
        return order, []
    cause = Cause(request.event_id, request.correlation)
    now = request.occurred_at
    if order.status not in OPEN:
        declined = OrderCancelRequestDeclined(
            **envelope(cause, OrderCancelRequestDeclined.type_tag()), seller=order.seller, occurred_at=now,
            order_id=order.order_id, declined_by=None, reason=f"the order is already {order.status.value}",
        )
        return recorded(order, [declined])
    if _canceled_for_the_buyer_now(order, request, policy):
        return canceled(order, cause, now, by=CanceledBy.BUYER, reason=request.reason, counts=False)
    event = OrderCancelRequested(**envelope(cause, OrderCancelRequested.type_tag()), seller=order.seller,
                                 occurred_at=now, order_id=order.order_id, reason=request.reason, requested_at=now)
    return recorded(order, [event], cancel_request=request.reason)


def _canceled_for_the_buyer_now(order: Order, request: OrderBuyerCancelRequested, policy: Policy) -> bool:
    """The marketplace's own status decides when it came with the request: Canceled = done for the buyer,
    anything else = the order is still open there and waits for the seller's answer. Without it, a request
    within `buyer_cancel_window` after the purchase (never before it) cancels at once."""
    if request.order_status is not None:
        return request.order_status == "Canceled"
    if order.purchased_at is None:
        return False
    return timedelta(0) <= request.occurred_at - order.purchased_at <= policy.buyer_cancel_window


def seller_cancel(order: Order | None, *, request: CancelOrder, request_id: str,
                  now: datetime) -> tuple[Order, list[Event]]:
    order = found(order, request.order_id)
    _check_cancelable(order)
    answers_buyer = request.reason is SellerCancelReason.BUYER_CANCELED and order.cancel_request is not None
    return canceled(order, requested(order, request_id), now, by=CanceledBy.BUYER if answers_buyer else CanceledBy.SELLER,
                    reason=request.reason.value, counts=not answers_buyer)


def answer_cancel_request(order: Order | None, *, request: AnswerCancelRequest, request_id: str,
                          now: datetime) -> tuple[Order, list[Event]]:
    order = found(order, request.order_id)
    if order.cancel_request is None:
        raise Refused("no buyer cancellation request is waiting for this order", "$.order_id")
    if request.approve:
        _check_cancelable(order)
        return canceled(order, requested(order, request_id), now, by=CanceledBy.BUYER, reason=order.cancel_request, counts=False)
    event = OrderCancelRequestDeclined(
        **envelope(requested(order, request_id), OrderCancelRequestDeclined.type_tag()), seller=order.seller, occurred_at=now,
        order_id=order.order_id, declined_by=CanceledBy.SELLER, reason="declined by the seller",
    )
    return recorded(order, [event], cancel_request=None)


def _check_cancelable(order: Order) -> None:
    if order.status is OrderStatus.CANCELED:
        raise Refused("order is already canceled", "$.order_id")
    if order.status not in OPEN:
        assert order.status is not None, "found() returns only orders with a status"
        raise Refused(f"order is {order.status.value}: a shipped order is refunded, not canceled", "$.order_id")
