"""Glue: which facts reach which handler, what the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document. The dashboard only listens: it answers
web pages, not requests, and publishes nothing.
"""

from sellerops.contracts.health import (
    AccountStatusChanged, FeedbackReceived, FeedbackRemoved, MetricBreached, MetricBreachForecast, MetricRecovered,
    OrderPackageScanned,
)
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyMissed,
)
from sellerops.contracts.orders import OrderCanceled, OrderRecorded, OrderReleased, OrderShipByMissed, OrderShipped
from sellerops.contracts.returns import (
    ClaimAppealed, ClaimAppealResolved, ClaimDeadlineMissed, ClaimDecided, ClaimRecorded, ClaimResponded,
    OrderDelivered, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnRecorded, ReturnStatusChanged,
)
from sellerops.runtime.host import ConsumerSpec, Wiring, wire_routes

METRICS = ConsumerSpec(durable="dashboard-health-metric", source="health", entity="metric")
ACCOUNTS = ConsumerSpec(durable="dashboard-health-account", source="health", entity="account")
ORDERS = ConsumerSpec(durable="dashboard-orders-order", source="orders", entity="order")
CLAIMS = ConsumerSpec(durable="dashboard-returns-claim", source="returns", entity="claim")
RETURNS = ConsumerSpec(durable="dashboard-returns-return", source="returns", entity="return")
MESSAGES = ConsumerSpec(durable="dashboard-notifications-buyer-message", source="notifications",
                        entity="buyer_message")
MARKET_FEEDBACK = ConsumerSpec(durable="dashboard-market-feedback", source="market", entity="feedback")
MARKET_ORDERS = ConsumerSpec(durable="dashboard-market-order", source="market", entity="order")
CONSUMERS = (METRICS, ACCOUNTS, ORDERS, CLAIMS, RETURNS, MESSAGES, MARKET_FEEDBACK, MARKET_ORDERS)

ROUTES = {
    METRICS: {MetricBreached: "on_red_flag", MetricRecovered: "on_red_flag", MetricBreachForecast: "on_red_flag"},
    ACCOUNTS: {AccountStatusChanged: "on_account_status"},
    ORDERS: dict.fromkeys((OrderRecorded, OrderReleased, OrderShipped, OrderCanceled, OrderShipByMissed),
                          "on_order_work"),
    CLAIMS: dict.fromkeys((ClaimRecorded, ClaimResponded, ClaimDecided, ClaimAppealed, ClaimAppealResolved,
                           ClaimDeadlineMissed), "on_claim_work"),
    RETURNS: dict.fromkeys((ReturnRecorded, ReturnStatusChanged, ReturnDeadlineApproaching, ReturnDeadlineMissed),
                           "on_return_work"),
    MESSAGES: dict.fromkeys((BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageNoResponseNeeded,
                             BuyerMessageReplyMissed), "on_message_work"),
    MARKET_FEEDBACK: {FeedbackReceived: "on_health_input", FeedbackRemoved: "on_health_input"},
    MARKET_ORDERS: {OrderDelivered: "on_health_input", OrderPackageScanned: "on_health_input"},
}
ENDPOINTS = ()
PUBLISHES = ()


def wiring(h, background: list | None = None) -> Wiring:  # noqa: ANN001
    wired = wire_routes(ROUTES, ENDPOINTS, h)
    wired.background = list(background or [])
    return wired
