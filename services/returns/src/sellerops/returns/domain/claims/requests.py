"""The seller's requests: the response (with or without a refund) and the appeal."""

from datetime import datetime

import msgspec

from sellerops.contracts.market import Money
from sellerops.contracts.returns import AppealClaim, ClaimAppealed, ClaimOutcome, ClaimResponded, RespondToClaim
from sellerops.returns.domain.claims.model import (
    APPEAL_DUE, DECIDED, Claim, ClaimAppeal, ClaimResponse, Decision, St, _Emit, _found, _money,
)
from sellerops.runtime.decisions import Cause, Refused


def respond(claim: Claim | None, request: RespondToClaim, *, refund_id: str | None, cause: Cause,
            now: datetime) -> Decision:
    """One response per claim, until the decision; after the deadline it is taken and marked late."""
    claim = _found(claim, request.claim_id)
    answer = (request.message, list(request.evidence), request.refund)
    if claim.response is not None and (claim.response.message, claim.response.evidence,
                                       claim.response.refund) == answer:
        return claim, []
    if claim.status in DECIDED:
        assert claim.outcome is not None, "a decided claim has its outcome (set with the decision)"
        raise Refused(f"claim {claim.claim_id} was decided {claim.outcome.value}: no response is taken after the "
                      "decision" + (" (appeal it instead)" if appealable(claim) else ""), "$.claim_id")
    if claim.response is not None:
        assert claim.responded_at is not None, "set with the response"
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
        assert claim.outcome is not None, "a decided claim has its outcome (set with the decision)"
        raise Refused(f"claim {claim.claim_id} was decided {claim.outcome.value}: only a seller-funded grant can be "
                      "appealed", "$.claim_id")
    assert claim.appeal_due_at is not None, "a seller-funded grant's decision sets the appeal deadline"
    if now >= claim.appeal_due_at:
        raise Refused(f"the appeal window of claim {claim.claim_id} closed at {claim.appeal_due_at.isoformat()}",
                      "$.claim_id")
    emit = _Emit(claim, cause, now)
    emit(ClaimAppealed, kind=claim.kind, message=request.message, evidence=list(request.evidence))
    return emit.done(msgspec.structs.replace(claim, status=St.APPEALED, appeal=ClaimAppeal(
        message=request.message, evidence=list(request.evidence), at=now)))
