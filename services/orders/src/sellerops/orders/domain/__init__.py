"""Orders, pure: state, message and time in; new state and events out. No I/O, no clock reads."""

from sellerops.orders.domain import mcf
from sellerops.orders.domain.cancellation import answer_cancel_request, buyer_cancel_requested, seller_cancel
from sellerops.orders.domain.deadlines import (
    AUTO_CANCEL, AVAILABLE, PAYMENT_EXPIRY, SHIP_BY_AT_RISK, SHIP_BY_MISSED, deadline_passed, deadlines,
)
from sellerops.orders.domain.network import network_shipped, network_unfulfillable
from sellerops.orders.domain.model import SHIPPABLE, Cause, NotFound, Order, Policy, Refused, view
from sellerops.orders.domain.placement import authorize_payment, record_placement
from sellerops.orders.domain.queries import at_risk, page
from sellerops.orders.domain.refunds import refund
from sellerops.orders.domain.shipping import CarrierCheck, confirm_shipment, correct_tracking

__all__ = [
    "AUTO_CANCEL", "AVAILABLE", "PAYMENT_EXPIRY", "SHIPPABLE", "SHIP_BY_AT_RISK", "SHIP_BY_MISSED", "CarrierCheck", "Cause",
    "NotFound", "Order", "Policy", "Refused", "answer_cancel_request", "authorize_payment", "buyer_cancel_requested",
    "confirm_shipment", "correct_tracking", "deadline_passed", "deadlines", "record_placement", "seller_cancel", "view",
    "at_risk", "page", "refund", "mcf", "network_shipped", "network_unfulfillable",
]
