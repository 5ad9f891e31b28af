"""The deadlines still to fire, their firing, the view, its sort order and the seller's work items."""

from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.returns import (
    ClaimDeadline, ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimView, WorkItem,
)
from sellerops.returns.domain.claims.model import (
    APPEAL_DUE, APPEAL_REMINDER, RESPOND_DUE, RESPOND_REMINDER, Claim, Decision, St, _Emit, _money,
)
from sellerops.returns.domain.claims.requests import appealable
from sellerops.runtime.decisions import Cause


def deadlines(claim: Claim) -> list[tuple[str, datetime]]:
    """The response reminder and deadline while a response is due; the appeal's while a grant is appealable."""
    if claim.status is St.AWAITING_RESPONSE:
        due = [(RESPOND_REMINDER, claim.response_reminder_at), (RESPOND_DUE, claim.response_due_at)]
    elif appealable(claim):
        due = [(APPEAL_REMINDER, claim.appeal_reminder_at), (APPEAL_DUE, claim.appeal_due_at)]
    else:
        return []
    return [(kind, when) for kind, when in due if when is not None and kind not in claim.reminded]


def deadline_passed(claim: Claim | None, *, kind: str, due: datetime) -> Decision:
    """A deadline fired (at most once in effect: a deadline no longer in the state changes nothing)."""
    if claim is None or (kind, due) not in deadlines(claim):
        return claim, []
    emit = _Emit(claim, Cause(f"deadline/{claim.seller}/{claim.claim_id}/{kind}/{due.isoformat()}"), due)
    respond_side = kind in (RESPOND_REMINDER, RESPOND_DUE)
    deadline = ClaimDeadline.RESPOND if respond_side else ClaimDeadline.APPEAL
    due_at = claim.response_due_at if respond_side else claim.appeal_due_at
    claim = msgspec.structs.replace(claim, reminded=[*claim.reminded, kind])
    if kind in (RESPOND_REMINDER, APPEAL_REMINDER):
        emit(ClaimDeadlineApproaching, deadline=deadline, due_at=due_at)
        return emit.done(claim)
    emit(ClaimDeadlineMissed, deadline=deadline, due_at=due_at)
    if kind == RESPOND_DUE:
        claim = msgspec.structs.replace(claim, status=St.UNDER_REVIEW)
        emit.notes.append("no response in time: the marketplace decides without the seller (granted against them)")
    return emit.done(claim)


def view(claim: Claim) -> ClaimView:
    """`next_due_at` is the earliest open deadline proper (respond or appeal), not a reminder."""
    dues = [when for kind, when in deadlines(claim) if kind in (RESPOND_DUE, APPEAL_DUE)]
    return ClaimView(claim_id=claim.claim_id, seller=claim.seller, kind=claim.kind, order_id=claim.order_id,
                     reason=claim.reason, amount=claim.amount, status=claim.status, filed_at=claim.filed_at,
                     response_due_at=claim.response_due_at, responded_at=claim.responded_at, outcome=claim.outcome,
                     counts_as_defect=claim.counts_as_defect, appeal_due_at=claim.appeal_due_at,
                     order_known=claim.order_known, next_due_at=min(dues, default=None), history=claim.history,
                     updated_at=claim.updated_at)


def sort_key(view: ClaimView) -> tuple[bool, datetime, str]:
    """Soonest deadline first; claims without one last, oldest first."""
    return (view.next_due_at is None, view.next_due_at or view.filed_at, view.claim_id)


def work_items(claim: Claim, *, now: datetime, horizon: timedelta) -> list[WorkItem]:
    """What the seller should do about the claim, when due within `horizon` of `now` or overdue. A claim whose
    window closed without a response stays on the list: a late response is still read until the decision."""
    what = f"{claim.kind.value} claim on order {claim.order_id} ({claim.reason.value}, {_money(claim.amount)})"
    items = []
    if claim.status is St.AWAITING_RESPONSE or (claim.status is St.UNDER_REVIEW and claim.response is None):
        due = claim.response_due_at
        items.append(WorkItem(kind="respond_to_claim", id=claim.claim_id, order_id=claim.order_id, due_at=due,
                              overdue=now >= due, action=("respond late to the " if now >= due
                                                          else "respond to the ") + what))
    elif appealable(claim):
        assert claim.appeal_due_at is not None, "appealable() checks it"
        due = claim.appeal_due_at
        items.append(WorkItem(kind="appeal_claim", id=claim.claim_id, order_id=claim.order_id, due_at=due,
                              overdue=now >= due, action=f"appeal the seller-funded grant of the {what}, or let it "
                                                         "stand"))
    return [item for item in items if item.due_at <= now + horizon]
