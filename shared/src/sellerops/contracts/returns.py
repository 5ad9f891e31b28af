"""Returns of seller-fulfilled orders, FBA customer returns, A-to-z Guarantee claims and chargebacks.

Names follow Seller Central's Manage Returns and A-to-z pages (docs/domain.md, "Returns and A-to-z claims"). There is
no SP-API notification for return requests or claims, so the market facts below are what an
integration (a report poller, a flat-file import) publishes.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount, Timestamp
from sellerops.contracts.inventory import Bucket
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.orders import Address, HistoryEntry, RefundLine, RefundReason, Text
from sellerops.contracts.schema import SchemaStruct

LongText = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


# ---- seller-fulfilled return requests ----


class ReturnStatus(str, Enum):
    PENDING_AUTHORIZATION = "PendingAuthorization"
    AUTHORIZED = "Authorized"  # RMA issued, label or address sent; waiting for the item
    PENDING_REFUND = "PendingRefund"  # the item came back: refund due
    COMPLETED = "Completed"
    CLOSED = "Closed"


class ClosedBy(str, Enum):
    SELLER = "Seller"
    BUYER = "Buyer"
    SYSTEM = "System"  # auto-closed after the no-action window


class ReturnMethod(str, Enum):
    PREPAID_LABEL = "PrepaidLabel"  # Amazon's prepaid return label (US pro sellers by default)
    SELLER_ADDRESS = "SellerAddress"  # the buyer ships to the seller's return address


class ReturnItem(SchemaStruct, frozen=True, kw_only=True):
    order_item_id: Id
    sku: Sku
    quantity: PositiveCount
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # e.g. DEFECTIVE, NO_LONGER_NEEDED


class ReturnLabel(SchemaStruct, frozen=True, kw_only=True):
    method: ReturnMethod
    carrier_code: str | None = None
    tracking_number: str | None = None
    address: Address | None = None


class ReturnRequested(Event, frozen=True, kw_only=True, tag="market.return_requested.v1"):
    """A buyer asked to return items of a seller-fulfilled order."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "return"
    fact: ClassVar[str] = "requested"
    key_field: ClassVar[str] = "return_id"

    return_id: Id
    order_id: Id
    items: Annotated[list[ReturnItem], msgspec.Meta(min_length=1)]
    buyer_comment: LongText | None = None


