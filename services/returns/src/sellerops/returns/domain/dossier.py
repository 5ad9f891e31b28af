"""Everything seen about one order, for a claim's case file and the facts a return decision needs (pure).

A dossier starts from whichever event about its order comes first: a buyer's message or a claim may come
before any orders event (`order_seen` says whether one came). Each event adds one timeline entry, once per
event id.

FBA customer returns: each line of the customer returns report is kept once per LPN and re-published as
CustomerReturnReceived with the bucket its disposition goes to. An AFN order refunded after it shipped,
with fewer units back than the refund covers, is watched: if they are still not back `fba_return_wait_days`
after the refund, CustomerReturnMissing names a reimbursement candidate, claimable until
`fba_claim_window_days` after the refund. An order is flagged once: a refund after the flag is not watched.

Units a refund covers: an item refunded in full (what was paid for its line) counts its whole quantity; an
item refunded in part counts one unit, since a partial refund says nothing about how many came back.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import FulfillmentChannel, Money
from sellerops.contracts.orders import (
    CanceledBy, OrderCanceled, OrderPackageUpdated, OrderRecorded, OrderRefunded, OrderReleased, OrderShipped,
    OrderTrackingCorrected, PackageItem, RefundLine, RefundReason,
)
from sellerops.contracts.returns import (
    DISPOSITION_BUCKET, BuyerMessageReceived, CaseFile, ClaimKind, ClaimReason, ClaimRecorded, ClaimView,
    CustomerReturnMissing, CustomerReturnReceived, CustomerReturnReported, Disposition, EvidenceEntry,
    OrderDelivered, ReturnPolicy, ReturnRecorded, ReturnView,
)
from sellerops.returns.domain.facts import OrderFacts
from sellerops.runtime.decisions import Cause, stamp

FBA_RETURN_MISSING = "fba_return_missing"
SEEN = 200  # event ids kept for idempotence: far more than one order ever gets


class Line(msgspec.Struct, frozen=True, kw_only=True):
    order_item_id: str
    sku: str
    quantity: int
    price: Money  # what was paid for the whole line


class Package(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    carrier_code: str
    tracking_number: str
    ship_date: date
    items: list[PackageItem]
    late: bool
    confirmed_at: datetime
    carrier_name: str | None = None
    ship_method: str | None = None


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    at: datetime
    carrier_code: str | None = None
    tracking_number: str | None = None
    proof: str | None = None


class Message(msgspec.Struct, frozen=True, kw_only=True):
    message_id: str
    at: datetime
    body: str
    title: str | None = None  # the subject line


class Refund(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: str
    at: datetime
    lines: list[RefundLine]
    total: Money
    reason: RefundReason
    fully_refunded: bool = False


class Cancellation(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    by: CanceledBy
    at: datetime


class FbaReturn(msgspec.Struct, frozen=True, kw_only=True):
    return_id: str  # the LPN
    sku: str
    quantity: int
    disposition: Disposition
    center_id: str
    at: datetime
    order_item_id: str | None = None
    reason: str | None = None


class Dossier(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    seller: str
    channel: FulfillmentChannel | None = None
    purchased_at: datetime | None = None
    latest_delivery: datetime | None = None  # the promised delivery window's end (seller-fulfilled orders)
    lines: list[Line] = []
    packages: list[Package] = []
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    delivery: Delivery | None = None  # the latest delivery scan
    messages: list[Message] = []
    refunds: list[Refund] = []
    canceled: Cancellation | None = None
    customer_returns: list[FbaReturn] = []
    return_ids: list[str] = []
    claim_ids: list[str] = []
    timeline: list[EvidenceEntry] = []
    order_seen: bool = False
    fba_watch_due: datetime | None = None
    fba_claim_deadline: datetime | None = None
    fba_flagged: bool = False
    seen: list[str] = []
    updated_at: datetime


class _Step(NamedTuple):
    dossier: Dossier
    kind: str
    summary: str
    detail: dict[str, object] = {}
    events: list[Event] = []


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _money(m: Money) -> str:
    return f"{m.amount} {m.currency}"


def _plain(**fields: object) -> dict[str, object]:
    """Detail as JSON values, so a case file reads the same before and after a round trip."""
    plain: dict[str, object] = msgspec.to_builtins({k: v for k, v in fields.items() if v is not None})
    return plain


def apply(dossier: Dossier | None, event: Event, *, policy: ReturnPolicy | None = None) -> tuple[Dossier, list[Event]]:
    """Fold one event about the order in; an event id already seen changes nothing."""
    fold = _FOLDS.get(type(event))
    if fold is None:
        raise TypeError(f"a dossier does not take {type(event).__name__}")
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


def _package(p: Package) -> dict[str, object]:
    return {"package_number": p.number, "carrier_code": p.carrier_code, "carrier_name": p.carrier_name,
            "tracking_number": p.tracking_number, "ship_date": p.ship_date, "ship_method": p.ship_method,
            "items": p.items, "late": p.late, "confirmed_at": p.confirmed_at}


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


_FOLDS = {OrderRecorded: _order, OrderReleased: _order, OrderShipped: _shipped, OrderTrackingCorrected: _tracking,
          OrderPackageUpdated: _package_updated, OrderCanceled: _canceled, OrderRefunded: _refunded,
          OrderDelivered: _delivered, BuyerMessageReceived: _message, CustomerReturnReported: _customer_return,
          ReturnRecorded: _return_recorded, ClaimRecorded: _claim_recorded}


# ---- what the dossier knows ----


def refunded(dossier: Dossier) -> dict[str, Decimal]:
    """Refunded so far per order item, across refunds."""
    total: dict[str, Decimal] = {}
    for refund in dossier.refunds:
        for line in refund.lines:
            total[line.order_item_id] = total.get(line.order_item_id, Decimal(0)) + line.amount.amount
    return total


def units_refunded(dossier: Dossier) -> int:
    """Units the refunds cover: a whole line's quantity when refunded in full, else one (module docstring)."""
    lines = {x.order_item_id: x for x in dossier.lines}
    units = 0
    for item, amount in refunded(dossier).items():
        line = lines.get(item)
        units += line.quantity if line is not None and amount >= line.price.amount else 1 if amount > 0 else 0
    return units


