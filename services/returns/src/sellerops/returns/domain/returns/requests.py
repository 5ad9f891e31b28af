"""The request, the seller's answer (authorize, close), the buyer closing it and the item coming back."""

from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.returns import (
    AuthorizeReturn, ClosedBy, CloseReturn, ReturnClosedByBuyer, ReturnLabel, ReturnMethod, ReturnPolicy,
    ReturnRecorded, ReturnRequested,
)
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.domain.policy import add_business_days, in_policy
from sellerops.returns.domain.returns.model import (
    COUNTRY, FINISHED, RS, Decision, Return, _Emit, _closed, _idle, _reminder, rma_of,
)
from sellerops.runtime.decisions import Cause, NotFound, Refused


def requested(existing: Return | None, fact: ReturnRequested, *, facts: OrderFacts | None,
              policy: ReturnPolicy) -> Decision:
    """Record the request; the seller's rules authorize it at once when it is in policy."""
    if existing is not None:
        return existing, []
    at, status = fact.occurred_at, RS.PENDING_AUTHORIZATION
    ok, notes = in_policy(fact.items, requested_at=at, facts=facts, policy=policy)
    due = at + timedelta(hours=policy.authorization_due_hours)
    ret = Return(return_id=fact.return_id, seller=fact.seller, order_id=fact.order_id, status=status,
                 items=fact.items, in_policy=ok, policy_notes=notes, order_known=facts is not None,
                 requested_at=at, authorization_due_at=due, authorization_reminder_at=_reminder(due, at, policy),
                 close_at=at + timedelta(days=policy.auto_close_days), auto_close_days=policy.auto_close_days,
                 updated_at=at)
    emit = _Emit(ret, Cause.of(fact), at)
    emit(ReturnRecorded, items=ret.items, status=status, in_policy=ok, policy_notes=notes,
         order_known=ret.order_known)
    if ok:
        ret = emit.status(ret, RS.AUTHORIZED, automatic=True, rma=rma_of(ret.seller, ret.return_id),
                          label=ReturnLabel(method=ReturnMethod.PREPAID_LABEL, address=policy.return_address),
                          authorized_at=at)
    return emit.done(ret)


def authorize(ret: Return | None, request: AuthorizeReturn, *, policy: ReturnPolicy, cause: Cause,
              now: datetime) -> Decision:
    """Issue the RMA (the seller's own, else generated) and the label or the address to ship to."""
    if ret is None:
        raise NotFound("return not found")
    address = request.address or policy.return_address
    label = ReturnLabel(method=request.method, address=address)
    if ret.status is RS.AUTHORIZED and ret.label == label and request.rma in (None, ret.rma):
        return ret, []
    if ret.status is not RS.PENDING_AUTHORIZATION:
        raise Refused(f"return {ret.return_id} is {ret.status.value}: only a return pending authorization is "
                      "authorized", "$.return_id")
    if request.method is ReturnMethod.SELLER_ADDRESS and address is None:
        raise Refused("the buyer ships to the seller's address: give one (or set it in the return policy)",
                      "$.address")
    emit = _Emit(ret, cause, now)
    ret = emit.status(_idle(ret, now, policy), RS.AUTHORIZED, rma=request.rma or rma_of(ret.seller, ret.return_id),
                      label=label, authorized_at=now)
    return emit.done(ret)


def close(ret: Return | None, request: CloseReturn, *, cause: Cause, now: datetime) -> Decision:
    """The seller closes a return before the item comes back; the reason goes to the buyer."""
    if ret is None:
        raise NotFound("return not found")
    if ret.status is RS.CLOSED and ret.closed_by is ClosedBy.SELLER and ret.reason == request.reason:
        return ret, []
    if ret.status in FINISHED:
        raise _closed(ret)
    if ret.status is RS.PENDING_REFUND:
        raise Refused(f"the item of return {ret.return_id} came back: refund it", "$.return_id")
    emit = _Emit(ret, cause, now)
    return emit.done(emit.status(ret, RS.CLOSED, reason=request.reason, closed_by=ClosedBy.SELLER))


def closed_by_buyer(ret: Return | None, fact: ReturnClosedByBuyer) -> Decision:
    if ret is None or (ret.status is RS.CLOSED and ret.closed_by is ClosedBy.BUYER) or any(
            h.event_id == str(fact.event_id) for h in ret.history):
        return ret, []
    emit = _Emit(ret, Cause.of(fact), fact.occurred_at)
    if ret.status in FINISHED:
        emit.notes.append(f"the buyer closed the return while it was {ret.status.value}: kept")
        return emit.done(ret)
    return emit.done(emit.status(ret, RS.CLOSED, reason="closed by the buyer", closed_by=ClosedBy.BUYER))


def item_received(ret: Return | None, *, cause: Cause, at: datetime, policy: ReturnPolicy) -> Decision:
    """The item came back (tracking, or the seller says so): the refund is due within business days.
    The buyer may send it before authorization; an item back after the return ended is only noted."""
    if ret is None or ret.received_at is not None:
        return ret, []
    emit = _Emit(ret, cause, at)
    ret = msgspec.structs.replace(ret, received_at=at)
    if ret.status in FINISHED:
        emit.notes.append(f"the item came back after the return was {ret.status.value}")
        return emit.done(ret)
    due = add_business_days(at, policy.refund_due_business_days, COUNTRY)
    ret = msgspec.structs.replace(_idle(ret, at, policy), refund_due_at=due,
                                  refund_reminder_at=_reminder(due, at, policy))
    return emit.done(emit.status(ret, RS.PENDING_REFUND))
