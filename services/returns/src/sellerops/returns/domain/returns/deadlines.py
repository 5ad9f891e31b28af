"""The deadlines still to fire, their firing, the view and the seller's work items."""

from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.returns import (
    ClosedBy, ReturnDeadline, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnView, WorkItem,
)
from sellerops.returns.domain.returns.model import (
    AUTHORIZE_DUE, AUTHORIZE_REMINDER, AUTO_CLOSE, KIND_DEADLINE, OPEN, REFUND_DUE, REFUND_REMINDER, RS, Decision,
    Return, _Emit,
)
from sellerops.runtime.decisions import Cause


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
