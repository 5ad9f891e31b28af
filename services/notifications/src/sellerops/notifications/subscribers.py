"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.fulfillment import AfnOrderUnfulfillable, McfOrderStatusChanged
from sellerops.contracts.health import (
    AccountStatusChanged, AccountStatusReported, FeedbackReceived, MetricBreached, MetricBreachForecast, MetricRecovered,
)
from sellerops.contracts.inbound import ClaimDeadlineApproaching as InboundClaimDeadlineApproaching
from sellerops.contracts.inbound import DiscrepancyCaseOpened, ReimbursementUnmatched
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyDueSoon,
    BuyerMessageReplyMissed, BuyerOptedOut, DeliveryFailed, DeliveryList, DeliverySucceeded, DeliveryView,
    EndpointCircuitClosed, EndpointCircuitOpened, EndpointRef, EndpointSecret, GetPreferences, ListDeliveries,
    ListMessages,
    MarkNoResponseNeeded, MessageList, MessageView, NotificationRaised, PreferencesView, Redeliver, ReplyToMessage,
    ReviewRequested, ReviewRequestSkipped, SetPreferences,
)
from sellerops.contracts.orders import (
    OrderCanceled, OrderCancelRequested, OrderRecorded, OrderRefunded, OrderRefundRefused, OrderShipByAtRisk,
    OrderShipByMissed,
)
from sellerops.contracts.returns import (
    BuyerMessageReceived, ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimDecided, ClaimRecorded,
    CustomerReturnMissing, CustomerReturnReceived, OrderDelivered, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnRecorded,
)
from sellerops.contracts.inventory import InventoryCountDiffered
from sellerops.notifications import handlers as h
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Routes

ORDERS = ConsumerSpec(durable="notifications-orders-order", source="orders", entity="order")
RETURNS = ConsumerSpec(durable="notifications-returns-return", source="returns", entity="return")
CLAIMS = ConsumerSpec(durable="notifications-returns-claim", source="returns", entity="claim")
CUSTOMER_RETURNS = ConsumerSpec(durable="notifications-returns-customer-return", source="returns",
                                entity="customer_return")
HEALTH_METRICS = ConsumerSpec(durable="notifications-health-metric", source="health", entity="metric")
HEALTH_ACCOUNT = ConsumerSpec(durable="notifications-health-account", source="health", entity="account")
INBOUND = ConsumerSpec(durable="notifications-fulfillment-inbound-shipment", source="fulfillment",
                       entity="inbound_shipment")
REIMBURSEMENTS = ConsumerSpec(durable="notifications-fulfillment-reimbursement", source="fulfillment",
                              entity="reimbursement")
FULFILLMENT_ORDERS = ConsumerSpec(durable="notifications-fulfillment-order", source="fulfillment", entity="order")
FULFILLMENT_MCF = ConsumerSpec(durable="notifications-fulfillment-mcf-order", source="fulfillment",
                              entity="mcf_order")
INVENTORY_COUNTS = ConsumerSpec(durable="notifications-fulfillment-inventory-count", source="fulfillment",
                                entity="inventory_count")
MARKET_MESSAGES = ConsumerSpec(durable="notifications-market-buyer-message", source="market", entity="buyer_message")
MARKET_FEEDBACK = ConsumerSpec(durable="notifications-market-feedback", source="market", entity="feedback")
MARKET_ORDERS = ConsumerSpec(durable="notifications-market-order", source="market", entity="order")
MARKET_ACCOUNT = ConsumerSpec(durable="notifications-market-account", source="market", entity="account")
OWN_MESSAGES = ConsumerSpec(durable="notifications-own-buyer-message", source="notifications", entity="buyer_message")
OWN_REVIEWS = ConsumerSpec(durable="notifications-own-review", source="notifications", entity="review")
OWN_ENDPOINTS = ConsumerSpec(durable="notifications-own-endpoint", source="notifications", entity="endpoint")
CONSUMERS = (ORDERS, RETURNS, CLAIMS, CUSTOMER_RETURNS, HEALTH_METRICS, HEALTH_ACCOUNT, INBOUND, REIMBURSEMENTS,
             FULFILLMENT_ORDERS, FULFILLMENT_MCF, INVENTORY_COUNTS, MARKET_MESSAGES, MARKET_FEEDBACK, MARKET_ORDERS, MARKET_ACCOUNT,
             OWN_MESSAGES, OWN_REVIEWS, OWN_ENDPOINTS)

