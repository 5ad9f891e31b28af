"""A-to-z Guarantee claims and chargebacks: the market facts, the returns service's events and requests."""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, Timestamp
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry
from sellerops.contracts.returns.seller_returns import LongText
from sellerops.contracts.schema import SchemaStruct


class ClaimKind(str, Enum):
    A_TO_Z = "AtoZ"
    CHARGEBACK = "Chargeback"


class ClaimReason(str, Enum):
    NOT_RECEIVED = "NotReceived"
    NOT_AS_DESCRIBED = "NotAsDescribed"
    RETURN_NOT_REFUNDED = "ReturnNotRefunded"
    DAMAGED = "Damaged"
    UNAUTHORIZED = "Unauthorized"  # chargebacks: the card holder did not authorize the purchase
    OTHER = "Other"


class ClaimOutcome(str, Enum):
    """Labels per a third-party guide (docs/domain.md marks them unconfirmed)."""

    GRANTED_AMAZON_FUNDED = "GrantedAmazonFunded"
    GRANTED_SELLER_FUNDED = "GrantedSellerFunded"
    DENIED = "Denied"
    WITHDRAWN = "Withdrawn"
    CLOSED_REFUNDED = "ClosedRefunded"  # the seller refunded before a decision


class ClaimStatus(str, Enum):
    AWAITING_RESPONSE = "AwaitingResponse"  # the seller's response is due
    UNDER_REVIEW = "UnderReview"  # responded (or the window passed): waiting for the decision
    DECIDED = "Decided"
    APPEALED = "Appealed"
    APPEAL_DECIDED = "AppealDecided"


class _MarketClaimFact(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "claim"
    key_field: ClassVar[str] = "claim_id"

    claim_id: Id


class ClaimFiled(_MarketClaimFact, frozen=True, kw_only=True, tag="market.claim_filed.v1"):
    fact: ClassVar[str] = "filed"

    kind: ClaimKind = ClaimKind.A_TO_Z
    order_id: Id
    reason: ClaimReason
    amount: Money
    buyer_comment: LongText | None = None


class ClaimDecisionReported(_MarketClaimFact, frozen=True, kw_only=True, tag="market.claim_decided.v1"):
    fact: ClassVar[str] = "decided"

    outcome: ClaimOutcome
    amount: Money | None = None  # what was charged or granted, when known
    note: LongText | None = None


class ClaimAppealDecided(_MarketClaimFact, frozen=True, kw_only=True, tag="market.claim_appeal_decided.v1"):
    fact: ClassVar[str] = "appeal_decided"

    upheld: bool  # true: the appeal succeeded (the grant is reversed, the seller is not charged)
    note: LongText | None = None


class _ClaimEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "claim"
    key_field: ClassVar[str] = "claim_id"

    claim_id: Id


class ClaimRecorded(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_recorded.v1"):
    """A claim was recorded with the seller's response deadline. `counts_as_defect` is what the claim
    counts in the Order Defect Rate now (true while it is open, per the seller's outcome rule)."""

    fact: ClassVar[str] = "recorded"

    kind: ClaimKind
    order_id: Id
    reason: ClaimReason
    amount: Money
    filed_at: Timestamp
    response_due_at: Timestamp
    counts_as_defect: bool
    order_known: bool = True  # false: no order event seen for it (accepted and flagged)


class ClaimResponded(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_responded.v1"):
    fact: ClassVar[str] = "responded"

    kind: ClaimKind
    order_id: Id
    message: LongText
    evidence: list[str] = []
    refund_id: str | None = None  # the seller refunded as (part of) the response
    late: bool = False


class ClaimDecided(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_decided.v1"):
    fact: ClassVar[str] = "decided"

    kind: ClaimKind
    order_id: Id
    outcome: ClaimOutcome
    counts_as_defect: bool
    filed_at: Timestamp
    appeal_due_at: Timestamp | None = None  # seller-funded grants can be appealed until then
    amount: Money | None = None


class ClaimAppealed(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_appealed.v1"):
    fact: ClassVar[str] = "appealed"

    kind: ClaimKind
    order_id: Id
    message: LongText
    evidence: list[str] = []


class ClaimAppealResolved(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_appeal_resolved.v1"):
    fact: ClassVar[str] = "appeal_resolved"

    kind: ClaimKind
    order_id: Id
    upheld: bool
    counts_as_defect: bool
    filed_at: Timestamp


class ClaimDeadline(str, Enum):
    RESPOND = "Respond"
    APPEAL = "Appeal"


class ClaimDeadlineApproaching(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_deadline_approaching.v1"):
    fact: ClassVar[str] = "deadline_approaching"

    order_id: Id
    deadline: ClaimDeadline
    due_at: Timestamp


class ClaimDeadlineMissed(_ClaimEvent, frozen=True, kw_only=True, tag="returns.claim_deadline_missed.v1"):
    fact: ClassVar[str] = "deadline_missed"

    order_id: Id
    deadline: ClaimDeadline
    due_at: Timestamp


# ---- requests (req.returns.<seller>.<verb>) ----


class RespondToClaim(SchemaStruct, frozen=True, kw_only=True):
    claim_id: Id
    message: LongText
    evidence: list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]] = []
    refund: Money | None = None  # refund this much as part of the response (the claim then closes refunded)


class AppealClaim(SchemaStruct, frozen=True, kw_only=True):
    claim_id: Id
    message: LongText
    evidence: list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]] = []


class ClaimRef(SchemaStruct, frozen=True, kw_only=True):
    claim_id: Id


class ListClaims(SchemaStruct, frozen=True, kw_only=True):
    open_only: bool = True
    kind: ClaimKind | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class ClaimView(SchemaStruct, frozen=True, kw_only=True):
    claim_id: str
    seller: str
    kind: ClaimKind
    order_id: str
    reason: ClaimReason
    amount: Money
    status: ClaimStatus
    filed_at: datetime
    response_due_at: datetime
    responded_at: datetime | None = None
    outcome: ClaimOutcome | None = None
    counts_as_defect: bool
    appeal_due_at: datetime | None = None
    order_known: bool = True
    next_due_at: datetime | None = None  # the deadline that matters now (respond or appeal), if any
    history: list[HistoryEntry] = []
    updated_at: datetime


class ClaimList(SchemaStruct, frozen=True, kw_only=True):
    """Claims, soonest deadline first (those without one last)."""

    claims: list[ClaimView]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)
