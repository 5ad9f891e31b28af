"""A shipment's life: created from a confirmed plan, moved by the seller (ready, shipped, cancelled, deleted)
and by the carrier's and the center's reports, received in partial receipts, deleted with its plan."""

from datetime import datetime

import msgspec

from sellerops.contracts.inbound import (
    CaseStatus, ExpectedUnits, InboundPlanCanceled, InboundPlanConfirmed, InboundReceiptReported,
    InboundShipmentCreated, InboundShipmentStatusChanged, InboundShipmentStatusReported, InboundUnitsReceived,
    PlacedShipment, ReceiptLine, ShipmentStatus, UpdateShipment,
)
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused
from sellerops.fulfillment.domain.shipments.cases import reconcile, recount_case
from sellerops.fulfillment.domain.shipments.model import (
    ENDED, NOT_SENT, PATH, CarrierCheck, Decision, Emit, Policy, Shipment, St, confirmation_id,
)


def create_shipment(shipment: Shipment | None, *, confirmed: InboundPlanConfirmed,
                    planned: PlacedShipment) -> Decision:
    if shipment is not None:
        return shipment, []
    at = confirmed.occurred_at
    shipment = Shipment(shipment_id=planned.shipment_id, seller=confirmed.seller, plan_id=confirmed.plan_id,
                        center_id=planned.center_id, confirmation_id=confirmation_id(confirmed.seller,
                                                                                     planned.shipment_id),
                        status=St.WORKING, items=[ExpectedUnits(sku=u.sku, expected=u.quantity) for u in planned.items],
                        ship_from=confirmed.ship_from, created_at=at, updated_at=at)
    # One confirmation creates several shipments: each gets its own cause so their event ids differ.
    emit = Emit(shipment, Cause(f"{confirmed.event_id}/{planned.shipment_id}", confirmed.correlation), at)
    emit(InboundShipmentCreated, plan_id=shipment.plan_id, center_id=shipment.center_id,
         confirmation_id=shipment.confirmation_id, items=shipment.items, ship_from=shipment.ship_from)
    return emit.done(shipment)


def seller_update(shipment: Shipment | None, request: UpdateShipment, *, cause: Cause, now: datetime,
                  check_carrier: CarrierCheck | None = None) -> Decision:
    """READY_TO_SHIP (labels printed), SHIPPED (with carrier and tracking; again to correct them),
    CANCELLED once sent and before delivery, DELETED before it is sent."""
    if shipment is None:
        raise NotFound("inbound shipment not found")
    emit, want, now_at = Emit(shipment, cause, now), request.status, shipment.status
    if want is St.READY_TO_SHIP:
        if now_at is want:
            return shipment, []
        _require(now_at is St.WORKING, shipment, want)
        return emit.done(emit.status(shipment, want))
    if want is St.SHIPPED:
        return _shipped(shipment, request, emit, check_carrier)
    if want is St.CANCELLED:
        if now_at is want:
            return shipment, []
        _require(now_at in (St.SHIPPED, St.IN_TRANSIT), shipment, want,
                 "only a shipment sent and not yet delivered is cancelled (DELETED before it is sent)")
        return emit.done(emit.status(shipment, want))
    if want is St.DELETED:
        if now_at is want:
            return shipment, []
        _require(now_at in NOT_SENT, shipment, want, "only a shipment not yet sent is deleted (CANCELLED after)")
        return emit.done(emit.status(shipment, want))
    raise Refused(f"the seller sets READY_TO_SHIP, SHIPPED, CANCELLED or DELETED; {want.value} is reported by "
                  "the carrier or the center", "$.status")


def _require(ok: bool, shipment: Shipment, want: ShipmentStatus, why: str = "") -> None:
    if not ok:
        raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become {want.value}"
                      + (f" ({why})" if why else ""), "$.status")


def _shipped(shipment: Shipment, request: UpdateShipment, emit: Emit, check_carrier: CarrierCheck | None) -> Decision:
    if shipment.status not in (*NOT_SENT, St.SHIPPED, St.IN_TRANSIT):
        raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become SHIPPED", "$.status")
    if request.carrier_code is None:
        raise Refused("a shipped shipment needs its carrier", "$.carrier_code")
    if request.tracking_number is None:
        raise Refused("a shipped shipment needs its tracking number", "$.tracking_number")
    if check_carrier is not None and (refusal := check_carrier(request.carrier_code, request.tracking_number,
                                                               None)) is not None:
        field, reason = refusal
        raise Refused(reason, "$.tracking_number" if "tracking" in field else "$.carrier_code")
    tracking = {"carrier_code": request.carrier_code, "tracking_number": request.tracking_number}
    if shipment.status in NOT_SENT:
        return emit.done(emit.status(shipment, St.SHIPPED, **tracking))
    if shipment.status in (St.SHIPPED, St.IN_TRANSIT):  # updateShipmentTrackingDetails: a correction
        if (shipment.carrier_code, shipment.tracking_number) == (request.carrier_code, request.tracking_number):
            return shipment, []
        updated = msgspec.structs.replace(shipment, **tracking)
        emit(InboundShipmentStatusChanged, previous=shipment.status, status=shipment.status,
             center_id=shipment.center_id, carrier_code=request.carrier_code, tracking_number=request.tracking_number)
        return emit.done(updated)
    raise Refused(f"shipment {shipment.shipment_id} is {shipment.status.value}: cannot become SHIPPED", "$.status")


