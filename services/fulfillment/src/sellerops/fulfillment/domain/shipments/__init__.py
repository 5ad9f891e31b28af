"""Inbound shipments: their statuses, receiving, reconciliation and the discrepancy case (pure).

Statuses are the v0 ones (docs/domain.md, "FBA inbound"). The seller moves a shipment to READY_TO_SHIP
and SHIPPED, cancels it once sent (CANCELLED) or deletes it before (DELETED); the carrier and the center
report the rest (IN_TRANSIT, DELIVERED, CHECKED_IN, RECEIVING, CLOSED). A report may skip ahead (a
shipment can be reported DELIVERED without IN_TRANSIT), never back: a late report of an earlier status
is noted and ignored.

Receipts come as many partial facts. When the shipment closes, or the reconciliation window after
delivery passes first, shipped is compared with located per SKU: a shortage, an overage or damaged
units open the shipment's discrepancy case with what a claim needs and its claim window (from
`claim_opens_after` to `claim_window` after delivery). Reminders fire before the window closes; a
case still owed units when it closes expires. Reimbursements are matched to the case's lines.

Every decision returns (shipment, events); the ledger movements follow from the events (stock_effects).
`model` holds the record and its events, `lifecycle` the statuses and receipts, `cases` the reconciliation
and the case.
"""

from sellerops.fulfillment.domain.shipments.cases import (
    deadline_passed, deadlines, discrepancies, reimbursed, resolve_case, unmatched,
)
from sellerops.fulfillment.domain.shipments.lifecycle import (
    create_shipment, plan_canceled, receipt_reported, seller_update, status_reported,
)
from sellerops.fulfillment.domain.shipments.model import (
    CLAIM_EXPIRY, ENDED, NOT_SENT, PATH, RECONCILE, REMIND, CarrierCheck, Decision, Policy, Shipment, confirmation_id,
    open_cases, unreimbursed, view,
)

__all__ = [
    "CLAIM_EXPIRY", "ENDED", "NOT_SENT", "PATH", "RECONCILE", "REMIND", "CarrierCheck", "Decision", "Policy",
    "Shipment", "confirmation_id", "create_shipment", "deadline_passed", "deadlines", "discrepancies", "open_cases",
    "plan_canceled", "receipt_reported", "reimbursed", "resolve_case", "seller_update", "status_reported",
    "unmatched", "unreimbursed", "view",
]
