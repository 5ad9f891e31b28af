"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.orders import (
    OrderCanceled, OrderPackageUpdated, OrderRecorded, OrderRefunded, OrderRefundRefused, OrderReleased,
    OrderShipped, OrderTrackingCorrected,
)
from sellerops.contracts.returns import (
    AppealClaim, AuthorizeReturn, BuyerMessageReceived, CaseFile, ClaimAppealDecided, ClaimAppealed,
    ClaimAppealResolved, ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimDecided, ClaimDecisionReported,
    ClaimFiled, ClaimList, ClaimRecorded, ClaimRef, ClaimResponded, ClaimView, CloseReturn, CompleteReturn,
    CustomerReturnMissing, CustomerReturnReceived, CustomerReturnReported, GetReturnPolicy, ListClaims, ListReturns,
    MarkReturnReceived, OpenWork, OrderDelivered, RefundRequested, RefundReturn, RespondToClaim, ReturnClosedByBuyer,
    ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnItemDelivered, ReturnList, ReturnPolicyView, ReturnRecorded,
    ReturnRef, ReturnRequested, ReturnStatusChanged, ReturnView, SetReturnPolicy, WorkList,
)
from sellerops.returns import handlers as h
from sellerops.runtime.host import ConsumerSpec, EndpointSpec, Routes

MARKET_RETURNS = ConsumerSpec(durable="returns-market-return", source="market", entity="return")
MARKET_CLAIMS = ConsumerSpec(durable="returns-market-claim", source="market", entity="claim")
MARKET_ORDERS = ConsumerSpec(durable="returns-market-order", source="market", entity="order")
MARKET_MESSAGES = ConsumerSpec(durable="returns-market-buyer-message", source="market", entity="buyer_message")
MARKET_CUSTOMER_RETURNS = ConsumerSpec(durable="returns-market-customer-return", source="market",
                                       entity="customer_return")
ORDERS = ConsumerSpec(durable="returns-orders-order", source="orders", entity="order")
# Its own recorded returns and claims, so each order's dossier lists them (for refunds and case files).
OWN_RETURNS = ConsumerSpec(durable="returns-own-return", source="returns", entity="return")
OWN_CLAIMS = ConsumerSpec(durable="returns-own-claim", source="returns", entity="claim")
CONSUMERS = (MARKET_RETURNS, MARKET_CLAIMS, MARKET_ORDERS, MARKET_MESSAGES, MARKET_CUSTOMER_RETURNS, ORDERS,
             OWN_RETURNS, OWN_CLAIMS)

EVIDENCE = h.on_evidence
ROUTES: Routes = {
    MARKET_RETURNS: {ReturnRequested: h.on_return_requested, ReturnItemDelivered: h.on_return_delivered,
                     ReturnClosedByBuyer: h.on_return_closed_by_buyer},
    MARKET_CLAIMS: {ClaimFiled: h.on_claim_filed, ClaimDecisionReported: h.on_claim_decided,
                    ClaimAppealDecided: h.on_claim_appeal_decided},
    MARKET_ORDERS: {OrderDelivered: EVIDENCE},
    MARKET_MESSAGES: {BuyerMessageReceived: EVIDENCE},
    MARKET_CUSTOMER_RETURNS: {CustomerReturnReported: EVIDENCE},
    ORDERS: {OrderRecorded: EVIDENCE, OrderReleased: EVIDENCE, OrderShipped: EVIDENCE,
             OrderTrackingCorrected: EVIDENCE, OrderPackageUpdated: EVIDENCE, OrderCanceled: EVIDENCE,
             OrderRefunded: h.on_order_refunded, OrderRefundRefused: h.on_refund_refused},
    OWN_RETURNS: {ReturnRecorded: EVIDENCE},
    OWN_CLAIMS: {ClaimRecorded: EVIDENCE},
}
ENDPOINTS = (
    EndpointSpec("authorize_return", AuthorizeReturn, ReturnView, h.authorize_return,
                 "authorize a return: RMA, prepaid label or the seller's address"),
    EndpointSpec("close_return", CloseReturn, ReturnView, h.close_return,
                 "close a return, with the reason sent to the buyer"),
    EndpointSpec("mark_return_received", MarkReturnReceived, ReturnView, h.mark_return_received,
                 "the item came back: the refund is due within the policy's business days"),
    EndpointSpec("refund_return", RefundReturn, ReturnView, h.refund_return,
                 "refund in full or in part, or without a return (keep the item), through the orders service"),
    EndpointSpec("complete_return", CompleteReturn, ReturnView, h.complete_return,
                 "complete a return after a partial refund"),
    EndpointSpec("get_return", ReturnRef, ReturnView, h.get_return, "a return with its deadlines and history"),
    EndpointSpec("list_returns", ListReturns, ReturnList, h.list_returns, "returns by status or order, newest first"),
    EndpointSpec("respond_to_claim", RespondToClaim, ClaimView, h.respond_to_claim,
                 "respond to a claim with a message, evidence and optionally a refund"),
    EndpointSpec("appeal_claim", AppealClaim, ClaimView, h.appeal_claim, "appeal a seller-funded grant"),
    EndpointSpec("get_claim", ClaimRef, ClaimView, h.get_claim, "a claim with its deadlines"),
    EndpointSpec("list_claims", ListClaims, ClaimList, h.list_claims, "claims, soonest deadline first"),
    EndpointSpec("claim_case_file", ClaimRef, CaseFile, h.claim_case_file,
                 "everything seen about a claim's order, as one document"),
    EndpointSpec("open_work", OpenWork, WorkList, h.open_work, "what needs the seller's action, soonest first"),
    EndpointSpec("set_return_policy", SetReturnPolicy, ReturnPolicyView, h.set_return_policy,
                 "the seller's own return and claim rules"),
    EndpointSpec("get_return_policy", GetReturnPolicy, ReturnPolicyView, h.get_return_policy,
                 "the rules in force for the seller"),
)
PUBLISHES = (
    ReturnRecorded, ReturnStatusChanged, ReturnDeadlineApproaching, ReturnDeadlineMissed, RefundRequested,
    CustomerReturnReceived, CustomerReturnMissing, ClaimRecorded, ClaimResponded, ClaimDecided, ClaimAppealed,
    ClaimAppealResolved, ClaimDeadlineApproaching, ClaimDeadlineMissed,
)

