"""Which events become notifications, of which kind and severity, with what title and text (pure).

A rule returns None when an event is not worth a notification (a buyer-requested cancel, a 5-star
feedback). The notification id is derived from the event id, so the same event never raises two.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import AfnOrderUnfulfillable, McfOrderStatusChanged
from sellerops.contracts.inbound import ClaimDeadlineApproaching as InboundClaimDeadlineApproaching
from sellerops.contracts.inbound import DiscrepancyCaseOpened, ReimbursementUnmatched
from sellerops.contracts.inventory import InventoryCountDiffered
from sellerops.contracts.health import (
    AccountStatus, AccountStatusChanged, AccountStatusReported, FeedbackReceived, MetricBreached, MetricBreachForecast, MetricRecovered,
)
from sellerops.contracts.notifications import (
    BuyerMessageAwaitingReply, BuyerMessageReplyDueSoon, BuyerMessageReplyMissed, EndpointCircuitOpened, Kind,
    ReviewRequested, ReviewRequestSkipped, Severity,
)
from sellerops.contracts.orders import (
    OrderCanceled, OrderCancelRequested, OrderRefundRefused, OrderShipByAtRisk, OrderShipByMissed,
)
from sellerops.contracts.returns import (
    ClaimDeadlineApproaching, ClaimDeadlineMissed, ClaimDecided, ClaimRecorded, CustomerReturnMissing,
    ReturnDeadlineApproaching, ReturnDeadlineMissed, ReturnRecorded, ReturnStatus,
)
from sellerops.contracts.orders import McfStatus

Note = tuple[Kind, Severity, str, str]  # kind, severity, title, body
Rule = Callable[[Any, dict[str, Any]], Note | None]


def notification_id(event: Event) -> str:
    return "N-" + hashlib.blake2b(str(event.event_id).encode(), digest_size=8).hexdigest()


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.2f}%"


def _metric(e: MetricBreached | MetricRecovered | MetricBreachForecast) -> str:
    cond = "under" if e.target.condition.value == "LESS_THAN" else "at least"
    return (f"{_pct(e.rate)} ({e.numerator} of {e.denominator}, {e.window_days} days) against {cond} "
            f"{_pct(e.target.value)}.")


def _side(e: MetricBreached) -> str:
    """A rate that must stay under its target went over it; one that must stay at least at it fell below."""
    return "over" if e.target.condition.value == "LESS_THAN" else "below"


def _money(m: Any) -> str:
    return f"{m.amount} {m.currency}"


RULES: dict[type[Event], Rule] = {
    OrderShipByAtRisk: lambda e, c: (Kind.ORDERS, Severity.WARNING, f"Order {e.order_id} must ship soon",
                                     f"{e.units_unshipped} unit(s) unshipped; latest ship date "
                                     f"{e.latest_ship_date:%Y-%m-%d %H:%M} UTC."),
    OrderShipByMissed: lambda e, c: (Kind.ORDERS, Severity.CRITICAL, f"Order {e.order_id} missed its ship date",
                                     f"{e.units_unshipped} unit(s) still unshipped after "
                                     f"{e.latest_ship_date:%Y-%m-%d %H:%M} UTC: the confirmation will count as late."),
    OrderCancelRequested: lambda e, c: (Kind.ORDERS, Severity.WARNING, f"Buyer asks to cancel order {e.order_id}",
                                        f"Reason: {e.reason or 'none given'}. Answer before shipping."),
    OrderCanceled: lambda e, c: None if not e.counts_against_seller else (
        Kind.ORDERS, Severity.WARNING, f"Order {e.order_id} canceled (counts against you)",
        f"Canceled by {e.canceled_by.value}: {e.reason}. It enters the Pre-fulfillment Cancel Rate."),
    OrderRefundRefused: lambda e, c: (Kind.ORDERS, Severity.WARNING, f"Refund {e.refund_id} refused",
                                      f"Order {e.order_id}: {e.message}."),
    ReturnRecorded: lambda e, c: None if e.status is not ReturnStatus.PENDING_AUTHORIZATION else (
        Kind.RETURNS, Severity.WARNING, f"Return {e.return_id} waits for your authorization",
        f"Order {e.order_id}: " + "; ".join(e.policy_notes or ["out of the automatic rules"]) + "."),
    ReturnDeadlineApproaching: lambda e, c: (Kind.RETURNS, Severity.WARNING,
                                             f"Return {e.return_id}: {e.deadline.value.lower()} due soon",
                                             f"Due {e.due_at:%Y-%m-%d %H:%M} UTC (order {e.order_id})."),
    ReturnDeadlineMissed: lambda e, c: (Kind.RETURNS, Severity.CRITICAL,
                                        f"Return {e.return_id}: {e.deadline.value.lower()} deadline missed",
                                        f"It was due {e.due_at:%Y-%m-%d %H:%M} UTC (order {e.order_id})."),
    CustomerReturnMissing: lambda e, c: (Kind.INVENTORY, Severity.INFO,
                                         f"Order {e.order_id}: refunded units never came back",
                                         f"{e.units_expected - e.units_returned} unit(s) of {', '.join(e.skus)} "
                                         f"({_money(e.amount)} refunded): claim a reimbursement by "
                                         f"{e.claim_deadline:%Y-%m-%d}."),
    ClaimRecorded: lambda e, c: (Kind.CLAIMS, Severity.CRITICAL, f"{e.kind.value} claim {e.claim_id} filed",
                                 f"Order {e.order_id}, {e.reason.value}, {_money(e.amount)}. Respond by "
                                 f"{e.response_due_at:%Y-%m-%d %H:%M} UTC."),
    ClaimDeadlineApproaching: lambda e, c: (Kind.CLAIMS, Severity.WARNING,
                                            f"Claim {e.claim_id}: {e.deadline.value.lower()} due soon",
                                            f"Due {e.due_at:%Y-%m-%d %H:%M} UTC (order {e.order_id})."),
    ClaimDeadlineMissed: lambda e, c: (Kind.CLAIMS, Severity.CRITICAL,
                                       f"Claim {e.claim_id}: {e.deadline.value.lower()} deadline missed",
                                       f"It was due {e.due_at:%Y-%m-%d %H:%M} UTC (order {e.order_id})."),
    ClaimDecided: lambda e, c: (Kind.CLAIMS, Severity.WARNING if e.counts_as_defect else Severity.INFO,
                                f"Claim {e.claim_id} decided: {e.outcome.value}",
                                f"Order {e.order_id}; " + ("counts as an order defect" if e.counts_as_defect
                                                           else "does not count as a defect") + "."),
    MetricBreached: lambda e, c: (Kind.HEALTH, Severity.CRITICAL, f"{e.title} is {_side(e)} its target", _metric(e)),
    MetricRecovered: lambda e, c: (Kind.HEALTH, Severity.INFO, f"{e.title} is back within its target", _metric(e)),
    MetricBreachForecast: lambda e, c: (Kind.HEALTH, Severity.WARNING,
                                        f"{e.title} heads for its target within {e.within_days:g} days",
                                        _metric(e)),
    AccountStatusChanged: lambda e, c: (Kind.HEALTH, Severity.INFO if e.current is AccountStatus.NORMAL
                                        else Severity.CRITICAL, f"Account status {e.current.value}",
                                        f"Was {e.previous.value}; rating {e.rating} ({e.rating_band.value})"
                                        + (f"; bad: {', '.join(e.bad)}" if e.bad else "") + "."),
    AccountStatusReported: lambda e, c: (
        Kind.HEALTH, Severity.INFO if e.status is AccountStatus.NORMAL else Severity.CRITICAL,
        f"The marketplace reports your account {e.status.value}",
        (f"Was {e.previous.value}. " if e.previous else "") + (
            "Your account is in good standing." if e.status is AccountStatus.NORMAL else
            "Review Account Health in Seller Central now: the marketplace's own decision, whatever the metrics "
            "sellerops computes say.")),
    InventoryCountDiffered: lambda e, c: (
        Kind.INVENTORY, Severity.WARNING, f"SKU {e.sku}: the marketplace counts differently from your ledger",
        "; ".join(f"{d.bucket.replace('_', ' ')}: marketplace {d.marketplace}, ledger {d.ledger}" for d in e.differences)
        + f" (in {e.marketplace_id}, counted {e.reported_at:%Y-%m-%d %H:%M} UTC). A fact may be missing from the "
          "feed (an adjustment, a receipt), or the marketplace may have lost or found units: check the "
          "inventory ledger and open a case if units are gone."),
    DiscrepancyCaseOpened: lambda e, c: (Kind.INBOUND, Severity.WARNING,
                                             f"Shipment {e.shipment_id}: units missing or damaged",
                                             f"Case {e.case.case_id} is open; claim it before its deadline."),
    InboundClaimDeadlineApproaching: lambda e, c: (
        Kind.INBOUND, Severity.WARNING, f"Shipment {e.shipment_id}: claim window closes in {e.days_left:g} days",
        f"{e.unreimbursed_units} unit(s) not reimbursed; deadline {e.claim_deadline:%Y-%m-%d}."),
    ReimbursementUnmatched: lambda e, c: (Kind.INBOUND, Severity.INFO, f"Reimbursement {e.reimbursement_id} unmatched",
                                          f"{e.units} x {e.sku}, {_money(e.amount)}: {e.reason}."),
    McfOrderStatusChanged: lambda e, c: None if e.status not in (McfStatus.UNFULFILLABLE, McfStatus.INVALID) else (
        Kind.ORDERS, Severity.WARNING,
        f"MCF order {e.mcf_order_id} " + ("cannot be fulfilled" if e.status is McfStatus.UNFULFILLABLE
                                          else "was refused by the network (Invalid)"),
        f"{e.reason or e.status.value}. Nothing ships for what is missing: restock and send a new order, or tell "
        "the buyer on your other channel."),
    AfnOrderUnfulfillable: lambda e, c: (Kind.INVENTORY, Severity.WARNING, f"Order {e.order_id} cannot be fulfilled",
                                      f"{e.reason}."),
    BuyerMessageAwaitingReply: lambda e, c: (Kind.MESSAGING, Severity.INFO, f"Buyer message on order {e.order_id}",
                                             f"{e.title or 'A buyer wrote'}; reply by {e.reply_due_at:%Y-%m-%d %H:%M} "
                                             "UTC."),
    BuyerMessageReplyDueSoon: lambda e, c: (Kind.MESSAGING, Severity.WARNING,
                                            f"Reply to the buyer of order {e.order_id} within {e.hours_left:g} h",
                                            f"Message {e.message_id}, due {e.reply_due_at:%Y-%m-%d %H:%M} UTC."),
    BuyerMessageReplyMissed: lambda e, c: (Kind.MESSAGING, Severity.CRITICAL,
                                           f"24-hour reply missed on order {e.order_id}",
                                           f"Message {e.message_id} was due {e.reply_due_at:%Y-%m-%d %H:%M} UTC."),
    ReviewRequested: lambda e, c: (Kind.REVIEWS, Severity.INFO, f"Review request due for order {e.order_id}",
                                   f"Window {e.window_opens_at:%Y-%m-%d} to {e.window_closes_at:%Y-%m-%d}."),
    ReviewRequestSkipped: lambda e, c: (Kind.REVIEWS, Severity.INFO, f"No review request for order {e.order_id}",
                                        f"Skipped: {e.reason}."),
    FeedbackReceived: lambda e, c: None if e.rating > 2 else (
        Kind.FEEDBACK, Severity.WARNING, f"{e.rating}-star feedback on order {e.order_id}",
        (f'"{e.comment}"' if e.comment else "No comment.") + (f" Order: {c['order']}." if c.get("order") else "")
        + " Reply to the buyer or ask for removal if it is a product review."),
    EndpointCircuitOpened: lambda e, c: (Kind.SYSTEM, Severity.CRITICAL,
                                         f"Notifications to {e.endpoint_id} are failing",
                                         f"{e.failures} failures in a row (last: {e.last_error}); retrying at "
                                         f"{e.probe_at:%Y-%m-%d %H:%M} UTC. Check the endpoint."),
}


def notify(event: Event, context: dict[str, Any] | None = None) -> Note | None:
    rule = RULES.get(type(event))
    return rule(event, context or {}) if rule is not None else None
