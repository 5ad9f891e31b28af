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
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    CaseClosed, CaseReimbursed, CaseStatus, ClaimDeadlineApproaching, DiscrepancyCase, DiscrepancyCaseOpened,
    DiscrepancyKind, DiscrepancyLine, ExpectedUnits, InboundPlanCanceled, InboundPlanConfirmed,
    InboundReceiptReported, InboundShipmentCreated, InboundShipmentStatusChanged, InboundShipmentStatusReported,
    InboundUnitsReceived, PlacedShipment, ReceiptLine, ReimbursementIssued, ReimbursementUnmatched, ResolveCase,
    ShipFrom, ShipmentStatus, ShipmentView, UpdateShipment,
)
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, stamp
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


class _Emit(Emitter):
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


# ---- creating, the seller's updates, the center's reports ----


def create_shipment(shipment: Shipment | None, *, confirmed: InboundPlanConfirmed,
                    planned: PlacedShipment) -> Decision:
    if shipment is not None:
        return shipment, []
    at = confirmed.occurred_at
    shipment = Shipment(shipment_id=planned.shipment_id, seller=confirmed.seller, plan_id=confirmed.plan_id,
                        center_id=planned.center_id, confirmation_id=confirmation_id(confirmed.seller,
                                                                                     planned.shipment_id),
                        status=St.WORKING, items=[ExpectedUnits(sku=u.sku, expected=u.quantity) for u in planned.items],
                        ship_from=confirmed.ship_from, created_at=at, updated_at=at)
    # One confirmation creates several shipments: each gets its own cause so their event ids differ.
    emit = _Emit(shipment, Cause(f"{confirmed.event_id}/{planned.shipment_id}", confirmed.correlation), at)
    emit(InboundShipmentCreated, plan_id=shipment.plan_id, center_id=shipment.center_id,
         confirmation_id=shipment.confirmation_id, items=shipment.items, ship_from=shipment.ship_from)
    return emit.done(shipment)


def seller_update(shipment: Shipment | None, request: UpdateShipment, *, cause: Cause, now: datetime,
                  check_carrier: CarrierCheck | None = None) -> Decision:
    """READY_TO_SHIP (labels printed), SHIPPED (with carrier and tracking; again to correct them),
    CANCELLED once sent and before delivery, DELETED before it is sent."""
    if shipment is None:
        raise NotFound("inbound shipment not found")
    emit, want, now_at = _Emit(shipment, cause, now), request.status, shipment.status
    if want is St.READY_TO_SHIP:
        if now_at is want:
            return shipment, []
        _require(now_at is St.WORKING, shipment, want)
        return emit.done(emit.status(shipment, want))
    if want is St.SHIPPED:
        return _shipped(shipment, request, emit, check_carrier)
    if want is St.CANCELLED:
        if now_at is want:
            return shipment, []
        _require(now_at in (St.SHIPPED, St.IN_TRANSIT), shipment, want,
                 "only a shipment sent and not yet delivered is cancelled (DELETED before it is sent)")
        return emit.done(emit.status(shipment, want))
    if want is St.DELETED:
        if now_at is want:
            return shipment, []
        _require(now_at in NOT_SENT, shipment, want, "only a shipment not yet sent is deleted (CANCELLED after)")
        return emit.done(emit.status(shipment, want))
    raise Refused(f"the seller sets READY_TO_SHIP, SHIPPED, CANCELLED or DELETED; {want.value} is reported by "
                  "the carrier or the center", "$.status")


def _require(ok: bool, shipment: Shipment, want: ShipmentStatus, why: str = "") -> None:
    if not ok:
        raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become {want.value}"
                      + (f" ({why})" if why else ""), "$.status")


def _shipped(shipment: Shipment, request: UpdateShipment, emit: _Emit, check_carrier: CarrierCheck | None) -> Decision:
    if shipment.status not in (*NOT_SENT, St.SHIPPED, St.IN_TRANSIT):
        raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become SHIPPED", "$.status")
    if request.carrier_code is None:
        raise Refused("a shipped shipment needs its carrier", "$.carrier_code")
    if request.tracking_number is None:
        raise Refused("a shipped shipment needs its tracking number", "$.tracking_number")
    if check_carrier is not None and (refusal := check_carrier(request.carrier_code, request.tracking_number,
                                                               None)) is not None:
        field, reason = refusal
        raise Refused(reason, "$.tracking_number" if "tracking" in field else "$.carrier_code")
    tracking = {"carrier_code": request.carrier_code, "tracking_number": request.tracking_number}
    if shipment.status in NOT_SENT:
        return emit.done(emit.status(shipment, St.SHIPPED, **tracking))
    if shipment.status in (St.SHIPPED, St.IN_TRANSIT):  # updateShipmentTrackingDetails: a correction
        if (shipment.carrier_code, shipment.tracking_number) == (request.carrier_code, request.tracking_number):
            return shipment, []
        updated = msgspec.structs.replace(shipment, **tracking)
        emit(InboundShipmentStatusChanged, previous=shipment.status, status=shipment.status,
             center_id=shipment.center_id, carrier_code=request.carrier_code, tracking_number=request.tracking_number)
        return emit.done(updated)
    raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become SHIPPED", "$.status")