def status_reported(shipment: Shipment | None, *, fact: InboundShipmentStatusReported, policy: Policy) -> Decision:
    """The carrier's or the center's report. Forward moves (skipping is fine) apply; CANCELLED or DELETED
    apply when the shipment could still be; anything else is noted in the history and changes nothing."""
    if shipment is None:
        return None, []
    emit, want, now_at = Emit(shipment, Cause.of(fact), fact.occurred_at), fact.status, shipment.status
    pod = {"proof_of_delivery": fact.proof_of_delivery or shipment.proof_of_delivery}
    forward = want in PATH and now_at in PATH and PATH.index(want) > PATH.index(now_at)
    if forward or (want is St.CANCELLED and now_at in PATH[:PATH.index(St.DELIVERED)]) or (
            want is St.DELETED and now_at in NOT_SENT):
        shipment = emit.status(shipment, want, **pod)
        if want is St.CLOSED:
            shipment = reconcile(shipment, emit, policy)
        return emit.done(shipment)
    if fact.proof_of_delivery and fact.proof_of_delivery != shipment.proof_of_delivery:
        shipment = msgspec.structs.replace(shipment, **pod)
        emit.notes.append(f"proof of delivery {fact.proof_of_delivery} recorded")
    if want is not now_at:
        emit.notes.append(f"{want.value} reported while {now_at.value}: ignored")
    return emit.done(shipment)


def receipt_reported(shipment: Shipment | None, *, fact: InboundReceiptReported, policy: Policy) -> Decision:
    """Add a receipt's units (once per receipt id). The first receipt moves the shipment to RECEIVING
    (what is still expected becomes inbound receiving) before its units are counted. A receipt after the
    shipment closed or was cancelled counts as found stock. Any receipt recounts an open case (one opened
    when the reconciliation window passed follows the receipts still coming in), shrinking its shortage."""
    if shipment is None:
        return None, []
    if fact.receipt_id in shipment.receipts:
        return shipment, []
    emit = Emit(shipment, Cause.of(fact), fact.occurred_at)
    late = shipment.status in ENDED
    if not late and shipment.status is not St.RECEIVING:
        shipment = emit.status(shipment, St.RECEIVING)
    lines = _merged(fact.lines)
    items = _counted(shipment.items, lines)
    shipment = msgspec.structs.replace(shipment, items=items, receipts=[*shipment.receipts, fact.receipt_id])
    emit(InboundUnitsReceived, receipt_id=fact.receipt_id, center_id=shipment.center_id, lines=lines,
         totals=items, after_close=late)
    if shipment.case is not None and shipment.case.status is CaseStatus.OPEN:
        shipment = recount_case(shipment, emit, policy)
    return emit.done(shipment)


def _merged(lines: list[ReceiptLine]) -> list[ReceiptLine]:
    """One line per SKU (the ledger reads each line against the SKU's running total)."""
    by_sku: dict[str, ReceiptLine] = {}
    for line in lines:
        seen = by_sku.get(line.sku)
        by_sku[line.sku] = line if seen is None else msgspec.structs.replace(
            seen, received=seen.received + line.received, damaged=seen.damaged + line.damaged)
    return list(by_sku.values())


def _counted(items: list[ExpectedUnits], lines: list[ReceiptLine]) -> list[ExpectedUnits]:
    by_sku = {u.sku: u for u in items}
    for line in lines:
        unit = by_sku.get(line.sku) or ExpectedUnits(sku=line.sku, expected=0)
        by_sku[line.sku] = msgspec.structs.replace(unit, received=unit.received + line.received,
                                                   damaged=unit.damaged + line.damaged)
    return list(by_sku.values())


def plan_canceled(shipment: Shipment | None, *, canceled: InboundPlanCanceled) -> Decision:
    """The plan was voided: a shipment not yet sent is deleted; one already sent stays (cancel it on its own)."""
    if shipment is None:
        return None, []
    emit = Emit(shipment, Cause(f"{canceled.event_id}/{shipment.shipment_id}", canceled.correlation),
                 canceled.occurred_at)
    if shipment.status in NOT_SENT:
        return emit.done(emit.status(shipment, St.DELETED))
    if shipment.status is not St.DELETED:
        emit.notes.append(f"plan canceled while the shipment is {shipment.status.value}: kept")
    return emit.done(shipment)