class _MarketReturnFact(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "return"
    key_field: ClassVar[str] = "return_id"

    return_id: Id


class ReturnItemDelivered(_MarketReturnFact, frozen=True, kw_only=True, tag="market.return_item_delivered.v1"):
    """The return label's tracking shows the item delivered back to the seller."""

    fact: ClassVar[str] = "item_delivered"

    tracking_number: str | None = None


class ReturnClosedByBuyer(_MarketReturnFact, frozen=True, kw_only=True, tag="market.return_closed_by_buyer.v1"):
    fact: ClassVar[str] = "closed_by_buyer"


class _ReturnEvent(Event, frozen=True, kw_only=True):
    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "return"
    key_field: ClassVar[str] = "return_id"

    return_id: Id


class ReturnRecorded(_ReturnEvent, frozen=True, kw_only=True, tag="returns.return_recorded.v1"):
    """A return request was recorded; `in_policy` says whether the seller's rules authorize it themselves."""

    fact: ClassVar[str] = "recorded"

    order_id: Id
    items: list[ReturnItem]
    status: ReturnStatus
    in_policy: bool
    policy_notes: list[str] = []  # why it is out of policy (window passed, reason not auto-authorized, ...)
    order_known: bool = True  # false: no order event seen for it (flagged, not dropped)


class ReturnStatusChanged(_ReturnEvent, frozen=True, kw_only=True, tag="returns.return_status_changed.v1"):
    fact: ClassVar[str] = "status_changed"

    order_id: Id
    previous: ReturnStatus
    status: ReturnStatus
    rma: str | None = None
    label: ReturnLabel | None = None
    closed_by: ClosedBy | None = None
    reason: str | None = None  # why it was closed or completed (sent to the buyer when the seller closes)
    automatic: bool = False  # done by the seller's rules, not by a person


class ReturnDeadline(str, Enum):
    AUTHORIZE = "Authorize"  # manual authorization due (24 h)
    REFUND = "Refund"  # refund due after the item came back (2 business days)
    AUTO_CLOSE = "AutoClose"  # no action for 50 days


class ReturnDeadlineApproaching(
    _ReturnEvent, frozen=True, kw_only=True, tag="returns.return_deadline_approaching.v1"
):
    fact: ClassVar[str] = "deadline_approaching"

    order_id: Id
    deadline: ReturnDeadline
    due_at: Timestamp


class ReturnDeadlineMissed(_ReturnEvent, frozen=True, kw_only=True, tag="returns.return_deadline_missed.v1"):
    """An alert: the seller did not act in time (Amazon may act and charge the seller)."""

    fact: ClassVar[str] = "deadline_missed"

    order_id: Id
    deadline: ReturnDeadline
    due_at: Timestamp


class RefundRequested(Event, frozen=True, kw_only=True, tag="returns.refund_requested.v1"):
    """returns asks the orders service to refund (the one record of money returned is orders'
    OrderRefunded, with `refund_id`; a refusal comes back as OrderRefundRefused)."""

    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "refund"
    fact: ClassVar[str] = "requested"
    key_field: ClassVar[str] = "refund_id"

    refund_id: Id
    order_id: Id
    lines: Annotated[list[RefundLine], msgspec.Meta(min_length=1)]
    reason: RefundReason
    return_id: Id | None = None
    claim_id: Id | None = None


# ---- FBA customer returns ----


class Disposition(str, Enum):
    """The FBA customer returns report's detailed disposition of a returned unit."""

    SELLABLE = "SELLABLE"
    DEFECTIVE = "DEFECTIVE"
    CUSTOMER_DAMAGED = "CUSTOMER_DAMAGED"
    CARRIER_DAMAGED = "CARRIER_DAMAGED"
    FULFILLER_DAMAGED = "FULFILLER_DAMAGED"  # DAMAGED in the report: damaged by the fulfillment center


DISPOSITION_BUCKET = {
    Disposition.SELLABLE: Bucket.FULFILLABLE,
    Disposition.DEFECTIVE: Bucket.UNFULFILLABLE_DEFECTIVE,
    Disposition.CUSTOMER_DAMAGED: Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED,
    Disposition.CARRIER_DAMAGED: Bucket.UNFULFILLABLE_CARRIER_DAMAGED,
    Disposition.FULFILLER_DAMAGED: Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED,
}


class CustomerReturnReported(Event, frozen=True, kw_only=True, tag="market.customer_return_reported.v1"):
    """A line of the FBA customer returns report (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "reported"
    key_field: ClassVar[str] = "return_id"

    return_id: Id  # the license plate number (LPN) of the returned unit(s)
    order_id: Id
    sku: Sku
    center_id: Id
    quantity: PositiveCount
    disposition: Disposition
    reason: str | None = None
    order_item_id: Id | None = None


class CustomerReturnReceived(Event, frozen=True, kw_only=True, tag="returns.customer_return_received.v1"):
    """An FBA return was received at a center; the fulfillment service puts its units in `bucket`."""

    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "return_id"

    return_id: Id
    order_id: Id
    sku: Sku
    center_id: Id
    quantity: PositiveCount
    disposition: Disposition
    bucket: Bucket
    reason: str | None = None


class CustomerReturnMissing(Event, frozen=True, kw_only=True, tag="returns.customer_return_missing.v1"):
    """An FBA order was refunded and its item did not come back within the window: a reimbursement
    candidate, claimable until `claim_deadline`."""

    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "missing"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    refund_id: str
    refunded_at: Timestamp
    amount: Money
    skus: list[Sku] = []
    units_expected: Count = 0
    units_returned: Count = 0
    claim_deadline: Timestamp


# ---- A-to-z Guarantee claims and chargebacks ----


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


# ---- evidence the market reports about an order ----


class OrderDelivered(Event, frozen=True, kw_only=True, tag="market.order_delivered.v1"):
    """The carrier's tracking shows the order's package delivered."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "delivered"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof: str | None = None  # signature, photo-on-delivery reference


class BuyerMessageReceived(Event, frozen=True, kw_only=True, tag="market.buyer_message_received.v1"):
    """A buyer wrote to the seller through Buyer-Seller Messaging about an order."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "buyer_message"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "message_id"

    message_id: Id
    order_id: Id
    title: Text | None = None  # the message's subject line (`subject` is the event's NATS subject)
    body: LongText


# ---- requests (req.returns.<seller>.<verb>) ----


class AuthorizeReturn(SchemaStruct, frozen=True, kw_only=True):
    return_id: Id
    method: ReturnMethod = ReturnMethod.PREPAID_LABEL
    rma: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None  # a custom RMA; else generated
    address: Address | None = None  # required for SellerAddress (unless the seller's policy has one)


class CloseReturn(SchemaStruct, frozen=True, kw_only=True):
    return_id: Id
    reason: Text  # sent to the buyer


class MarkReturnReceived(SchemaStruct, frozen=True, kw_only=True):
    return_id: Id


class RefundReturn(SchemaStruct, frozen=True, kw_only=True):
    """Refund a return: in full by default, partly with `lines`; `keep_item` refunds without a return."""

    return_id: Id
    lines: list[RefundLine] | None = None
    keep_item: bool = False
    reason: RefundReason = RefundReason.CUSTOMER_RETURN
    request_id: Id | None = None


class CompleteReturn(SchemaStruct, frozen=True, kw_only=True):
    """Complete after a partial refund (in lieu of the return, a buyer cancel, a duplicate)."""

    return_id: Id
    reason: Text


class ReturnRef(SchemaStruct, frozen=True, kw_only=True):
    return_id: Id


class ListReturns(SchemaStruct, frozen=True, kw_only=True):
    status: ReturnStatus | None = None
    order_id: Id | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000
    cursor: str | None = None  # the `next_cursor` of the previous page


class ReturnView(SchemaStruct, frozen=True, kw_only=True):
    return_id: str
    seller: str
    order_id: str
    status: ReturnStatus
    items: list[ReturnItem]
    in_policy: bool
    policy_notes: list[str] = []
    order_known: bool = True
    rma: str | None = None
    label: ReturnLabel | None = None
    requested_at: datetime
    authorized_at: datetime | None = None
    received_at: datetime | None = None
    closed_by: ClosedBy | None = None
    refunds: list[str] = []  # refund ids asked for
    refunded: Money | None = None  # confirmed by the orders service
    due: list[tuple[str, datetime]] = []  # open deadlines: (kind, when)
    history: list[HistoryEntry] = []
    updated_at: datetime


class ReturnList(SchemaStruct, frozen=True, kw_only=True):
    returns: list[ReturnView]
    next_cursor: str | None = None  # more items: pass it as `cursor` (pages stop at `limit` or the payload limit)


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


class EvidenceEntry(SchemaStruct, frozen=True, kw_only=True):
    at: datetime
    kind: str  # order, shipment, tracking_corrected, delivery, buyer_message, refund, return, claim, ...
    summary: str
    event_id: str
    detail: dict[str, object] = {}


class CaseFile(SchemaStruct, frozen=True, kw_only=True):
    """Everything seen about a claim's order, for the seller to read or send as evidence."""

    claim: ClaimView
    order_known: bool
    order: dict[str, object] | None = None  # purchase date, channel, lines and prices
    shipments: list[dict[str, object]] = []  # packages: carrier, tracking, ship date, items, late
    delivery: dict[str, object] | None = None
    buyer_messages: list[dict[str, object]] = []
    refunds: list[dict[str, object]] = []
    returns: list[ReturnView] = []
    timeline: list[EvidenceEntry] = []
    gaps: list[str] = []  # evidence a reviewer will ask for that was not seen (no tracking, no delivery scan)
    generated_at: datetime


class OpenWork(SchemaStruct, frozen=True, kw_only=True):
    as_of: datetime
    horizon_hours: float = 24.0


class WorkItem(SchemaStruct, frozen=True, kw_only=True):
    kind: str  # authorize_return, refund_return, respond_to_claim, appeal_claim, auto_close
    id: str  # the return or claim id
    order_id: str
    due_at: datetime
    overdue: bool
    action: str  # what to do, in words


class WorkList(SchemaStruct, frozen=True, kw_only=True):
    items: list[WorkItem]


# ---- the seller's rules ----

DEFECT_OUTCOMES = [ClaimOutcome.GRANTED_AMAZON_FUNDED, ClaimOutcome.GRANTED_SELLER_FUNDED,
                   ClaimOutcome.CLOSED_REFUNDED]
Hours = Annotated[float, msgspec.Meta(gt=0, le=24 * 365)]
Days = Annotated[float, msgspec.Meta(gt=0, le=3650)]


class ReturnPolicy(SchemaStruct, frozen=True, kw_only=True):
    """A seller's return and claim rules; every field has the default docs/domain.md gives."""

    return_window_days: Days = 30.0  # requests within this long of delivery (or purchase) are in policy
    auto_authorize: bool = True  # authorize in-policy returns without a person
    auto_authorize_reasons: list[str] | None = None  # None: every reason is in policy
    authorization_due_hours: Hours = 24.0  # manual authorization due
    reminder_before_hours: Hours = 4.0  # remind this long before a return deadline
    auto_close_days: Days = 50.0  # closed after this long without action
    partial_refund_close_days: Days = 30.0  # closed this long after a partial refund with no update
    refund_due_business_days: Annotated[int, msgspec.Meta(ge=1, le=30)] = 2  # after the item came back
    return_address: Address | None = None
    claim_response_hours: Hours = 72.0  # 48 in some marketplaces (docs/domain.md: configurable)
    claim_reminder_before_hours: Hours = 24.0
    appeal_window_days: Days = 30.0  # after a seller-funded grant
    defect_outcomes: list[ClaimOutcome] = msgspec.field(default_factory=lambda: list(DEFECT_OUTCOMES))  # count as defects
    fba_return_wait_days: Days = 60.0  # an FBA refund whose item is not back by then is a reimbursement candidate
    fba_claim_window_days: Days = 120.0  # ... claimable until this long after the refund


class SetReturnPolicy(SchemaStruct, frozen=True, kw_only=True):
    policy: ReturnPolicy


class GetReturnPolicy(SchemaStruct, frozen=True, kw_only=True):
    pass


class ReturnPolicyView(SchemaStruct, frozen=True, kw_only=True):
    seller: str
    policy: ReturnPolicy
    custom: bool  # false: the deployment's defaults
    updated_at: datetime | None = None
