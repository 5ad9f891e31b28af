"""Folding one event about the order in: one timeline entry per event id, and the FBA return watch started."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel
from sellerops.contracts.orders import (
    OrderCanceled, OrderPackageUpdated, OrderRecorded, OrderRefunded, OrderReleased, OrderShipped,
    OrderTrackingCorrected,
)
from sellerops.contracts.returns import (
    DISPOSITION_BUCKET, BuyerMessageReceived, ClaimRecorded, CustomerReturnReceived, CustomerReturnReported,
    EvidenceEntry, OrderDelivered, ReturnPolicy, ReturnRecorded,
)
from sellerops.returns.domain.dossier.model import (
    SEEN, Cancellation, Delivery, Dossier, FbaReturn, Line, Message, Package, Refund, _Step, _money, _package, _plain,
    _units, units_refunded, units_returned,
)
from sellerops.runtime.decisions import Cause, stamp


def apply(dossier: Dossier | None, event: Event, *, policy: ReturnPolicy | None = None) -> tuple[Dossier, list[Event]]:
    """Fold one event about the order in; an event id already seen changes nothing."""
    fold = _FOLDS.get(type(event))
    if fold is None:
        raise TypeError(f"a dossier does not take {type(event).__name__}")
    assert isinstance(event, Folded), "_FOLDS has a fold for these event types alone"
    event_id = str(event.event_id)
    if dossier is not None and event_id in dossier.seen:
        return dossier, []
    if dossier is None:
        dossier = Dossier(order_id=event.order_id, seller=event.seller, updated_at=event.occurred_at)
    policy = policy if policy is not None else ReturnPolicy()
    step = fold(dossier, event, policy)
    if step is None:
        return dossier, []
    entry = EvidenceEntry(at=event.occurred_at, kind=step.kind, summary=step.summary, event_id=event_id,
                          detail=step.detail)
    # Checked after every event, not only refunds: the order's facts come from two streams (and a retried
    # event may come after a later one), so the refund can be seen before the order is known as AFN and shipped.
    watched = _watched(step.dossier, policy)
    return msgspec.structs.replace(watched, timeline=[*watched.timeline, entry],
                                   seen=[*dossier.seen, event_id][-SEEN:], updated_at=event.occurred_at), step.events


def _order(d: Dossier, e: OrderRecorded | OrderReleased, policy: ReturnPolicy) -> _Step:
    lines = [Line(order_item_id=x.order_item_id, sku=x.sku, quantity=x.quantity_ordered, price=x.item_price)
             for x in e.lines]
    changes = {"lines": lines or d.lines, "channel": e.fulfillment_channel, "order_seen": True}
    if isinstance(e, OrderRecorded):
        changes |= {"purchased_at": e.purchased_at,
                    "latest_delivery": e.delivery_window.latest if e.delivery_window else d.latest_delivery}
        summary = f"order placed ({e.fulfillment_channel.value}): {_units(sum(x.quantity for x in lines))}"
    else:
        summary = "order released for shipping"
    return _Step(msgspec.structs.replace(d, **changes), "order", summary,
                 _plain(channel=e.fulfillment_channel, lines=lines))


def _shipped(d: Dossier, e: OrderShipped, policy: ReturnPolicy) -> _Step:
    p = e.package
    package = Package(number=e.package_number, carrier_code=p.carrier_code, tracking_number=p.tracking_number,
                      ship_date=p.ship_date, items=p.items, late=e.late, confirmed_at=e.confirmed_at,
                      carrier_name=p.carrier_name, ship_method=p.ship_method)
    packages = sorted([*(x for x in d.packages if x.number != package.number), package], key=lambda x: x.number)
    shipped_at = min(d.shipped_at, e.confirmed_at) if d.shipped_at else e.confirmed_at
    summary = (f"package {package.number} confirmed: {p.carrier_code} {p.tracking_number}, shipped "
               f"{p.ship_date.isoformat()}" + (" (late)" if e.late else ""))
    d = msgspec.structs.replace(d, packages=packages, shipped_at=shipped_at, order_seen=True,
                                channel=e.fulfillment_channel)
    return _Step(d, "shipment", summary, _plain(**_package(package)))


def _repackaged(d: Dossier, number: int, **changes: object) -> Dossier:
    return msgspec.structs.replace(d, packages=[msgspec.structs.replace(p, **changes) if p.number == number else p
                                                for p in d.packages])


def _tracking(d: Dossier, e: OrderTrackingCorrected, policy: ReturnPolicy) -> _Step:
    d = _repackaged(d, e.package_number, carrier_code=e.carrier_code, tracking_number=e.tracking_number,
                    carrier_name=e.carrier_name)
    return _Step(d, "tracking_corrected", f"package {e.package_number} tracking corrected: "
                 f"{e.previous_carrier_code} {e.previous_tracking_number} -> {e.carrier_code} {e.tracking_number}")


def _package_updated(d: Dossier, e: OrderPackageUpdated, policy: ReturnPolicy) -> _Step:
    d = _repackaged(d, e.package_number, ship_date=e.ship_date, ship_method=e.ship_method)
    return _Step(d, "package_updated", f"package {e.package_number} ship date {e.previous_ship_date.isoformat()} "
                 f"-> {e.ship_date.isoformat()}")


def _canceled(d: Dossier, e: OrderCanceled, policy: ReturnPolicy) -> _Step:
    canceled = Cancellation(reason=e.reason, by=e.canceled_by, at=e.occurred_at)
    return _Step(msgspec.structs.replace(d, canceled=canceled, order_seen=True), "cancellation",
                 f"canceled by {e.canceled_by.value}: {e.reason}")


def _refunded(d: Dossier, e: OrderRefunded, policy: ReturnPolicy) -> _Step:
    refund = Refund(refund_id=e.refund_id, at=e.occurred_at, lines=e.lines, total=e.total, reason=e.reason,
                    fully_refunded=e.fully_refunded)
    if all(r.refund_id != e.refund_id for r in d.refunds):
        d = msgspec.structs.replace(d, refunds=[*d.refunds, refund])
    return _Step(d, "refund", f"refund {e.refund_id}: {_money(e.total)} ({e.reason.value})",
                 _plain(refund_id=e.refund_id, total=e.total, lines=e.lines))


def _watched(d: Dossier, policy: ReturnPolicy) -> Dossier:
    """Start the FBA return clock at the latest refund when the returned units do not cover the refunded ones
    (once started it keeps running)."""
    shipped = d.shipped_at is not None or d.delivered_at is not None
    if (d.fba_flagged or d.fba_watch_due is not None or d.channel is not FulfillmentChannel.AFN or not shipped
            or d.canceled is not None or units_returned(d) >= units_refunded(d)):
        return d
    refunded_at = max(r.at for r in d.refunds)
    return msgspec.structs.replace(d, fba_watch_due=refunded_at + timedelta(days=policy.fba_return_wait_days),
                                   fba_claim_deadline=refunded_at + timedelta(days=policy.fba_claim_window_days))


def _delivered(d: Dossier, e: OrderDelivered, policy: ReturnPolicy) -> _Step:
    delivery = Delivery(at=e.occurred_at, carrier_code=e.carrier_code, tracking_number=e.tracking_number,
                        proof=e.proof)
    latest = d.delivery is None or e.occurred_at >= d.delivery.at
    d = msgspec.structs.replace(d, delivery=delivery if latest else d.delivery,
                                delivered_at=delivery.at if latest else d.delivered_at)
    summary = "delivered" + (f" ({e.carrier_code} {e.tracking_number})" if e.tracking_number else "") + (
        f", proof {e.proof}" if e.proof else "")
    return _Step(d, "delivery", summary, _plain(carrier_code=e.carrier_code, tracking_number=e.tracking_number,
                                                proof=e.proof))


def _message(d: Dossier, e: BuyerMessageReceived, policy: ReturnPolicy) -> _Step | None:
    if any(m.message_id == e.message_id for m in d.messages):
        return None
    message = Message(message_id=e.message_id, at=e.occurred_at, title=e.title, body=e.body)
    return _Step(msgspec.structs.replace(d, messages=[*d.messages, message]), "buyer_message",
                 f"buyer message: {e.title or e.body[:80]}", _plain(message_id=e.message_id))


def _customer_return(d: Dossier, e: CustomerReturnReported, policy: ReturnPolicy) -> _Step | None:
    """Kept once per LPN; the fulfillment service moves the units from CustomerReturnReceived."""
    if any(r.return_id == e.return_id for r in d.customer_returns):
        return None
    unit = FbaReturn(return_id=e.return_id, sku=e.sku, quantity=e.quantity, disposition=e.disposition,
                     center_id=e.center_id, at=e.occurred_at, order_item_id=e.order_item_id, reason=e.reason)
    d = msgspec.structs.replace(d, customer_returns=[*d.customer_returns, unit])
    if d.fba_watch_due is not None and units_returned(d) >= units_refunded(d):
        d = msgspec.structs.replace(d, fba_watch_due=None, fba_claim_deadline=None)
    bucket = DISPOSITION_BUCKET[e.disposition]
    received = CustomerReturnReceived(**stamp(Cause.of(e), CustomerReturnReceived, e.seller, e.occurred_at),
                                      return_id=e.return_id, order_id=e.order_id, sku=e.sku, center_id=e.center_id,
                                      quantity=e.quantity, disposition=e.disposition, bucket=bucket, reason=e.reason)
    return _Step(d, "return", f"FBA return {e.return_id}: {e.quantity} x {e.sku} {e.disposition.value} at "
                 f"{e.center_id}", _plain(return_id=e.return_id, bucket=bucket), [received])


def _return_recorded(d: Dossier, e: ReturnRecorded, policy: ReturnPolicy) -> _Step:
    ids = d.return_ids if e.return_id in d.return_ids else [*d.return_ids, e.return_id]
    units = sum(i.quantity for i in e.items)
    return _Step(msgspec.structs.replace(d, return_ids=ids), "return",
                 f"return {e.return_id} requested: {_units(units)} ({', '.join(sorted({i.reason for i in e.items}))})")


def _claim_recorded(d: Dossier, e: ClaimRecorded, policy: ReturnPolicy) -> _Step:
    ids = d.claim_ids if e.claim_id in d.claim_ids else [*d.claim_ids, e.claim_id]
    return _Step(msgspec.structs.replace(d, claim_ids=ids), "claim",
                 f"{e.kind.value} claim {e.claim_id} filed: {e.reason.value} {_money(e.amount)}")


# The event types a dossier folds in, all about one order.
Folded = (OrderRecorded | OrderReleased | OrderShipped | OrderTrackingCorrected | OrderPackageUpdated | OrderCanceled
           | OrderRefunded | OrderDelivered | BuyerMessageReceived | CustomerReturnReported | ReturnRecorded
           | ClaimRecorded)
# Each fold takes the event type of its key, which the value type cannot say: hence Any for the event.
_Fold = Callable[[Dossier, Any, ReturnPolicy], _Step | None]
_FOLDS: dict[type[Event], _Fold] = {
    OrderRecorded: _order, OrderReleased: _order, OrderShipped: _shipped, OrderTrackingCorrected: _tracking,
    OrderPackageUpdated: _package_updated, OrderCanceled: _canceled, OrderRefunded: _refunded,
    OrderDelivered: _delivered, BuyerMessageReceived: _message, CustomerReturnReported: _customer_return,
    ReturnRecorded: _return_recorded, ClaimRecorded: _claim_recorded}
