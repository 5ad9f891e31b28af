"""The marketplace's facts: a claim filed, its decision and the appeal's decision."""

from datetime import timedelta

import msgspec

from sellerops.contracts.returns import (
    ClaimAppealDecided, ClaimAppealResolved, ClaimDecided, ClaimDecisionReported, ClaimFiled, ClaimOutcome,
    ClaimRecorded, ReturnPolicy,
)
from sellerops.returns.domain.claims.model import Claim, Decision, St, _Emit, _reminder
from sellerops.runtime.decisions import Cause


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
