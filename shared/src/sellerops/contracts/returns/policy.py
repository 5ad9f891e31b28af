"""The seller's return and claim rules."""

from datetime import datetime
from typing import Annotated

import msgspec

from sellerops.contracts.orders import Address
from sellerops.contracts.returns.claims import ClaimOutcome
from sellerops.contracts.schema import SchemaStruct


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
