"""Review requests (entity review), and the market fact that forbids one."""

from typing import ClassVar

from sellerops.contracts.envelope import Event, Id, Timestamp


class BuyerOptedOut(Event, frozen=True, kw_only=True, tag="market.order_buyer_opted_out.v1"):
    """The buyer of an order opted out of unsolicited messages (no review request may be sent)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "order"
    fact: ClassVar[str] = "buyer_opted_out"
    key_field: ClassVar[str] = "order_id"

    order_id: Id


# ---- review requests (entity review) ----


class ReviewRequested(Event, frozen=True, kw_only=True, tag="notifications.review_requested.v1"):
    """The review-and-feedback request is due for an order now (an integration sends it through the
    Solicitations API: productReviewAndSellerFeedback)."""

    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "review"
    fact: ClassVar[str] = "requested"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    window_opens_at: Timestamp
    window_closes_at: Timestamp


class ReviewRequestSkipped(Event, frozen=True, kw_only=True, tag="notifications.review_request_skipped.v1"):
    source: ClassVar[str] = "notifications"
    entity: ClassVar[str] = "review"
    fact: ClassVar[str] = "request_skipped"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    reason: str  # refunded, returned, canceled, buyer opted out, window closed, no delivery window
