"""A-to-z Guarantee claims and chargebacks: filing, the seller's response, the decision, the appeal (pure).

One aggregate per claim id. The marketplace reports a claim and later its decision; the seller responds
within `claim_response_hours` (72 h by default, 48 h in some marketplaces: docs/domain.md, "Returns and A-to-z claims")
and may appeal a seller-funded grant within `appeal_window_days`. A claim left without a response goes
UNDER_REVIEW when its window closes: the marketplace decides alone, and grants such claims against the
seller. A late response is still taken until the decision.

What the claim counts in the Order Defect Rate follows the seller's `defect_outcomes`, captured at filing
so that later decisions need no policy: an open claim counts (while any outcome counts at all), a decided
one counts when its outcome is listed, and a successful appeal stops it counting.

`model` holds the record and its events, `facts` the marketplace's facts (filing, decisions), `requests`
the seller's response and appeal, `deadlines` the deadlines and queries.
"""

from sellerops.returns.domain.claims.deadlines import deadline_passed, deadlines, sort_key, view, work_items
from sellerops.returns.domain.claims.facts import appeal_decided, decided, filed
from sellerops.returns.domain.claims.model import (
    APPEAL_DUE, APPEAL_REMINDER, DECIDED, RESPOND_DUE, RESPOND_REMINDER, Claim, ClaimAppeal, ClaimResponse, Decision,
    St,
)
from sellerops.returns.domain.claims.requests import appeal, appealable, respond

__all__ = [
    "APPEAL_DUE", "APPEAL_REMINDER", "DECIDED", "RESPOND_DUE", "RESPOND_REMINDER", "Claim", "ClaimAppeal",
    "ClaimResponse", "Decision", "St", "appeal", "appeal_decided", "appealable", "deadline_passed", "deadlines",
    "decided", "filed", "respond", "sort_key", "view", "work_items",
]
