"""What inbound shipment events do to the inventory ledger, as movements (pure).

The buckets follow getInventorySummaries: a created shipment's units are inbound working; shipped,
they are inbound shipped; once the center starts receiving, what is still expected is inbound
receiving; each receipt moves units to fulfillable (damaged ones to unfulfillable); when the
shipment closes, what never arrived leaves the inbound counts (the discrepancy case follows it).
"""

from collections.abc import Iterable

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import (
    ExpectedUnits, InboundShipmentCreated, InboundShipmentStatusChanged, InboundUnitsReceived, ShipmentStatus,
)
from sellerops.contracts.inventory import Bucket, Cause, Movement

W, S, R, F = Bucket.INBOUND_WORKING, Bucket.INBOUND_SHIPPED, Bucket.INBOUND_RECEIVING, Bucket.FULFILLABLE
DAMAGED = Bucket.UNFULFILLABLE_CARRIER_DAMAGED  # received damaged: the ledger's carrier-damaged disposition
NOT_SENT = (ShipmentStatus.WORKING, ShipmentStatus.READY_TO_SHIP)
SENT = (ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.CHECKED_IN)


def _outstanding(unit: ExpectedUnits) -> int:
    return max(unit.expected - unit.received - unit.damaged, 0)


def _move(sku: str, center: str, quantity: int, source: Bucket | None, target: Bucket | None, cause: Cause,
          ref: str) -> list[Movement]:
    if quantity <= 0:
        return []
    return [Movement(sku=sku, center_id=center, quantity=quantity, from_bucket=source, to_bucket=target,
                     cause=cause, reference=ref)]


def inbound_moves(events: Iterable[Event]) -> list[Movement]:
    moves: list[Movement] = []
    for event in events:
        if isinstance(event, InboundShipmentCreated):
            for unit in event.items:
                moves += _move(unit.sku, event.center_id, unit.expected, None, W, Cause.INBOUND_PLANNED,
                               event.shipment_id)
        elif isinstance(event, InboundShipmentStatusChanged):
            moves += _status_moves(event)
        elif isinstance(event, InboundUnitsReceived):
            moves += _receipt_moves(event)
    return moves


def _status_moves(event: InboundShipmentStatusChanged) -> list[Movement]:
    before, after, ref, center = event.previous, event.status, event.shipment_id, event.center_id
    moves: list[Movement] = []
    for unit in event.items:
        left = _outstanding(unit)
        if before in NOT_SENT and after not in (*NOT_SENT, ShipmentStatus.DELETED):
            moves += _move(unit.sku, center, unit.expected, W, S, Cause.INBOUND_SHIPPED, ref)
            before_bucket = S
        else:
            before_bucket = W if before in NOT_SENT else (R if before is ShipmentStatus.RECEIVING else S)
        if after is ShipmentStatus.DELETED or after is ShipmentStatus.CANCELLED:
            moves += _move(unit.sku, center, left, before_bucket, None, Cause.INBOUND_CANCELLED, ref)
        elif after is ShipmentStatus.RECEIVING and before_bucket is S:
            moves += _move(unit.sku, center, left, S, R, Cause.INBOUND_RECEIVED, ref)
        elif after is ShipmentStatus.CLOSED:
            moves += _move(unit.sku, center, left, before_bucket, None, Cause.INBOUND_SHORTAGE, ref)
    return moves


def _receipt_moves(event: InboundUnitsReceived) -> list[Movement]:
    totals = {unit.sku: unit for unit in event.totals}
    moves: list[Movement] = []
    for line in event.lines:
        unit = totals.get(line.sku)
        expected = unit.expected if unit else 0
        earlier = (unit.received + unit.damaged - line.received - line.damaged) if unit else 0
        from_inbound = 0 if event.after_close else max(min(line.received + line.damaged, expected - earlier), 0)
        # Sellable units come out of what was expected first; damaged ones take what is left.
        sellable_inbound = min(line.received, from_inbound)
        damaged_inbound = from_inbound - sellable_inbound
        ref, center = event.shipment_id, event.center_id
        moves += _move(line.sku, center, sellable_inbound, R, F, Cause.INBOUND_RECEIVED, ref)
        moves += _move(line.sku, center, line.received - sellable_inbound, None, F, Cause.INBOUND_OVERAGE, ref)
        moves += _move(line.sku, center, damaged_inbound, R, DAMAGED, Cause.INBOUND_RECEIVED_DAMAGED, ref)
        moves += _move(line.sku, center, line.damaged - damaged_inbound, None, DAMAGED,
                       Cause.INBOUND_RECEIVED_DAMAGED, ref)
    return moves
