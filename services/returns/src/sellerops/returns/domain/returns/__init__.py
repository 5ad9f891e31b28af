"""Seller-fulfilled return requests: authorization, the item coming back, refunds and deadlines (pure).

Statuses are Seller Central's Manage Returns ones (docs/domain.md, "Returns and A-to-z claims"). A request the
seller's rules cover is authorized at once (prepaid label, generated RMA); any other waits in
PENDING_AUTHORIZATION, due within `authorization_due_hours`. The item coming back makes the refund due
within `refund_due_business_days` (PENDING_REFUND). A refund is asked of the orders service
(RefundRequested) and counts once it confirms (OrderRefunded with the same refund_id): in full the
return completes, partly the seller may complete it. Seller, buyer or system (no action for
`auto_close_days`, no update for `partial_refund_close_days` after a partial refund) close it.

Due times are computed with the policy at each transition and kept in the state, so `deadlines` and
`work_items` need no policy. Every decision returns (return, events).

`model` holds the record, its events and the RMA; `requests` the request, the seller's answer and the
item coming back; `refunds` the refunds asked of the orders service; `deadlines` the deadlines and queries.
"""

from sellerops.returns.domain.returns.deadlines import deadline_passed, deadlines, view, work_items
from sellerops.returns.domain.returns.model import (
    AUTHORIZE_DUE, AUTHORIZE_REMINDER, AUTO_CLOSE, COUNTRY, FINISHED, KIND_DEADLINE, OPEN, REFUND_DUE, REFUND_REMINDER,
    RS, ZERO_DECIMAL, Decision, Return, rma_of,
)
from sellerops.returns.domain.returns.refunds import complete, refund, refund_refused, refunded
from sellerops.returns.domain.returns.requests import authorize, close, closed_by_buyer, item_received, requested

__all__ = [
    "AUTHORIZE_DUE", "AUTHORIZE_REMINDER", "AUTO_CLOSE", "COUNTRY", "FINISHED", "KIND_DEADLINE", "OPEN", "REFUND_DUE",
    "REFUND_REMINDER", "RS", "ZERO_DECIMAL", "Decision", "Return", "authorize", "close", "closed_by_buyer", "complete",
    "deadline_passed", "deadlines", "item_received", "refund", "refund_refused", "refunded", "requested", "rma_of",
    "view", "work_items",
]