def status_reported(shipment: Shipment | None, *, fact: InboundShipmentStatusReported, policy: Policy) -> Decision:
    """The carrier's or the center's report. Forward moves (skipping is fine) apply; CANCELLED or DELETED
    apply when the shipment could still be; anything else is noted in the history and changes nothing."""
    if shipment is None:
        return None, []
    emit, want, now_at = _Emit(shipment, Cause.of(fact), fact.occurred_at), fact.status, shipment.status
    pod = {"proof_of_delivery": fact.proof_of_delivery or shipment.proof_of_delivery}
    forward = want in PATH and now_at in PATH and PATH.index(want) > PATH.index(now_at)
    if forward or (want is St.CANCELLED and now_at in PATH[:PATH.index(St.DELIVERED)]) or (
            want is St.DELETED and now_at in NOT_SENT):
        shipment = emit.status(shipment, want, **pod)
        if want is St.CLOSED:
            shipment = _reconcile(shipment, emit, policy)
        return emit.done(shipment)
    if fact.proof_of_delivery and fact.proof_of_delivery != shipment.proof_of_delivery:
        shipment = msgspec.structs.replace(shipment, **pod)
        emit.notes.append(f"proof of delivery {fact.proof_of_delivery} recorded")
    if want is not now_at:
        emit.notes.append(f"{want.value} reported while {now_at.value}: ignored")
    return emit.done(shipment)


def receipt_reported(shipment: Shipment | None, *, fact: InboundReceiptReported, policy: Policy) -> Decision:
    """Add a receipt's units (once per receipt id). The first receipt moves the shipment to RECEIVING
    (what is still expected becomes inbound receiving) before its units are counted. A receipt after the
    shipment closed or was cancelled counts as found stock. Any receipt recounts an open case (one opened
    when the reconciliation window passed follows the receipts still coming in), shrinking its shortage."""
    if shipment is None:
        return None, []
    if fact.receipt_id in shipment.receipts:
        return shipment, []
    emit = _Emit(shipment, Cause.of(fact), fact.occurred_at)
    late = shipment.status in ENDED
    if not late and shipment.status is not St.RECEIVING:
        shipment = emit.status(shipment, St.RECEIVING)
    lines = _merged(fact.lines)
    items = _counted(shipment.items, lines)
    shipment = msgspec.structs.replace(shipment, items=items, receipts=[*shipment.receipts, fact.receipt_id])
    emit(InboundUnitsReceived, receipt_id=fact.receipt_id, center_id=shipment.center_id, lines=lines,
         totals=items, after_close=late)
    if shipment.case is not None and shipment.case.status is CaseStatus.OPEN:
        shipment = _recount_case(shipment, emit, policy)
    return emit.done(shipment)


def _merged(lines: list[ReceiptLine]) -> list[ReceiptLine]:
    """One line per SKU (the ledger reads each line against the SKU's running total)."""
    by_sku: dict[str, ReceiptLine] = {}
    for line in lines:
        seen = by_sku.get(line.sku)
        by_sku[line.sku] = line if seen is None else msgspec.structs.replace(
            seen, received=seen.received + line.received, damaged=seen.damaged + line.damaged)
    return list(by_sku.values())


def _counted(items: list[ExpectedUnits], lines: list[ReceiptLine]) -> list[ExpectedUnits]:
    by_sku = {u.sku: u for u in items}
    for line in lines:
        unit = by_sku.get(line.sku) or ExpectedUnits(sku=line.sku, expected=0)
        by_sku[line.sku] = msgspec.structs.replace(unit, received=unit.received + line.received,
                                                   damaged=unit.damaged + line.damaged)
    return list(by_sku.values())


def plan_canceled(shipment: Shipment | None, *, canceled: InboundPlanCanceled) -> Decision:
    """The plan was voided: a shipment not yet sent is deleted; one already sent stays (cancel it on its own)."""
    if shipment is None:
        return None, []
    emit = _Emit(shipment, Cause(f"{canceled.event_id}/{shipment.shipment_id}", canceled.correlation),
                 canceled.occurred_at)
    if shipment.status in NOT_SENT:
        return emit.done(emit.status(shipment, St.DELETED))
    if shipment.status is not St.DELETED:
        emit.notes.append(f"plan canceled while the shipment is {shipment.status.value}: kept")
    return emit.done(shipment)


