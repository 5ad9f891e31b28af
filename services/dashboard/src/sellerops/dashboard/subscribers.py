"""Glue: which facts reach which handler, what the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document. The dashboard only listens: it answers
web pages, not requests, and publishes nothing.
"""

from functools import partial

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
from sellerops.dashboard import handlers as h
from sellerops.dashboard.domain.parts import CLAIM, MESSAGE, ORDER, RETURN
from sellerops.runtime.host import ConsumerSpec, Routes

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

# One handler for the work facts of each kind, told which part of a seller's row it updates.
ON_ORDER_WORK, ON_CLAIM_WORK, ON_RETURN_WORK, ON_MESSAGE_WORK = (partial(h.on_work_fact, part=part)
                                                                for part in (ORDER, CLAIM, RETURN, MESSAGE))
ROUTES: Routes = {
    METRICS: {MetricBreached: h.on_red_flag, MetricRecovered: h.on_red_flag, MetricBreachForecast: h.on_red_flag},
    ACCOUNTS: {AccountStatusChanged: h.on_account_status},
    ORDERS: dict.fromkeys((OrderRecorded, OrderReleased, OrderShipped, OrderCanceled, OrderShipByMissed),
                          ON_ORDER_WORK),
    CLAIMS: dict.fromkeys((ClaimRecorded, ClaimResponded, ClaimDecided, ClaimAppealed, ClaimAppealResolved,
                           ClaimDeadlineMissed), ON_CLAIM_WORK),
    RETURNS: dict.fromkeys((ReturnRecorded, ReturnStatusChanged, ReturnDeadlineApproaching, ReturnDeadlineMissed),
                           ON_RETURN_WORK),
    MESSAGES: dict.fromkeys((BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageNoResponseNeeded,
                             BuyerMessageReplyMissed), ON_MESSAGE_WORK),
    MARKET_FEEDBACK: {FeedbackReceived: h.on_health_input, FeedbackRemoved: h.on_health_input},
    MARKET_ORDERS: {OrderDelivered: h.on_health_input, OrderPackageScanned: h.on_health_input},
}
ENDPOINTS = ()
PUBLISHES = ()

