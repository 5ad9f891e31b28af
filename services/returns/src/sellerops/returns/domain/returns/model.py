"""The return record, its decisions' events and summaries, the generated RMA and the shared rules."""

import hashlib
from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry, RefundLine
from sellerops.contracts.returns import (
    ClosedBy, RefundRequested, ReturnDeadline, ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnItem, ReturnLabel,
    ReturnPolicy, ReturnRecorded, ReturnStatus, ReturnStatusChanged,
)
from sellerops.runtime.decisions import Cause, Emitter, Refused

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
