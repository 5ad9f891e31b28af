"""An inbound shipment as stored, its statuses and deadline kinds, the events of one decision (Emit), and
what the questions about it return."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    CaseClosed, CaseReimbursed, CaseStatus, ClaimDeadlineApproaching, DiscrepancyCase, DiscrepancyCaseOpened,
    DiscrepancyKind, ExpectedUnits, InboundShipmentStatusChanged, InboundUnitsReceived, ShipFrom, ShipmentStatus,
    ShipmentView,
)
from sellerops.contracts.orders import HistoryEntry
from sellerops.fulfillment.domain.common import Cause
from sellerops.runtime.decisions import Emitter

St = ShipmentStatus
# (carrier, tracking number, ship method) -> (the field refused, why), or None when they pass
CarrierCheck = Callable[[str, str, str | None], tuple[str, str] | None]
# The forward path; a report may skip ahead along it.
PATH = (St.WORKING, St.READY_TO_SHIP, St.SHIPPED, St.IN_TRANSIT, St.DELIVERED, St.CHECKED_IN, St.RECEIVING,
        St.CLOSED)
NOT_SENT = (St.WORKING, St.READY_TO_SHIP)
ENDED = (St.CLOSED, St.CANCELLED, St.DELETED)
CLAIMABLE = (DiscrepancyKind.SHORTAGE, DiscrepancyKind.DAMAGED)
RECONCILE = "reconcile"
CLAIM_EXPIRY = "claim_expiry"
REMIND = "remind_"  # + days before the claim deadline


class Policy(NamedTuple):
    reconciliation_window: timedelta = timedelta(days=30)
    claim_opens_after: timedelta = timedelta(days=15)
    claim_window: timedelta = timedelta(days=60)
    reminders_before: tuple[timedelta, ...] = (timedelta(days=14), timedelta(days=3))
    damaged_claimable: bool = True  # units the center received damaged are claimed too


class Shipment(msgspec.Struct, frozen=True, kw_only=True):
    shipment_id: str
    seller: str
    plan_id: str
    center_id: str
    confirmation_id: str
    status: ShipmentStatus
    items: list[ExpectedUnits]
    ship_from: ShipFrom
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof_of_delivery: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    closed_at: datetime | None = None
    receipts: list[str] = []  # receipt ids counted
    reimbursements: list[str] = []  # reimbursement ids matched
    reminded: list[str] = []  # deadline kinds fired once: reminders, the reconciliation window
    case: DiscrepancyCase | None = None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry] = []


Decision = tuple[Shipment | None, list[Event]]


class Emit(Emitter):
    """The events of one shipment decision (see Emitter), and its status changes."""

    def __init__(self, shipment: Shipment, cause: Cause, at: datetime) -> None:
        super().__init__(shipment.seller, cause, at, summary=_summary, shipment_id=shipment.shipment_id)

    def status(self, shipment: Shipment, status: ShipmentStatus, **changes: object) -> Shipment:
        """Move to `status`, emitting the change with the units it moves in the ledger."""
        after = msgspec.structs.replace(shipment, status=status, **changes)
        after = _stamped(after, status, self.at)
        self(InboundShipmentStatusChanged, previous=shipment.status, status=status, center_id=shipment.center_id,
             carrier_code=after.carrier_code, tracking_number=after.tracking_number,
             proof_of_delivery=after.proof_of_delivery, items=shipment.items)
        return after


def _summary(event: Event) -> str:
    if isinstance(event, InboundShipmentStatusChanged):
        return f"status={event.status.value}" + (f" tracking={event.tracking_number}" if event.tracking_number else "")
    if isinstance(event, InboundUnitsReceived):
        return f"receipt={event.receipt_id} " + " ".join(f"{x.sku}+{x.received}/{x.damaged}d" for x in event.lines)
    if isinstance(event, (DiscrepancyCaseOpened, CaseClosed, CaseReimbursed)):
        return f"case={event.case.status.value} claimable={unreimbursed(event.case)}"
    if isinstance(event, ClaimDeadlineApproaching):
        return f"claim deadline {event.claim_deadline.isoformat()} ({event.unreimbursed_units} units)"
    return ""


def _stamped(shipment: Shipment, status: ShipmentStatus, at: datetime) -> Shipment:
    """Record when the shipment was first seen sent, delivered and closed (a skipped status counts as passed)."""
    rank = PATH.index(status) if status in PATH else -1
    changes = {}
    if rank >= PATH.index(St.SHIPPED) and shipment.shipped_at is None:
        changes["shipped_at"] = at
    if rank >= PATH.index(St.DELIVERED) and shipment.delivered_at is None:
        changes["delivered_at"] = at
    if status is St.CLOSED and shipment.closed_at is None:
        changes["closed_at"] = at
    return msgspec.structs.replace(shipment, **changes) if changes else shipment


def confirmation_id(seller: str, shipment_id: str) -> str:
    """The FBA... id printed on labels (shipmentConfirmationId): stable for the seller and shipment."""
    digest = int.from_bytes(hashlib.sha256(f"{seller}/{shipment_id}".encode()).digest()[:8], "big")
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code = ""
    for _ in range(9):
        digest, r = divmod(digest, 36)
        code += chars[r]
    return "FBA" + code


def unreimbursed(case: DiscrepancyCase) -> int:
    return sum(max(line.units - line.reimbursed_units, 0) for line in case.lines if line.kind in CLAIMABLE)


def view(shipment: Shipment) -> ShipmentView:
    return ShipmentView(shipment_id=shipment.shipment_id, seller=shipment.seller, plan_id=shipment.plan_id,
                        center_id=shipment.center_id, confirmation_id=shipment.confirmation_id,
                        status=shipment.status, items=shipment.items, carrier_code=shipment.carrier_code,
                        tracking_number=shipment.tracking_number, proof_of_delivery=shipment.proof_of_delivery,
                        shipped_at=shipment.shipped_at, delivered_at=shipment.delivered_at,
                        closed_at=shipment.closed_at, case=shipment.case, history=shipment.history,
                        updated_at=shipment.updated_at)


def open_cases(shipments: list[Shipment], status: CaseStatus | None) -> list[DiscrepancyCase]:
    """Cases with `status` (all when None), soonest claim deadline first."""
    found = [s.case for s in shipments if s.case is not None and (status is None or s.case.status is status)]
    return sorted(found, key=lambda c: (c.claim_deadline, c.case_id))
