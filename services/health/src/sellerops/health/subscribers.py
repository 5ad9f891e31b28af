"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.health import (
    AccountHealth, AccountStatusChanged, AccountStatusReported, FeedbackReceived, FeedbackRemoved, GetAccountHealth, ListMetrics,
    MetricBreached, MetricBreachForecast, MetricCatalog, MetricRecovered, OrderHealthRef, OrderHealthView,
    OrderPackageScanned, PolicyWarningReported, PolicyWarningResolved, SetMetricSettings,
)
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyMissed,
)
from sellerops.contracts.orders import (
    OrderCanceled, OrderRecorded, OrderShipByMissed, OrderShipped, OrderTrackingCorrected,
)
from sellerops.contracts.returns import ClaimAppealResolved, ClaimDecided, ClaimRecorded, OrderDelivered
from sellerops.health import handlers as h
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Routes

ORDERS = ConsumerSpec(durable="health-orders-order", source="orders", entity="order")
CLAIMS = ConsumerSpec(durable="health-returns-claim", source="returns", entity="claim")
MARKET_ORDERS = ConsumerSpec(durable="health-market-order", source="market", entity="order")
MARKET_FEEDBACK = ConsumerSpec(durable="health-market-feedback", source="market", entity="feedback")
MARKET_WARNINGS = ConsumerSpec(durable="health-market-policy-warning", source="market", entity="policy_warning")
MARKET_ACCOUNT = ConsumerSpec(durable="health-market-account", source="market", entity="account")
MESSAGES = ConsumerSpec(durable="health-notifications-buyer-message", source="notifications", entity="buyer_message")
CONSUMERS = (ORDERS, CLAIMS, MARKET_ORDERS, MARKET_FEEDBACK, MARKET_WARNINGS, MARKET_ACCOUNT, MESSAGES)

FACT = h.on_order_fact
ROUTES: Routes = {
    ORDERS: {OrderRecorded: FACT, OrderShipped: FACT, OrderShipByMissed: FACT, OrderCanceled: FACT,
             OrderTrackingCorrected: FACT},
    CLAIMS: {ClaimRecorded: FACT, ClaimDecided: FACT, ClaimAppealResolved: FACT},
    MARKET_ORDERS: {OrderDelivered: FACT, OrderPackageScanned: FACT},
    MARKET_FEEDBACK: {FeedbackReceived: FACT, FeedbackRemoved: FACT},
    MARKET_WARNINGS: {PolicyWarningReported: h.on_warning, PolicyWarningResolved: h.on_warning},
    MARKET_ACCOUNT: {AccountStatusReported: h.on_account_status},
    MESSAGES: {BuyerMessageAwaitingReply: FACT, BuyerMessageReplied: FACT, BuyerMessageNoResponseNeeded: FACT,
               BuyerMessageReplyMissed: FACT},  # reply-due-soon reminders are not facts the metric needs
}
ENDPOINTS = (
    EndpointSpec("get_account_health", GetAccountHealth, AccountHealth, h.get_account_health,
                 "the seller's account health in a marketplace, now or as of a past time (from history)"),
    EndpointSpec("list_metrics", ListMetrics, MetricCatalog, h.list_metrics,
                 "the installed metrics with the windows and targets in force for the seller"),
    EndpointSpec("set_metric_settings", SetMetricSettings, MetricCatalog, h.set_metric_settings,
                 "override metric windows and targets for the seller in a marketplace"),
    EndpointSpec("get_order_health", OrderHealthRef, OrderHealthView, h.get_order_health,
                 "what the service knows of one order and the counters it adds to"),
)
PUBLISHES = (MetricBreached, MetricRecovered, MetricBreachForecast, AccountStatusChanged)

