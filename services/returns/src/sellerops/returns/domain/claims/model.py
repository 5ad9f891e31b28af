"""The claim record, its decisions' events and summaries, and the shared rules."""

from datetime import datetime, timedelta

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.orders import HistoryEntry
from sellerops.contracts.returns import (
    ClaimAppealResolved, ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimDecided, ClaimKind, ClaimOutcome,
    ClaimReason, ClaimRecorded, ClaimResponded, ClaimStatus,
)
from sellerops.runtime.decisions import Cause, Emitter, NotFound

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
