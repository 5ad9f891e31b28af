"""What account health counts from: the market facts it needs beyond orders and claims, and the
per-order facts metric plugins count from.
"""

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id
from sellerops.contracts.market import DEFAULT_MARKETPLACE, FulfillmentChannel, MarketplaceId
from sellerops.contracts.returns import ClaimKind
from sellerops.contracts.schema import SchemaStruct


Comment = Annotated[str, msgspec.Meta(max_length=4000)]


# ---- market facts ----


class FeedbackReceived(Event, frozen=True, kw_only=True, tag="market.feedback_received.v1"):
    """A buyer left seller feedback on an order (1-5 stars; 1-2 is negative). One per order: a later one
    replaces it (GET_SELLER_FEEDBACK_DATA)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "feedback"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Comment | None = None
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE


class FeedbackRemoved(Event, frozen=True, kw_only=True, tag="market.feedback_removed.v1"):
    """The feedback on an order was removed (by the buyer, or by Amazon): it no longer counts."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "feedback"
    fact: ClassVar[str] = "removed"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    reason: Comment | None = None


class OrderPackageScanned(Event, frozen=True, kw_only=True, tag="market.order_package_scanned.v1"):
    """A carrier scanned a package of an order: its tracking number is valid (the Valid Tracking Rate)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "package_scanned"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    tracking_number: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    carrier_code: str | None = None
    scan: Annotated[str, msgspec.Meta(max_length=64)] | None = None  # the carrier's event, e.g. "In transit"


class PolicyWarningReported(Event, frozen=True, kw_only=True, tag="market.policy_warning_reported.v1"):
    """The marketplace reported a policy warning (the report's warningStates / listing-violation metrics)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "policy_warning"
    fact: ClassVar[str] = "reported"
    key_field: ClassVar[str] = "warning_id"

    warning_id: Id
    warning_type: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]  # e.g. listingPolicyViolations
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE
    detail: Comment | None = None


class PolicyWarningResolved(Event, frozen=True, kw_only=True, tag="market.policy_warning_resolved.v1"):
    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "policy_warning"
    fact: ClassVar[str] = "resolved"
    key_field: ClassVar[str] = "warning_id"

    warning_id: Id
    marketplace_id: MarketplaceId = DEFAULT_MARKETPLACE


# ---- what metric plugins count from ----


class PackageFacts(SchemaStruct, frozen=True, kw_only=True):
    number: int
    tracking_number: str
    carrier_code: str
    confirmed_at: datetime
    scanned_at: datetime | None = None  # first carrier scan seen: the tracking is valid
    delivered_at: datetime | None = None


class ClaimFacts(SchemaStruct, frozen=True, kw_only=True):
    claim_id: str
    kind: ClaimKind
    counts_as_defect: bool
    filed_at: datetime


class FeedbackFacts(SchemaStruct, frozen=True, kw_only=True):
    rating: int
    at: datetime
    comment: str | None = None
    removed_at: datetime | None = None


class MessageFacts(SchemaStruct, frozen=True, kw_only=True):
    """A buyer message about the order and what became of its reply clock (the notifications service's
    buyer_message events)."""

    message_id: str
    received_at: datetime
    reply_due_at: datetime
    replied_at: datetime | None = None
    response_seconds: int | None = None  # from receipt to the reply
    within_deadline: bool | None = None  # the reply came by the seller's reply deadline
    no_response_needed: bool = False  # marked so by the seller: it leaves the contact-response metric
    missed: bool = False  # the deadline passed with no reply (it may still come, late)


class OrderFacts(SchemaStruct, frozen=True, kw_only=True):
    """Everything the health service has seen about one order, as metric plugins read it."""

    order_id: str
    seller: str
    marketplace_id: str = DEFAULT_MARKETPLACE
    channel: FulfillmentChannel | None = None
    purchased_at: datetime | None = None  # the order date; None until the order itself is seen
    latest_ship_date: datetime | None = None
    latest_delivery_date: datetime | None = None  # the promised delivery date
    shipped_at: datetime | None = None  # first package confirmed
    late_shipment: bool = False  # confirmed after the latest ship date, or the date passed unconfirmed
    canceled_at: datetime | None = None
    canceled_by: str | None = None
    cancel_counts: bool = False  # seller-faulted: enters the cancel rate
    packages: list[PackageFacts] = []
    claims: list[ClaimFacts] = []
    feedback: FeedbackFacts | None = None
    messages: list[MessageFacts] = []  # by message id

    def negative_feedback(self) -> bool:
        return self.feedback is not None and self.feedback.removed_at is None and self.feedback.rating <= 2

    def claims_counting(self, kind: ClaimKind) -> list[ClaimFacts]:
        return [c for c in self.claims if c.kind is kind and c.counts_as_defect]
