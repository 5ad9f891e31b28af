"""Return requests of seller-fulfilled orders: the market facts, the returns service's events and
requests (req.returns.<seller>.<verb>) about one return.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, ClassVar

import msgspec

from sellerops.contracts.envelope import Event, Id, PositiveCount, Timestamp
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