# ---- reconciliation and the case ----


def discrepancies(items: list[ExpectedUnits], *, damaged_claimable: bool = True) -> list[DiscrepancyLine]:
    """Shipped against located per SKU: fewer is a shortage, more an overage; damaged units are their own line."""
    lines = []
    for u in items:
        located = u.received + u.damaged
        counts = {"expected": u.expected, "received": u.received, "damaged": u.damaged}
        if located < u.expected:
            lines.append(DiscrepancyLine(sku=u.sku, kind=DiscrepancyKind.SHORTAGE, units=u.expected - located,
                                         **counts))
        elif located > u.expected:
            lines.append(DiscrepancyLine(sku=u.sku, kind=DiscrepancyKind.OVERAGE, units=located - u.expected,
                                         **counts))
        if u.damaged and damaged_claimable:
            lines.append(DiscrepancyLine(sku=u.sku, kind=DiscrepancyKind.DAMAGED, units=u.damaged, **counts))
    return lines


def unreimbursed(case: DiscrepancyCase) -> int:
    return sum(max(line.units - line.reimbursed_units, 0) for line in case.lines if line.kind in CLAIMABLE)


def _reconcile(shipment: Shipment, emit: _Emit, policy: Policy) -> Shipment:
    """Receiving ended (closed, or the window passed): open the case if anything differs."""
    if shipment.case is not None:
        return _recount_case(shipment, emit, policy)
    lines = discrepancies(shipment.items, damaged_claimable=policy.damaged_claimable)
    if not lines:
        return shipment
    delivered = shipment.delivered_at or shipment.closed_at or emit.at
    case = DiscrepancyCase(
        case_id=f"{shipment.shipment_id}.case", shipment_id=shipment.shipment_id,
        confirmation_id=shipment.confirmation_id, plan_id=shipment.plan_id, center_id=shipment.center_id,
        lines=lines, shipped_at=shipment.shipped_at, delivered_at=shipment.delivered_at,
        closed_at=shipment.closed_at, opened_at=emit.at, claim_opens_at=delivered + policy.claim_opens_after,
        claim_deadline=delivered + policy.claim_window, carrier_code=shipment.carrier_code,
        tracking_number=shipment.tracking_number, proof_of_delivery=shipment.proof_of_delivery)
    emit(DiscrepancyCaseOpened, case=case)
    if unreimbursed(case) == 0:  # an overage alone: recorded, nothing to claim
        case = msgspec.structs.replace(case, status=CaseStatus.RESOLVED)
        emit(CaseClosed, case=case, reason="overage only: nothing to claim")
    return msgspec.structs.replace(shipment, case=case)


def _recount_case(shipment: Shipment, emit: _Emit, policy: Policy) -> Shipment:
    """Units located after the case opened: its lines follow the new counts, keeping what was reimbursed."""
    case = shipment.case
    paid = {(line.sku, line.kind): line for line in case.lines}
    lines = []
    for line in discrepancies(shipment.items, damaged_claimable=policy.damaged_claimable):
        before = paid.get((line.sku, line.kind))
        lines.append(msgspec.structs.replace(line, reimbursed_units=before.reimbursed_units,
                                             reimbursed_amount=before.reimbursed_amount) if before else line)
    case = msgspec.structs.replace(case, lines=lines, closed_at=shipment.closed_at)
    emit.notes.append(f"case recounted: {unreimbursed(case)} units claimable")
    if case.status is CaseStatus.OPEN and unreimbursed(case) == 0:
        case = msgspec.structs.replace(case, status=CaseStatus.RESOLVED)
        emit(CaseClosed, case=case, reason="every claimed unit was located")
    return msgspec.structs.replace(shipment, case=case)


def deadlines(shipment: Shipment, *, policy: Policy) -> list[tuple[str, datetime]]:
    """The reconciliation window while receiving is open; reminders and the claim deadline of an open case."""
    due = []
    if (shipment.case is None and shipment.delivered_at is not None and shipment.status not in ENDED
            and RECONCILE not in shipment.reminded):
        due.append((RECONCILE, shipment.delivered_at + policy.reconciliation_window))
    case = shipment.case
    if case is not None and case.status is CaseStatus.OPEN and unreimbursed(case) > 0:
        for before in policy.reminders_before:
            kind = f"{REMIND}{before.total_seconds() / 86400:g}d"
            if kind not in shipment.reminded and case.claim_deadline - before > case.opened_at:
                due.append((kind, case.claim_deadline - before))
        due.append((CLAIM_EXPIRY, case.claim_deadline))
    return due


