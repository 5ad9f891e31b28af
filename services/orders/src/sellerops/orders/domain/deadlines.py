"""The deadlines an order has, as a function of its state, and what happens when one passes.

Each fires at most once: the scheduler fires what `deadlines()` lists, and acting on a deadline
changes the state so that it is no longer listed (canceled, or remembered in `alerts`).
"""

from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import (
    CanceledBy, OrderBecameAvailable, OrderShipByAtRisk, OrderShipByMissed, OrderStatus,
)
from sellerops.orders.domain.cancellation import canceled
from sellerops.orders.domain.model import SHIPPABLE, Cause, Order, Policy, envelope, recorded
from sellerops.orders.domain.placement import released

PAYMENT_EXPIRY = "payment_expiry"
SHIP_BY_AT_RISK = "ship_by_at_risk"
SHIP_BY_MISSED = "ship_by_missed"
AUTO_CANCEL = "auto_cancel"
AVAILABLE = "available"


def deadlines(order: Order, policy: Policy) -> list[tuple[str, datetime]]:
    """The deadlines an order has open now (the scheduler fires them when event time passes them)."""
    due: list[tuple[str, datetime]] = []
    if order.status is OrderStatus.PENDING_AVAILABILITY and order.ship_window is not None:
        due.append((AVAILABLE, order.ship_window.earliest))  # a pre-order's release date
    if order.status is OrderStatus.PENDING and order.purchased_at is not None:
        due.append((PAYMENT_EXPIRY, order.purchased_at + policy.payment_expiry))
    if (order.status in SHIPPABLE and order.fulfillment_channel is FulfillmentChannel.MFN
            and order.ship_window is not None):
        latest = order.ship_window.latest
        if SHIP_BY_AT_RISK not in order.alerts:
            due.append((SHIP_BY_AT_RISK, latest - policy.ship_by_at_risk_before))
        if SHIP_BY_MISSED not in order.alerts:
            due.append((SHIP_BY_MISSED, latest))
        if order.status is OrderStatus.UNSHIPPED:
            due.append((AUTO_CANCEL, latest + policy.auto_cancel_after))
    return due


def deadline_passed(order: Order | None, *, kind: str, due: datetime,
                    policy: Policy) -> tuple[Order | None, list[Event]]:
    """Act on a deadline event time passed, if the order still has it (otherwise nothing happens)."""
    if order is None or (kind, due) not in deadlines(order, policy):
        return order, []
    cause = Cause(f"deadline/{order.seller}/{order.order_id}/{kind}/{due.isoformat()}")
    if kind == PAYMENT_EXPIRY:
        return canceled(order, cause, due, by=CanceledBy.MARKETPLACE, reason="PaymentNotAuthorized", counts=False)
    if kind == AVAILABLE:
        status = OrderStatus.UNSHIPPED if order.payment_authorized_at is not None else OrderStatus.PENDING
        events: list[Event] = [OrderBecameAvailable(**envelope(cause, OrderBecameAvailable.type_tag()), seller=order.seller,
                                             occurred_at=due, order_id=order.order_id, status=status)]
        if status is OrderStatus.UNSHIPPED:
            events.append(released(msgspec.structs.replace(order, status=status), cause, due))
        return recorded(order, events, status=status)
    if kind == AUTO_CANCEL:  # the marketplace cancels for a missing confirmation: that counts
        return canceled(order, cause, due, by=CanceledBy.MARKETPLACE, reason="ShipConfirmationMissing", counts=True)
    alert = OrderShipByAtRisk if kind == SHIP_BY_AT_RISK else OrderShipByMissed
    assert order.ship_window is not None  # ship-by deadlines are set only for an order with a window
    event = alert(**envelope(cause, alert.type_tag()), seller=order.seller, occurred_at=due, order_id=order.order_id,
                  latest_ship_date=order.ship_window.latest, units_unshipped=order.units_unshipped)
    return recorded(order, [event], alerts=[*order.alerts, kind])