N = h.on_event  # a notification, when the catalog says so
R = h.on_order_fact  # the order's review-request state, and a notification when the catalog says so
ROUTES: Routes = {
    ORDERS: {OrderShipByAtRisk: N, OrderShipByMissed: N, OrderCancelRequested: N, OrderRefundRefused: N,
             OrderCanceled: R, OrderRecorded: R, OrderRefunded: R},
    RETURNS: {ReturnRecorded: R, ReturnDeadlineApproaching: N, ReturnDeadlineMissed: N},
    CLAIMS: {ClaimRecorded: N, ClaimDeadlineApproaching: N, ClaimDeadlineMissed: N, ClaimDecided: N},
    CUSTOMER_RETURNS: {CustomerReturnMissing: N, CustomerReturnReceived: R},
    HEALTH_METRICS: {MetricBreached: N, MetricRecovered: N, MetricBreachForecast: N},
    HEALTH_ACCOUNT: {AccountStatusChanged: N},
    INBOUND: {DiscrepancyCaseOpened: N, InboundClaimDeadlineApproaching: N},
    REIMBURSEMENTS: {ReimbursementUnmatched: N},
    FULFILLMENT_ORDERS: {AfnOrderUnfulfillable: N},
    FULFILLMENT_MCF: {McfOrderStatusChanged: N},
    INVENTORY_COUNTS: {InventoryCountDiffered: N},
    MARKET_MESSAGES: {BuyerMessageReceived: h.on_buyer_message},
    MARKET_FEEDBACK: {FeedbackReceived: N},
    MARKET_ORDERS: {OrderDelivered: R, BuyerOptedOut: R},
    MARKET_ACCOUNT: {AccountStatusReported: N},
    OWN_MESSAGES: {BuyerMessageAwaitingReply: N, BuyerMessageReplyDueSoon: N, BuyerMessageReplyMissed: N},
    OWN_REVIEWS: {ReviewRequested: N, ReviewRequestSkipped: N},
    OWN_ENDPOINTS: {EndpointCircuitOpened: N},
}
ENDPOINTS = (
    EndpointSpec("set_preferences", SetPreferences, PreferencesView, h.set_preferences,
                 "the seller's endpoints, routes per kind, quiet hours and digest (replaces the earlier ones)"),
    EndpointSpec("get_preferences", GetPreferences, PreferencesView, h.get_preferences,
                 "the seller's preferences, endpoint secrets masked"),
    EndpointSpec("get_endpoint_secret", EndpointRef, EndpointSecret, h.get_endpoint_secret,
                 "one endpoint's signing secret, unmasked (operators only)", operator_only=True),
    EndpointSpec("list_deliveries", ListDeliveries, DeliveryList, h.list_deliveries,
                 "deliveries with every attempt, newest first"),
    EndpointSpec("redeliver", Redeliver, DeliveryView, h.redeliver, "send a delivery again (same delivery id)"),
    EndpointSpec("reply_to_message", ReplyToMessage, MessageView, h.reply_to_message,
                 "the seller replied to a buyer message: its reply clock stops"),
    EndpointSpec("mark_no_response_needed", MarkNoResponseNeeded, MessageView, h.mark_no_response_needed,
                 "a buyer message needs no response: its clock stops and it leaves the response metric"),
    EndpointSpec("list_messages", ListMessages, MessageList, h.list_messages,
                 "buyer messages and their reply deadlines, soonest first"),
)
PUBLISHES = (NotificationRaised, DeliverySucceeded, DeliveryFailed, EndpointCircuitOpened, EndpointCircuitClosed,
             BuyerMessageAwaitingReply, BuyerMessageReplied, BuyerMessageNoResponseNeeded, BuyerMessageReplyDueSoon,
             BuyerMessageReplyMissed, ReviewRequested, ReviewRequestSkipped)