def deadline_passed(shipment: Shipment | None, *, kind: str, due: datetime, policy: Policy) -> Decision:
    """A deadline fired (at most once in effect: a deadline no longer in the state changes nothing)."""
    if shipment is None or (kind, due) not in deadlines(shipment, policy=policy):
        return shipment, []
    emit = _Emit(shipment, Cause(f"deadline/{shipment.seller}/{shipment.shipment_id}/{kind}/{due.isoformat()}"), due)
    case = shipment.case
    if kind == RECONCILE:
        emit.notes.append("reconciliation window passed with receiving open")
        # Recorded as fired: with nothing to claim no case opens, and the window must not stay due.
        shipment = msgspec.structs.replace(shipment, reminded=[*shipment.reminded, RECONCILE])
        return emit.done(_reconcile(shipment, emit, policy))
    if kind == CLAIM_EXPIRY:
        case = msgspec.structs.replace(case, status=CaseStatus.EXPIRED)
        emit(CaseClosed, case=case,
             reason=f"the claim window closed with {unreimbursed(case)} units unreimbursed")
        return emit.done(msgspec.structs.replace(shipment, case=case))
    emit(ClaimDeadlineApproaching, case_id=case.case_id, claim_deadline=case.claim_deadline,
         days_left=round((case.claim_deadline - due).total_seconds() / 86400, 3),
         unreimbursed_units=unreimbursed(case))
    return emit.done(msgspec.structs.replace(shipment, reminded=[*shipment.reminded, kind]))


def reimbursed(shipment: Shipment | None, *, fact: ReimbursementIssued) -> Decision:
    """Match a reimbursement to the case's lines of its SKU (shortage first); the case is REIMBURSED once
    every claimable unit is covered. A SKU the case does not claim is published as unmatched."""
    if shipment is None:
        return None, []
    if shipment.case is None:
        return shipment, [unmatched(fact, f"shipment {shipment.shipment_id} has no discrepancy case")]
    if fact.reimbursement_id in shipment.reimbursements:
        return shipment, []
    emit, case = _Emit(shipment, Cause.of(fact), fact.occurred_at), shipment.case
    units = fact.quantity_cash + fact.quantity_inventory
    targets = [i for kind in CLAIMABLE for i, line in enumerate(case.lines) if line.sku == fact.sku
               and line.kind is kind]
    if not targets:
        emit.events.append(unmatched(fact, f"case {case.case_id} claims nothing for SKU {fact.sku}"))
        return emit.done(shipment)
    lines, left, amount = list(case.lines), units, fact.amount
    for n, index in enumerate(targets):
        line = lines[index]
        take = left if n == len(targets) - 1 else min(left, max(line.units - line.reimbursed_units, 0))
        left -= take
        lines[index] = msgspec.structs.replace(line, reimbursed_units=line.reimbursed_units + take,
                                               reimbursed_amount=_add(line.reimbursed_amount, amount))
        amount = None  # the amount is booked on the first line the reimbursement touches
    case = msgspec.structs.replace(case, lines=lines)
    if case.status is CaseStatus.OPEN and unreimbursed(case) == 0:
        case = msgspec.structs.replace(case, status=CaseStatus.REIMBURSED)
    emit(CaseReimbursed, reimbursement_id=fact.reimbursement_id, sku=fact.sku, units=units, amount=fact.amount,
         case=case)
    return emit.done(msgspec.structs.replace(shipment, case=case,
                                             reimbursements=[*shipment.reimbursements, fact.reimbursement_id]))


def _add(total: Money | None, amount: Money | None) -> Money | None:
    if amount is None:
        return total
    if total is None:
        return amount
    return Money(total.amount + amount.amount, total.currency)


def unmatched(fact: ReimbursementIssued, reason: str) -> ReimbursementUnmatched:
    return ReimbursementUnmatched(**stamp(Cause.of(fact), ReimbursementUnmatched, fact.seller, fact.occurred_at),
                                  reimbursement_id=fact.reimbursement_id, sku=fact.sku,
                                  units=fact.quantity_cash + fact.quantity_inventory, amount=fact.amount,
                                  reason=reason)


def resolve_case(shipment: Shipment | None, request: ResolveCase, *, cause: Cause, now: datetime) -> Decision:
    """The seller closes the case (units found, settled elsewhere); resolving twice changes nothing."""
    if shipment is None:
        raise NotFound("inbound shipment not found")
    case = shipment.case
    if case is None:
        raise Refused(f"shipment {shipment.shipment_id} has no discrepancy case", "$.shipment_id")
    if case.status is CaseStatus.RESOLVED:
        return shipment, []
    if case.status is not CaseStatus.OPEN:
        raise Refused(f"case {case.case_id} is {case.status.value}", "$.shipment_id")
    emit = _Emit(shipment, cause, now)
    case = msgspec.structs.replace(case, status=CaseStatus.RESOLVED)
    emit(CaseClosed, case=case, reason=request.reason)
    return emit.done(msgspec.structs.replace(shipment, case=case))


# ---- queries ----


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
