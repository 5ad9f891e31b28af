"""A-to-z Guarantee claims and chargebacks: filing, the seller's response, the decision, the appeal (pure).

One aggregate per claim id. The marketplace reports a claim and later its decision; the seller responds
within `claim_response_hours` (72 h by default, 48 h in some marketplaces: docs/domain.md, "Returns and A-to-z claims")
and may appeal a seller-funded grant within `appeal_window_days`. A claim left without a response goes
UNDER_REVIEW when its window closes: the marketplace decides alone, and grants such claims against the
seller. A late response is still taken until the decision.

What the claim counts in the Order Defect Rate follows the seller's `defect_outcomes`, captured at filing
so that later decisions need no policy: an open claim counts (while any outcome counts at all), a decided
one counts when its outcome is listed, and a successful appeal stops it counting.
"""

from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry
from sellerops.contracts.returns import (
    AppealClaim, ClaimAppealDecided, ClaimAppealed, ClaimAppealResolved, ClaimDeadline, ClaimDeadlineApproaching,
    ClaimDeadlineMissed, ClaimDecided, ClaimDecisionReported, ClaimFiled, ClaimKind, ClaimOutcome, ClaimReason,
    ClaimRecorded, ClaimResponded, ClaimStatus, ClaimView, RespondToClaim, ReturnPolicy, WorkItem,
)
from sellerops.runtime.decisions import Cause, Emitter, NotFound, Refused

St = ClaimStatus
RESPOND_REMINDER, RESPOND_DUE = "respond_reminder", "respond_due"
APPEAL_REMINDER, APPEAL_DUE = "appeal_reminder", "appeal_due"
DECIDED = (St.DECIDED, St.APPEALED, St.APPEAL_DECIDED)


class ClaimResponse(msgspec.Struct, frozen=True, kw_only=True):
    message: str
    evidence: list[str] = []
    refund: Money | None = None
    refund_id: str | None = None
    late: bool = False


class ClaimAppeal(msgspec.Struct, frozen=True, kw_only=True):
    message: str
    evidence: list[str] = []
    at: datetime


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    claim_id: str
    seller: str
    kind: ClaimKind
    order_id: str
    reason: ClaimReason
    amount: Money
    buyer_comment: str | None = None
    status: ClaimStatus
    filed_at: datetime
    response_due_at: datetime
    response_reminder_at: datetime | None = None
    responded_at: datetime | None = None
    response: ClaimResponse | None = None
    outcome: ClaimOutcome | None = None
    charged: Money | None = None  # what the decision charged or granted, when reported
    decided_at: datetime | None = None
    appeal_due_at: datetime | None = None
    appeal_reminder_at: datetime | None = None
    appeal: ClaimAppeal | None = None
    appeal_upheld: bool | None = None
    counts_as_defect: bool
    order_known: bool = True
    reminded: list[str] = []  # deadline kinds already fired
    defect_outcomes: list[ClaimOutcome]  # the seller's rule when the claim was filed
    appeal_window: timedelta
    reminder_before: timedelta
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[Claim | None, list[Event]]


class _Emit(Emitter):
    """The events of one claim decision (see Emitter)."""

    def __init__(self, claim: Claim, cause: Cause, at: datetime) -> None:
        super().__init__(claim.seller, cause, at, summary=_summary, claim_id=claim.claim_id, order_id=claim.order_id)


def _money(m: Money | None) -> str:
    return f"{m.amount} {m.currency}" if m is not None else "-"


def _summary(event: Event) -> str:
    if isinstance(event, ClaimRecorded):
        return f"{event.reason.value} {_money(event.amount)}; respond by {event.response_due_at.isoformat()}"
    if isinstance(event, ClaimResponded):
        return ("late " if event.late else "") + "response" + (f" with refund {event.refund_id}"
                                                              if event.refund_id else "")
    if isinstance(event, ClaimDecided):
        return f"{event.outcome.value}; counts as defect: {event.counts_as_defect}"
    if isinstance(event, ClaimAppealResolved):
        return f"appeal {'upheld' if event.upheld else 'rejected'}; counts as defect: {event.counts_as_defect}"
    if isinstance(event, (ClaimDeadlineApproaching, ClaimDeadlineMissed)):
        return f"{event.deadline.value} due {event.due_at.isoformat()}"
    return ""