def units_returned(dossier: Dossier) -> int:
    return sum(r.quantity for r in dossier.customer_returns)


def facts(dossier: Dossier) -> OrderFacts:
    return OrderFacts(order_id=dossier.order_id, channel=dossier.channel, purchased_at=dossier.purchased_at,
                      shipped_at=dossier.shipped_at, delivered_at=dossier.delivered_at,
                      paid={x.order_item_id: x.price for x in dossier.lines}, refunded=refunded(dossier),
                      skus={x.order_item_id: x.sku for x in dossier.lines},
                      quantities={x.order_item_id: x.quantity for x in dossier.lines})


# ---- the FBA return watch ----


def deadlines(dossier: Dossier) -> list[tuple[str, datetime]]:
    if dossier.fba_watch_due is None or dossier.fba_flagged:
        return []
    return [(FBA_RETURN_MISSING, dossier.fba_watch_due)]


def deadline_passed(dossier: Dossier | None, *, kind: str, due: datetime) -> tuple[Dossier | None, list[Event]]:
    """The wait is over: units still missing are flagged once; all back, the watch just ends."""
    if dossier is None or (kind, due) not in deadlines(dossier):
        return dossier, []
    expected, back = units_refunded(dossier), units_returned(dossier)
    if back >= expected:
        return msgspec.structs.replace(dossier, fba_watch_due=None, fba_claim_deadline=None, updated_at=due), []
    first, currency = dossier.refunds[0], dossier.refunds[0].total.currency
    skus = {x.order_item_id: x.sku for x in dossier.lines}
    missing = CustomerReturnMissing(
        **stamp(Cause(f"deadline/{dossier.seller}/{dossier.order_id}/{kind}/{due.isoformat()}"),
                CustomerReturnMissing, dossier.seller, due),
        order_id=dossier.order_id, refund_id=first.refund_id, refunded_at=first.at,
        amount=Money(sum((r.total.amount for r in dossier.refunds if r.total.currency == currency), Decimal(0)),
                     currency),
        skus=sorted({skus[item] for item in refunded(dossier) if item in skus}), units_expected=expected,
        units_returned=back, claim_deadline=dossier.fba_claim_deadline)
    entry = EvidenceEntry(at=due, kind="return_missing", event_id=str(missing.event_id),
                          summary=f"{expected - back} refunded units not returned: reimbursement claimable until "
                                  f"{dossier.fba_claim_deadline.isoformat()}")
    return msgspec.structs.replace(dossier, fba_flagged=True, timeline=[*dossier.timeline, entry],
                                   updated_at=due), [missing]


# ---- the case file ----


def case_file(claim: ClaimView, dossier: Dossier | None, returns: list[ReturnView], *, now: datetime) -> CaseFile:
    """What the claim's reviewer will read, and `gaps`: what they will ask for that was not seen."""
    d = dossier or Dossier(order_id=claim.order_id, seller=claim.seller, updated_at=now)
    order = _plain(order_id=d.order_id, purchased_at=d.purchased_at, channel=d.channel,
                   lines=[{"order_item_id": x.order_item_id, "sku": x.sku, "quantity": x.quantity, "price": x.price}
                          for x in d.lines]) if d.order_seen else None
    delivery = _plain(delivered_at=d.delivery.at, carrier_code=d.delivery.carrier_code,
                      tracking_number=d.delivery.tracking_number, proof=d.delivery.proof) if d.delivery else None
    return CaseFile(
        claim=claim, order_known=d.order_seen, order=order, shipments=[_plain(**_package(p)) for p in d.packages],
        delivery=delivery,
        buyer_messages=[_plain(message_id=m.message_id, at=m.at, title=m.title, body=m.body) for m in d.messages],
        refunds=[_plain(refund_id=r.refund_id, at=r.at, total=r.total, reason=r.reason, lines=r.lines)
                 for r in d.refunds],
        returns=returns, timeline=sorted(d.timeline, key=lambda x: x.at), gaps=gaps(claim, d), generated_at=now)


def gaps(claim: ClaimView, d: Dossier) -> list[str]:
    found = []
    if not d.order_seen:
        found.append("no order event seen for this order")
    if not d.packages:
        found.append("no shipment seen: no carrier or tracking number")
    if d.delivered_at is None:
        found.append("no delivery scan")
    if claim.kind is ClaimKind.A_TO_Z and not any(m.at < claim.filed_at for m in d.messages):
        found.append("no buyer message before the claim (A-to-z asks the buyer to contact the seller first)")
    if (claim.reason is ClaimReason.NOT_RECEIVED and d.latest_delivery is not None
            and claim.filed_at < d.latest_delivery):
        found.append(f"claim filed before the latest delivery date ({d.latest_delivery.isoformat()})")
    if claim.reason is ClaimReason.RETURN_NOT_REFUNDED and not d.refunds:
        found.append("no refund seen for this order")
    return found
