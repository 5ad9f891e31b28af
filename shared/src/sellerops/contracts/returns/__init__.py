"""Returns of seller-fulfilled orders, FBA customer returns, A-to-z Guarantee claims and chargebacks.

Names follow Seller Central's Manage Returns and A-to-z pages (docs/domain.md, "Returns and A-to-z claims"). There is
no SP-API notification for return requests or claims, so the market facts below are what an
integration (a report poller, a flat-file import) publishes.
"""

# Every name the module had before it became a package, so `from sellerops.contracts.returns import X` keeps working.
from sellerops.contracts.inventory import Bucket
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.orders import Address, HistoryEntry, RefundLine, RefundReason, Text
from sellerops.contracts.returns.claims import (
    AppealClaim, ClaimAppealDecided, ClaimAppealResolved, ClaimAppealed, ClaimDeadline,
    ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimDecided, ClaimDecisionReported, ClaimFiled, ClaimKind,
    ClaimList, ClaimOutcome, ClaimReason, ClaimRecorded, ClaimRef, ClaimResponded, ClaimStatus, ClaimView,
    ListClaims, RespondToClaim,
)
from sellerops.contracts.returns.customer_returns import (
    CustomerReturnMissing, CustomerReturnReceived, CustomerReturnReported, DISPOSITION_BUCKET, Disposition,
)
from sellerops.contracts.returns.evidence import BuyerMessageReceived, CaseFile, EvidenceEntry, OrderDelivered
from sellerops.contracts.returns.policy import (
    DEFECT_OUTCOMES, Days, GetReturnPolicy, Hours, ReturnPolicy, ReturnPolicyView, SetReturnPolicy,
)
from sellerops.contracts.returns.seller_returns import (
    AuthorizeReturn, CloseReturn, ClosedBy, CompleteReturn, ListReturns, LongText, MarkReturnReceived,
    RefundRequested, RefundReturn, ReturnClosedByBuyer, ReturnDeadline, ReturnDeadlineApproaching,
    ReturnDeadlineMissed, ReturnItem, ReturnItemDelivered, ReturnLabel, ReturnList, ReturnMethod,
    ReturnRecorded, ReturnRef, ReturnRequested, ReturnStatus, ReturnStatusChanged, ReturnView,
)
from sellerops.contracts.returns.work import OpenWork, WorkItem, WorkList

__all__ = [
    "Address", "AppealClaim", "AuthorizeReturn", "Bucket", "BuyerMessageReceived", "CaseFile",
    "ClaimAppealDecided", "ClaimAppealResolved", "ClaimAppealed", "ClaimDeadline", "ClaimDeadlineApproaching",
    "ClaimDeadlineMissed", "ClaimDecided", "ClaimDecisionReported", "ClaimFiled", "ClaimKind", "ClaimList",
    "ClaimOutcome", "ClaimReason", "ClaimRecorded", "ClaimRef", "ClaimResponded", "ClaimStatus", "ClaimView",
    "CloseReturn", "ClosedBy", "CompleteReturn", "CustomerReturnMissing", "CustomerReturnReceived",
    "CustomerReturnReported", "DEFECT_OUTCOMES", "DISPOSITION_BUCKET", "Days", "Disposition", "EvidenceEntry",
    "GetReturnPolicy", "HistoryEntry", "Hours", "ListClaims", "ListReturns", "LongText", "MarkReturnReceived",
    "Money", "OpenWork", "OrderDelivered", "RefundLine", "RefundReason", "RefundRequested", "RefundReturn",
    "RespondToClaim", "ReturnClosedByBuyer", "ReturnDeadline", "ReturnDeadlineApproaching",
    "ReturnDeadlineMissed", "ReturnItem", "ReturnItemDelivered", "ReturnLabel", "ReturnList", "ReturnMethod",
    "ReturnPolicy", "ReturnPolicyView", "ReturnRecorded", "ReturnRef", "ReturnRequested", "ReturnStatus",
    "ReturnStatusChanged", "ReturnView", "SetReturnPolicy", "Sku", "Text", "WorkItem", "WorkList",
]