def _reminder(start: datetime, due: datetime, before: timedelta) -> datetime | None:
    """A reminder `before` the deadline, unless that falls at or before the window opened."""
    return due - before if due - before > start else None


def _found(claim: Claim | None, claim_id: str) -> Claim:
    if claim is None:
        raise NotFound(f"claim {claim_id} not found")
    return claim


# ---- the marketplace's facts ----


def filed(existing: Claim | None, fact: ClaimFiled, *, order_known: bool, policy: ReturnPolicy) -> Decision:
    """Record a claim with its response deadline; a claim for an order never seen is accepted and flagged."""
    if existing is not None:
        return existing, []
    at = fact.occurred_at
    due = at + timedelta(hours=policy.claim_response_hours)
    before = timedelta(hours=policy.claim_reminder_before_hours)
    claim = Claim(claim_id=fact.claim_id, seller=fact.seller, kind=fact.kind, order_id=fact.order_id,
                  reason=fact.reason, amount=fact.amount, buyer_comment=fact.buyer_comment,
                  status=St.AWAITING_RESPONSE, filed_at=at, response_due_at=due,
                  response_reminder_at=_reminder(at, due, before), counts_as_defect=bool(policy.defect_outcomes),
                  order_known=order_known, defect_outcomes=list(policy.defect_outcomes),
                  appeal_window=timedelta(days=policy.appeal_window_days), reminder_before=before, updated_at=at)
    emit = _Emit(claim, Cause.of(fact), at)
    emit(ClaimRecorded, kind=claim.kind, reason=claim.reason, amount=claim.amount, filed_at=at, response_due_at=due,
         counts_as_defect=claim.counts_as_defect, order_known=order_known)
    if not order_known:
        emit.notes.append(f"no order event seen for order {fact.order_id}: accepted and flagged")
    return emit.done(claim)


def decided(claim: Claim | None, fact: ClaimDecisionReported) -> Decision:
    """The decision; a different one on a decided claim is the marketplace correcting itself: it applies, and
    a new appeal cycle starts from it. A decision for a claim never filed returns None (the handler flags it)."""
    if claim is None:
        return None, []
    if claim.outcome is fact.outcome:
        return claim, []
    at, emit = fact.occurred_at, _Emit(claim, Cause.of(fact), fact.occurred_at)
    if claim.outcome is not None:
        emit.notes.append(f"decision corrected by the marketplace: {claim.outcome.value} -> {fact.outcome.value}")
    appeal_due = at + claim.appeal_window if fact.outcome is ClaimOutcome.GRANTED_SELLER_FUNDED else None
    claim = msgspec.structs.replace(
        claim, status=St.DECIDED, outcome=fact.outcome, charged=fact.amount, decided_at=at,
        counts_as_defect=fact.outcome in claim.defect_outcomes, appeal_due_at=appeal_due,
        appeal_reminder_at=_reminder(at, appeal_due, claim.reminder_before) if appeal_due else None,
        appeal=None, appeal_upheld=None, reminded=[k for k in claim.reminded if not k.startswith("appeal_")])
    emit(ClaimDecided, kind=claim.kind, outcome=fact.outcome, counts_as_defect=claim.counts_as_defect,
         filed_at=claim.filed_at, appeal_due_at=appeal_due, amount=fact.amount)
    if fact.note:
        emit.notes.append(f"marketplace note: {fact.note}")
    return emit.done(claim)


def appeal_decided(claim: Claim | None, fact: ClaimAppealDecided) -> Decision:
    """An upheld appeal reverses the grant: the claim stops counting as a defect."""
    if claim is None:
        return None, []
    emit = _Emit(claim, Cause.of(fact), fact.occurred_at)
    if claim.outcome is None:
        emit.notes.append("appeal decision reported for an undecided claim: ignored")
        return emit.done(claim)
    if claim.status is St.APPEAL_DECIDED and claim.appeal_upheld is fact.upheld:
        return claim, []
    if claim.status is St.APPEAL_DECIDED:
        emit.notes.append("appeal decision corrected by the marketplace")
    elif claim.appeal is None:
        emit.notes.append("appeal decided with no appeal recorded here (appealed outside sellerops)")
    counts = False if fact.upheld else claim.outcome in claim.defect_outcomes
    claim = msgspec.structs.replace(claim, status=St.APPEAL_DECIDED, appeal_upheld=fact.upheld,
                                    counts_as_defect=counts)
    emit(ClaimAppealResolved, kind=claim.kind, upheld=fact.upheld, counts_as_defect=counts, filed_at=claim.filed_at)
    if fact.note:
        emit.notes.append(f"marketplace note: {fact.note}")
    return emit.done(claim)


