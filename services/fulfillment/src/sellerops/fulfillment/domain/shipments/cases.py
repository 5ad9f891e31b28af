"""Reconciliation and the discrepancy case: shipped against located per SKU when receiving ends, the claim
window and its reminders, reimbursements matched to the case's lines, the seller's resolution."""

from datetime import datetime
from functools import partial

import msgspec

from sellerops.contracts.inbound import (
    CaseClosed, CaseReimbursed, CaseStatus, ClaimDeadlineApproaching, DiscrepancyCase, DiscrepancyCaseOpened,
    DiscrepancyKind, DiscrepancyLine, ExpectedUnits, ReimbursementIssued, ReimbursementUnmatched, ResolveCase,
)
from sellerops.contracts.market import Money
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, stamp
from sellerops.fulfillment.domain.shipments.model import (
    CLAIM_EXPIRY, CLAIMABLE, ENDED, RECONCILE, REMIND, Decision, Emit, Policy, Shipment, unreimbursed,
)


def discrepancies(items: list[ExpectedUnits], *, damaged_claimable: bool = True) -> list[DiscrepancyLine]:
    """Shipped against located per SKU: fewer is a shortage, more an overage; damaged units are their own line."""
    lines = []
    for u in items:
        located = u.received + u.damaged
        line = partial(DiscrepancyLine, sku=u.sku, expected=u.expected, received=u.received, damaged=u.damaged)
        if located < u.expected:
            lines.append(line(kind=DiscrepancyKind.SHORTAGE, units=u.expected - located))
        elif located > u.expected:
            lines.append(line(kind=DiscrepancyKind.OVERAGE, units=located - u.expected))
        if u.damaged and damaged_claimable:
            lines.append(line(kind=DiscrepancyKind.DAMAGED, units=u.damaged))
    return lines


def reconcile(shipment: Shipment, emit: Emit, policy: Policy) -> Shipment:
    """Receiving ended (closed, or the window passed): open the case if anything differs."""
    if shipment.case is not None:
        return recount_case(shipment, emit, policy)
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


def recount_case(shipment: Shipment, emit: Emit, policy: Policy) -> Shipment:
    """Units located after the case opened: its lines follow the new counts, keeping what was reimbursed."""
    case = shipment.case
    assert case is not None  # only a shipment with a case is recounted
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
    emit = Emit(shipment, Cause(f"deadline/{shipment.seller}/{shipment.shipment_id}/{kind}/{due.isoformat()}"), due)
    case = shipment.case
    if kind == RECONCILE:
        emit.notes.append("reconciliation window passed with receiving open")
        # Recorded as fired: with nothing to claim no case opens, and the window must not stay due.
        shipment = msgspec.structs.replace(shipment, reminded=[*shipment.reminded, RECONCILE])
        return emit.done(reconcile(shipment, emit, policy))
    assert case is not None  # the other deadlines are those of an open case
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
    emit, case = Emit(shipment, Cause.of(fact), fact.occurred_at), shipment.case
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
    emit = Emit(shipment, cause, now)
    case = msgspec.structs.replace(case, status=CaseStatus.RESOLVED)
    emit(CaseClosed, case=case, reason=request.reason)
    return emit.done(msgspec.structs.replace(shipment, case=case))
