"""Use cases as short recipes, one module per aggregate: load what the decision needs (the seller's policy, the
order's facts), decide and save in one store call, publish. Queries load or scan, then build a view."""

from sellerops.returns.handlers.claims import (
    appeal_claim, claim_case_file, get_claim, list_claims, on_claim_appeal_decided, on_claim_deadline,
    on_claim_decided, on_claim_filed, respond_to_claim,
)
from sellerops.returns.handlers.common import facts_of, policy_of
from sellerops.returns.handlers.evidence import on_dossier_deadline, on_evidence, on_order_refunded, on_refund_refused
from sellerops.returns.handlers.requests import (
    authorize_return, close_return, complete_return, get_return, list_returns, mark_return_received,
    on_return_closed_by_buyer, on_return_deadline, on_return_delivered, on_return_requested, refund_return,
)
from sellerops.returns.handlers.work import get_return_policy, open_work, set_return_policy

__all__ = [
    "appeal_claim", "authorize_return", "claim_case_file", "close_return", "complete_return", "facts_of",
    "get_claim", "get_return", "get_return_policy", "list_claims", "list_returns", "mark_return_received",
    "on_claim_appeal_decided", "on_claim_deadline", "on_claim_decided", "on_claim_filed", "on_dossier_deadline",
    "on_evidence", "on_order_refunded", "on_refund_refused", "on_return_closed_by_buyer", "on_return_deadline",
    "on_return_delivered", "on_return_requested", "open_work", "policy_of", "refund_return", "respond_to_claim",
    "set_return_policy",
]
