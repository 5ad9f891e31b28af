"""Discrepancy cases: units a shipment came short of, and the reimbursements that settle them."""

from enum import Enum
from typing import ClassVar

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount, Timestamp
from sellerops.contracts.inbound.shipments import _ShipmentEvent
from sellerops.contracts.market import Money, Sku
from sellerops.contracts.schema import SchemaStruct


class DiscrepancyKind(str, Enum):
    SHORTAGE = "SHORTAGE"  # fewer units located than shipped
    OVERAGE = "OVERAGE"  # more units located than shipped
    DAMAGED = "DAMAGED"  # received, but damaged


class DiscrepancyLine(SchemaStruct, frozen=True, kw_only=True):
    sku: Sku
    kind: DiscrepancyKind
    units: PositiveCount
    expected: Count
    received: Count
    damaged: Count
    reimbursed_units: Count = 0
    reimbursed_amount: Money | None = None


class CaseStatus(str, Enum):
    OPEN = "OPEN"
    REIMBURSED = "REIMBURSED"  # every claimable unit reimbursed
    RESOLVED = "RESOLVED"  # closed by the seller (units found, claim accepted elsewhere, ...)
    EXPIRED = "EXPIRED"  # the claim window closed with units still unreimbursed


class DiscrepancyCase(SchemaStruct, frozen=True, kw_only=True):
    """Everything a claim for a receiving discrepancy needs (Seller Central's investigation request)."""

    case_id: Id
    shipment_id: Id
    confirmation_id: str
    plan_id: Id
    center_id: Id
    lines: list[DiscrepancyLine]
    shipped_at: Timestamp | None
    delivered_at: Timestamp | None
    closed_at: Timestamp | None
    opened_at: Timestamp
    claim_opens_at: Timestamp
    claim_deadline: Timestamp
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof_of_delivery: str | None = None
    status: CaseStatus = CaseStatus.OPEN


class DiscrepancyCaseOpened(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_opened.v1"
):
    """Receiving ended (the shipment closed or its reconciliation window passed) with a discrepancy."""

    fact: ClassVar[str] = "case_opened"

    case: DiscrepancyCase


class ClaimDeadlineApproaching(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_claim_deadline_approaching.v1"
):
    fact: ClassVar[str] = "claim_deadline_approaching"

    case_id: Id
    claim_deadline: Timestamp
    days_left: float
    unreimbursed_units: PositiveCount


class CaseReimbursed(
    _ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_reimbursed.v1"
):
    """A reimbursement was matched to the case; `case` shows it after the match (closed when covered)."""

    fact: ClassVar[str] = "case_reimbursed"

    reimbursement_id: Id
    sku: Sku
    units: Count
    amount: Money | None
    case: DiscrepancyCase


class CaseClosed(_ShipmentEvent, frozen=True, kw_only=True, tag="fulfillment.inbound_shipment_case_closed.v1"):
    """A case ended without (full) reimbursement: resolved by the seller, or its claim window expired."""

    fact: ClassVar[str] = "case_closed"

    case: DiscrepancyCase
    reason: str


class ReimbursementUnmatched(
    Event, frozen=True, kw_only=True, tag="fulfillment.reimbursement_unmatched.v1"
):
    """A reimbursement named no open case the service knows: kept for the seller to look at, not dropped."""

    source: ClassVar[str] = "fulfillment"
    entity: ClassVar[str] = "reimbursement"
    fact: ClassVar[str] = "unmatched"
    key_field: ClassVar[str] = "reimbursement_id"

    reimbursement_id: Id
    sku: Sku
    units: Count
    amount: Money | None
    reason: str