# ---- the seller's requests ----


def respond(claim: Claim | None, request: RespondToClaim, *, refund_id: str | None, cause: Cause,
            now: datetime) -> Decision:
    """One response per claim, until the decision; after the deadline it is taken and marked late."""
    claim = _found(claim, request.claim_id)
    answer = (request.message, list(request.evidence), request.refund)
    if claim.response is not None and (claim.response.message, claim.response.evidence,
                                       claim.response.refund) == answer:
        return claim, []
    if claim.status in DECIDED:
        raise Refused(f"claim {claim.claim_id} was decided {claim.outcome.value}: no response is taken after the "
                      "decision" + (" (appeal it instead)" if appealable(claim) else ""), "$.claim_id")
    if claim.response is not None:
        raise Refused(f"claim {claim.claim_id} was answered at {claim.responded_at.isoformat()}: one response per "
                      "claim", "$.claim_id")
    _check_refund(claim, request.refund)
    late = claim.status is St.UNDER_REVIEW or now >= claim.response_due_at
    response = ClaimResponse(message=request.message, evidence=list(request.evidence), refund=request.refund,
                             refund_id=refund_id if request.refund is not None else None, late=late)
    emit = _Emit(claim, cause, now)
    emit(ClaimResponded, kind=claim.kind, message=response.message, evidence=response.evidence,
         refund_id=response.refund_id, late=late)
    return emit.done(msgspec.structs.replace(claim, status=St.UNDER_REVIEW, responded_at=now, response=response))


def _check_refund(claim: Claim, refund: Money | None) -> None:
    if refund is None:
        return
    if refund.currency != claim.amount.currency:
        raise Refused(f"the claim is in {claim.amount.currency}", "$.refund.currency")
    if refund.amount <= 0:
        raise Refused("a refund must be more than zero", "$.refund.amount")
    if refund.amount > claim.amount.amount:
        raise Refused(f"a refund of {_money(refund)} is more than the claim's {_money(claim.amount)}",
                      "$.refund.amount")


def appealable(claim: Claim) -> bool:
    """A seller-funded grant whose appeal window has not closed, not appealed yet."""
    return (claim.status is St.DECIDED and claim.outcome is ClaimOutcome.GRANTED_SELLER_FUNDED
            and claim.appeal_due_at is not None and APPEAL_DUE not in claim.reminded)


def appeal(claim: Claim | None, request: AppealClaim, *, cause: Cause, now: datetime) -> Decision:
    claim = _found(claim, request.claim_id)
    if claim.appeal is not None and (claim.appeal.message, claim.appeal.evidence) == (request.message,
                                                                                      list(request.evidence)):
        return claim, []
    if claim.status in (St.APPEALED, St.APPEAL_DECIDED):
        raise Refused(f"claim {claim.claim_id} was already appealed", "$.claim_id")
    if claim.status is not St.DECIDED:
        raise Refused(f"claim {claim.claim_id} is {claim.status.value}: only a decided claim can be appealed",
                      "$.claim_id")
    if claim.outcome is not ClaimOutcome.GRANTED_SELLER_FUNDED:
        raise Refused(f"claim {claim.claim_id} was decided {claim.outcome.value}: only a seller-funded grant can be "
                      "appealed", "$.claim_id")
    if now >= claim.appeal_due_at:
        raise Refused(f"the appeal window of claim {claim.claim_id} closed at {claim.appeal_due_at.isoformat()}",
                      "$.claim_id")
    emit = _Emit(claim, cause, now)
    emit(ClaimAppealed, kind=claim.kind, message=request.message, evidence=list(request.evidence))
    return emit.done(msgspec.structs.replace(claim, status=St.APPEALED, appeal=ClaimAppeal(
        message=request.message, evidence=list(request.evidence), at=now)))


# ---- deadlines ----


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


# ---- queries ----


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
        due = claim.appeal_due_at
        items.append(WorkItem(kind="appeal_claim", id=claim.claim_id, order_id=claim.order_id, due_at=due,
                              overdue=now >= due, action=f"appeal the seller-funded grant of the {what}, or let it "
                                                         "stand"))
    return [item for item in items if item.due_at <= now + horizon]
