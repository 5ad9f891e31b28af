"""Seller-fulfilled return requests: authorization, the item coming back, refunds and deadlines (pure).

Statuses are Seller Central's Manage Returns ones (docs/domain.md, "Returns and A-to-z claims"). A request the
seller's rules cover is authorized at once (prepaid label, generated RMA); any other waits in
PENDING_AUTHORIZATION, due within `authorization_due_hours`. The item coming back makes the refund due
within `refund_due_business_days` (PENDING_REFUND). A refund is asked of the orders service
(RefundRequested) and counts once it confirms (OrderRefunded with the same refund_id): in full the
return completes, partly the seller may complete it. Seller, buyer or system (no action for
`auto_close_days`, no update for `partial_refund_close_days` after a partial refund) close it.

Due times are computed with the policy at each transition and kept in the state, so `deadlines` and
`work_items` need no policy. Every decision returns (return, events).
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry, OrderRefunded, OrderRefundRefused, RefundLine
from sellerops.contracts.returns import (
    AuthorizeReturn, ClosedBy, CloseReturn, CompleteReturn, RefundRequested, RefundReturn, ReturnClosedByBuyer,
    ReturnDeadline, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnItem, ReturnLabel, ReturnMethod,
    ReturnPolicy, ReturnRecorded, ReturnRequested, ReturnStatus, ReturnStatusChanged, ReturnView, WorkItem,
)
from sellerops.returns.domain.facts import OrderFacts
from sellerops.returns.domain.policy import add_business_days, in_policy
from sellerops.returns.domain.refunds import left_to_refund
from sellerops.runtime.decisions import Cause, Emitter, NotFound, Refused

RS = ReturnStatus
OPEN = (RS.PENDING_AUTHORIZATION, RS.AUTHORIZED, RS.PENDING_REFUND)
FINISHED = (RS.COMPLETED, RS.CLOSED)
AUTHORIZE_REMINDER, AUTHORIZE_DUE = "authorize_reminder", "authorize_due"
REFUND_REMINDER, REFUND_DUE = "refund_reminder", "refund_due"
AUTO_CLOSE = "auto_close"
KIND_DEADLINE = {AUTHORIZE_REMINDER: ReturnDeadline.AUTHORIZE, AUTHORIZE_DUE: ReturnDeadline.AUTHORIZE,
                 REFUND_REMINDER: ReturnDeadline.REFUND, REFUND_DUE: ReturnDeadline.REFUND}
COUNTRY = "US"  # whose public holidays the refund's business days skip: the only marketplace with this rule
ZERO_DECIMAL = {"JPY"}


class Return(msgspec.Struct, frozen=True, kw_only=True):
    return_id: str
    seller: str
    order_id: str
    status: ReturnStatus
    items: list[ReturnItem]
    in_policy: bool
    policy_notes: list[str] = []
    order_known: bool = True  # false: no order event was seen for it (accepted and flagged)
    rma: str | None = None
    label: ReturnLabel | None = None
    requested_at: datetime
    authorized_at: datetime | None = None
    received_at: datetime | None = None
    closed_by: ClosedBy | None = None
    reason: str | None = None  # why it was closed or completed
    refunds: list[str] = []  # refund ids asked for, refused ones too (the same id again is a no-op)
    refund_lines: dict[str, list[RefundLine]] = {}  # what each refund not refused asked for
    refund_pending: list[str] = []  # asked, neither confirmed nor refused yet
    refunds_confirmed: list[str] = []
    refunded_total: Money | None = None  # confirmed by the orders service
    partial: bool = False  # the refunds asked for leave part of what the returned items cost
    keep_item: bool = False  # refunded without the item coming back
    authorization_reminder_at: datetime | None = None
    authorization_due_at: datetime | None = None
    refund_reminder_at: datetime | None = None
    refund_due_at: datetime | None = None
    close_at: datetime | None = None  # when it closes on its own
    auto_close_days: float = 50.0  # the policy's, kept for the decisions that get no policy
    reminded: list[str] = []  # deadline kinds already fired
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[Return | None, list[Event]]


class _Emit(Emitter):
    """The events of one return decision (see Emitter), and its status changes."""

    def __init__(self, ret: Return, cause: Cause, at: datetime) -> None:
        super().__init__(ret.seller, cause, at, summary=_summary, return_id=ret.return_id, order_id=ret.order_id)

    def status(self, ret: Return, status: ReturnStatus, *, automatic: bool = False, reason: str | None = None,
               **changes: object) -> Return:
        after = msgspec.structs.replace(ret, status=status, reason=reason or ret.reason, **changes)
        self(ReturnStatusChanged, previous=ret.status, status=status, rma=after.rma, label=after.label,
             closed_by=after.closed_by, reason=reason, automatic=automatic)
        return after


def _summary(event: Event) -> str:
    if isinstance(event, ReturnRecorded):
        return f"in_policy={event.in_policy}" + ("" if event.order_known else " order unknown")
    if isinstance(event, ReturnStatusChanged):
        return f"status={event.status.value}" + (f" rma={event.rma}" if event.rma else "") + (
            f" ({event.reason})" if event.reason else "")
    if isinstance(event, (ReturnDeadlineApproaching, ReturnDeadlineMissed)):
        return f"{event.deadline.value} due {event.due_at.isoformat()}"
    if isinstance(event, RefundRequested):
        return f"refund={event.refund_id} " + " ".join(f"{x.order_item_id}:{x.amount.amount}" for x in event.lines)
    return ""


def rma_of(seller: str, return_id: str) -> str:
    """The RMA generated when the seller gives none: stable for the seller and return."""
    digest = int.from_bytes(hashlib.sha256(f"{seller}/{return_id}".encode()).digest()[:8], "big")
    code = ""
    for _ in range(9):
        digest, r = divmod(digest, 36)
        code += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r]
    return "R" + code


def _reminder(due: datetime, since: datetime, policy: ReturnPolicy) -> datetime | None:
    at = due - timedelta(hours=policy.reminder_before_hours)
    return at if at > since else None


def _idle(ret: Return, at: datetime, policy: ReturnPolicy | None = None) -> Return:
    """An action: the no-action window starts again (with the policy's length when the decision has it)."""
    days = ret.auto_close_days if policy is None else policy.auto_close_days
    return msgspec.structs.replace(ret, close_at=at + timedelta(days=days), auto_close_days=days)


def _closed(ret: Return) -> Refused:
    return Refused(f"return {ret.return_id} is {ret.status.value}", "$.return_id")


# ---- the request, the seller's answer, the buyer ----


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


# ---- refunds ----


def refund(ret: Return | None, request: RefundReturn, *, facts: OrderFacts | None, refund_id: str, cause: Cause,
           now: datetime) -> Decision:
    """Ask the orders service to refund: by default what is left of the returned items' price."""
    if ret is None:
        raise NotFound("return not found")
    if refund_id in ret.refunds:
        return ret, []
    if ret.status in FINISHED:
        raise _closed(ret)
    if ret.status is not RS.PENDING_REFUND and not request.keep_item:
        raise Refused(f"the item of return {ret.return_id} has not come back: refund with keep_item to refund "
                      "without the return", "$.keep_item")
    if facts is None:
        raise Refused(f"no order event was seen for order {ret.order_id}: nothing is known to have been paid",
                      "$.return_id")
    lines, partial = _refund_lines(ret, request, facts)
    emit = _Emit(ret, cause, now)
    emit(RefundRequested, refund_id=refund_id, lines=lines, reason=request.reason)
    ret = msgspec.structs.replace(
        _idle(ret, now), refunds=[*ret.refunds, refund_id], refund_lines={**ret.refund_lines, refund_id: lines},
        refund_pending=[*ret.refund_pending, refund_id], partial=partial,
        keep_item=ret.keep_item or (request.keep_item and ret.status is not RS.PENDING_REFUND))
    return emit.done(ret)


def _refund_lines(ret: Return, request: RefundReturn, facts: OrderFacts) -> tuple[list[RefundLine], bool]:
    """The lines to refund, and whether they leave part of what the return is owed (partial)."""
    left = _left(ret, facts)
    owed = _owed(ret, facts, left)
    if request.lines is None:
        lines = [RefundLine(item, money) for item, money in owed.items() if money.amount > 0]
        if not lines:
            raise Refused(f"nothing is left to refund for return {ret.return_id}", "$.return_id")
        return lines, False
    if not request.lines:
        raise Refused("a refund needs at least one line", "$.lines")
    asked: dict[str, Decimal] = {}
    for n, line in enumerate(request.lines):
        asked[line.order_item_id] = asked.get(line.order_item_id, Decimal(0)) + line.amount.amount
        _check_line(ret, line, f"$.lines[{n}]", facts, asked[line.order_item_id], left)
    return request.lines, any(asked.get(item, 0) < money.amount for item, money in owed.items())


def _check_line(ret: Return, line: RefundLine, path: str, facts: OrderFacts, asked: Decimal,
                left: dict[str, Money]) -> None:
    """`asked`: what the request's lines so far ask for the line's item."""
    item, money = line.order_item_id, line.amount
    if item not in facts.paid:
        raise Refused(f"order {ret.order_id} has no item {item} with a known price", f"{path}.order_item_id")
    if item not in {i.order_item_id for i in ret.items}:
        raise Refused(f"item {item} is not part of return {ret.return_id}", f"{path}.order_item_id")
    if money.currency != facts.paid[item].currency:
        raise Refused(f"item {item} was paid in {facts.paid[item].currency}", f"{path}.amount.currency")
    if money.amount <= 0:
        raise Refused("a refund line must be more than zero", f"{path}.amount.amount")
    if asked > left[item].amount:
        raise Refused(f"refunding {asked} {money.currency} for item {item} is more than the {left[item].amount} "
                      f"left of the {facts.paid[item].amount} paid (refunded {facts.refunded.get(item, 0)}, "
                      f"asked and pending {_pending(ret).get(item, 0)})", f"{path}.amount.amount")


def _pending(ret: Return) -> dict[str, Decimal]:
    return _sum_lines(ret.refund_lines[r] for r in ret.refund_pending if r in ret.refund_lines)


def _sum_lines(asks: Iterable[Iterable[RefundLine]]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for lines in asks:
        for line in lines:
            total[line.order_item_id] = total.get(line.order_item_id, Decimal(0)) + line.amount.amount
    return total


def _left(ret: Return, facts: OrderFacts) -> dict[str, Money]:
    """What is left to refund per order item, counting this return's asks still pending."""
    return left_to_refund(facts, _pending(ret))


def _owed(ret: Return, facts: OrderFacts, left: dict[str, Money]) -> dict[str, Money]:
    """Per returned item: its share of the line's price (the units returned of those ordered), less what this
    return already asked for, never more than is left."""
    units: dict[str, int] = {}
    for item in ret.items:
        units[item.order_item_id] = units.get(item.order_item_id, 0) + item.quantity
    asked, owed = _sum_lines(ret.refund_lines.values()), dict[str, Money]()
    for item_id, quantity in units.items():
        if item_id not in facts.paid:
            continue
        paid, ordered = facts.paid[item_id], facts.quantities.get(item_id)
        share = paid.amount
        if ordered and quantity < ordered:
            share = (paid.amount * quantity / ordered).quantize(
                Decimal(1) if paid.currency in ZERO_DECIMAL else Decimal("0.01"))
        amount = min(share - asked.get(item_id, Decimal(0)), left[item_id].amount)
        owed[item_id] = Money(max(amount, Decimal(0)), paid.currency)
    return owed


def refunded(ret: Return | None, evt: OrderRefunded, *, policy: ReturnPolicy) -> Decision:
    """The orders service refunded one of this return's refunds: in full (nothing else pending, nothing
    partial) completes it; a partial refund starts the no-update window."""
    if ret is None or evt.refund_id not in ret.refund_pending:
        return ret, []
    emit, at = _Emit(ret, Cause.of(evt), evt.occurred_at), evt.occurred_at
    total = evt.total if ret.refunded_total is None else Money(ret.refunded_total.amount + evt.total.amount,
                                                                ret.refunded_total.currency)
    ret = msgspec.structs.replace(ret, refund_pending=[r for r in ret.refund_pending if r != evt.refund_id],
                                  refunds_confirmed=[*ret.refunds_confirmed, evt.refund_id], refunded_total=total)
    emit.notes.append(f"refund {evt.refund_id} confirmed: {evt.total.amount} {evt.total.currency}")
    if ret.status in FINISHED:
        return emit.done(ret)
    if ret.partial:
        return emit.done(msgspec.structs.replace(ret, close_at=at + timedelta(days=policy.partial_refund_close_days)))
    if not ret.refund_pending:
        ret = emit.status(ret, RS.COMPLETED, automatic=True, reason="refunded in full")
    return emit.done(ret)


def refund_refused(ret: Return | None, evt: OrderRefundRefused) -> Decision:
    """The orders service refused a refund: it no longer counts, and the refund is due again."""
    if ret is None or evt.refund_id not in ret.refund_pending:
        return ret, []
    emit = _Emit(ret, Cause.of(evt), evt.occurred_at)
    emit.notes.append(f"refund {evt.refund_id} refused: {evt.message}" + (f" ({evt.field})" if evt.field else ""))
    lines = {r: x for r, x in ret.refund_lines.items() if r != evt.refund_id}
    # What was refused is no longer covered: any refund left covers only part of what is owed.
    ret = msgspec.structs.replace(ret, refund_pending=[r for r in ret.refund_pending if r != evt.refund_id],
                                  refund_lines=lines, partial=bool(lines))
    return emit.done(ret)


def complete(ret: Return | None, request: CompleteReturn, *, cause: Cause, now: datetime) -> Decision:
    """The seller completes a partly refunded return (refunded in lieu of the return, a buyer cancel, ...)."""
    if ret is None:
        raise NotFound("return not found")
    if ret.status is RS.COMPLETED and ret.reason == request.reason:
        return ret, []
    if ret.status in FINISHED:
        raise _closed(ret)
    if not (ret.partial and ret.refunds_confirmed):
        raise Refused(f"return {ret.return_id} has no partial refund: only a partly refunded return is completed "
                      "by hand", "$.return_id")
    emit = _Emit(ret, cause, now)
    return emit.done(emit.status(ret, RS.COMPLETED, reason=request.reason))


# ---- deadlines and queries ----


def deadlines(ret: Return) -> list[tuple[str, datetime]]:
    """The deadlines still to fire for the current status, soonest first."""
    due: list[tuple[str, datetime | None]] = []
    if ret.status is RS.PENDING_AUTHORIZATION and not ret.keep_item:
        due += [(AUTHORIZE_REMINDER, ret.authorization_reminder_at), (AUTHORIZE_DUE, ret.authorization_due_at)]
    if ret.status is RS.PENDING_REFUND and not ret.refund_lines:
        due += [(REFUND_REMINDER, ret.refund_reminder_at), (REFUND_DUE, ret.refund_due_at)]
    if ret.status in OPEN:
        due.append((AUTO_CLOSE, ret.close_at))
    return sorted(((k, t) for k, t in due if t is not None and k not in ret.reminded), key=lambda x: (x[1], x[0]))


def deadline_passed(ret: Return | None, *, kind: str, due: datetime) -> Decision:
    """A reminder, a missed-deadline alert (the status stays) or the auto-close; at most once in effect."""
    if ret is None or (kind, due) not in deadlines(ret):
        return ret, []
    emit = _Emit(ret, Cause(f"deadline/{ret.seller}/{ret.return_id}/{kind}/{due.isoformat()}"), due)
    fired = msgspec.structs.replace(ret, reminded=[*ret.reminded, kind])
    if kind == AUTO_CLOSE:
        why = "no update after a partial refund" if ret.refunds_confirmed and ret.partial else "no action"
        return emit.done(emit.status(fired, RS.CLOSED, automatic=True, reason=f"closed on its own: {why}",
                                     closed_by=ClosedBy.SYSTEM))
    deadline = KIND_DEADLINE[kind]
    due_at = ret.authorization_due_at if deadline is ReturnDeadline.AUTHORIZE else ret.refund_due_at
    emit(ReturnDeadlineApproaching if kind.endswith("_reminder") else ReturnDeadlineMissed, deadline=deadline,
         due_at=due_at)
    return emit.done(fired)


def view(ret: Return) -> ReturnView:
    return ReturnView(return_id=ret.return_id, seller=ret.seller, order_id=ret.order_id, status=ret.status,
                      items=ret.items, in_policy=ret.in_policy, policy_notes=ret.policy_notes,
                      order_known=ret.order_known, rma=ret.rma, label=ret.label, requested_at=ret.requested_at,
                      authorized_at=ret.authorized_at, received_at=ret.received_at, closed_by=ret.closed_by,
                      refunds=ret.refunds, refunded=ret.refunded_total, due=deadlines(ret), history=ret.history,
                      updated_at=ret.updated_at)


def work_items(ret: Return, *, now: datetime, horizon: timedelta) -> list[WorkItem]:
    """What the seller must do about the return, overdue or due before now + horizon. Unlike `deadlines`,
    a deadline already alerted stays here until the seller acts."""
    todo = []
    if ret.status is RS.PENDING_AUTHORIZATION and not ret.keep_item and ret.authorization_due_at:
        todo.append(("authorize_return", ret.authorization_due_at, "authorize the return (or close it)"))
    if ret.status is RS.PENDING_REFUND and not ret.refund_lines and ret.refund_due_at:
        todo.append(("refund_return", ret.refund_due_at, "refund the return: the item came back"))
    if ret.status in OPEN and ret.partial and ret.refunds_confirmed and ret.close_at:
        todo.append(("auto_close", ret.close_at, "complete the partly refunded return, or refund the rest"))
    return [WorkItem(kind=kind, id=ret.return_id, order_id=ret.order_id, due_at=due, overdue=due < now,
                     action=action) for kind, due, action in todo if due <= now + horizon]
