"""Removal orders: the seller asks the network to ship units back (Return) or dispose of them (Disposal).

On creation each line draws units from the centers holding the most (fewest centers), and they move to
RESERVED_PROCESSING (REMOVAL_RESERVED), sellable and unfulfillable alike: the ledger then holds them for
this order, so two removals cannot claim the same damaged units, and the summary shows them as
fcProcessing, not as unfulfillable, until they leave. Each claim remembers its source bucket, so a cancel
puts sellable units back to FULFILLABLE and damaged ones back to their unfulfillable cause.
"""

from collections.abc import Iterable
from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import (
    Bucket, Cause as Why, CreateRemovalOrder, Movement, RemovalLine, RemovalLineStatus, RemovalOrderCreated,
    RemovalOrderProgressed, RemovalOrderView, RemovalShipment, RemovalShipmentReported, RemovalStatus, RemovalType,
    StockCondition,
)
from sellerops.contracts.orders import Address, HistoryEntry
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused, history, stamp
from sellerops.fulfillment.domain.ledger import Stock

HELD = Bucket.RESERVED_PROCESSING
UNFULFILLABLE = [b for b in Bucket if b.value.startswith("UNFULFILLABLE_")]


class Claim(msgspec.Struct, frozen=True):
    """Units a removal took from one bucket of one center."""

    sku: str
    center_id: str
    condition: StockCondition
    bucket: Bucket
    quantity: int


class Removal(msgspec.Struct, frozen=True, kw_only=True):
    removal_order_id: str
    seller: str
    removal_type: RemovalType
    status: RemovalStatus
    lines: list[RemovalLineStatus]
    address: Address | None = None
    requested: list[RemovalLine] = []
    claims: list[Claim] = []
    shipments: list[RemovalShipment] = []  # what each report said: carrier, tracking, units counted
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[Removal | None, list[Event], list[Movement]]


def _recorded(removal: Removal, events: list[Event], at: datetime, moves: list[Movement],
              notes: Iterable[str] = (), event_id: str = "") -> Decision:
    entries = history(events, lambda e: f"status={e.status.value}" if hasattr(e, "status") else "")
    entries += [HistoryEntry(at=at, type="note", event_id=event_id, summary=n) for n in notes]
    return msgspec.structs.replace(removal, history=[*removal.history, *entries], updated_at=at), events, moves


def _pool(stock: Stock | None, condition: StockCondition) -> dict[str, dict[Bucket, int]]:
    buckets = [Bucket.FULFILLABLE] if condition is StockCondition.SELLABLE else UNFULFILLABLE
    centers = stock.centers if stock is not None else {}
    return {c: {b: n for b in buckets if (n := held.get(b.value, 0)) > 0} for c, held in sorted(centers.items())}


def create(existing: Removal | None, request: CreateRemovalOrder, *, seller: str, stock: dict[str, Stock | None],
           cause: Cause, now: datetime) -> Decision:
    """Claim the units of every line, or refuse naming the first line asking for more than there is."""
    if existing is not None:
        if (existing.removal_type, existing.requested, existing.address) == (
                request.removal_type, request.lines, request.address):
            return existing, [], []
        raise Refused(f"removal order {request.removal_order_id} already exists with other contents",
                      "$.removal_order_id")
    if request.removal_type is RemovalType.RETURN and request.address is None:
        raise Refused("a Return removal order needs the address to ship the units to", "$.address")
    pools: dict[tuple[str, StockCondition], dict[str, dict[Bucket, int]]] = {}
    claims: list[Claim] = []
    for index, line in enumerate(request.lines):
        pool = pools.setdefault((line.sku, line.condition), _pool(stock.get(line.sku), line.condition))
        have = sum(sum(b.values()) for b in pool.values())
        if have < line.quantity:
            raise Refused(f"{line.quantity} {line.condition.value.lower()} units of {line.sku} asked for, "
                          f"{have} available", f"$.lines[{index}].quantity")
        claims += _draw(line, pool)
    rows: dict[tuple[str, str, StockCondition], int] = {}
    for c in claims:
        rows[(c.sku, c.center_id, c.condition)] = rows.get((c.sku, c.center_id, c.condition), 0) + c.quantity
    lines = [RemovalLineStatus(sku=s, center_id=c, condition=k, requested=n) for (s, c, k), n in rows.items()]
    removal = Removal(removal_order_id=request.removal_order_id, seller=seller, removal_type=request.removal_type,
                      status=RemovalStatus.IN_PROCESS, lines=lines, address=request.address,
                      requested=list(request.lines), claims=claims, updated_at=now)
    event = RemovalOrderCreated(**stamp(cause, RemovalOrderCreated, seller, now),
                                removal_order_id=removal.removal_order_id, removal_type=removal.removal_type,
                                lines=lines, address=removal.address)
    moves = [Movement(sku=c.sku, center_id=c.center_id, quantity=c.quantity, from_bucket=c.bucket, to_bucket=HELD,
                      cause=Why.REMOVAL_RESERVED, reference=removal.removal_order_id) for c in claims]
    return _recorded(removal, [event], now, moves)


def _draw(line: RemovalLine, pool: dict[str, dict[Bucket, int]]) -> list[Claim]:
    """Take from the centers holding the most first (ties by id), each center's buckets in a fixed order."""
    left, claims = line.quantity, []
    for center in sorted(pool, key=lambda c: (-sum(pool[c].values()), c)):
        for bucket, n in list(pool[center].items()):
            take = min(left, n)
            if take:
                claims.append(Claim(line.sku, center, line.condition, bucket, take))
                pool[center][bucket] -= take
                left -= take
    return claims


def processed(removal: Removal | None, fact: RemovalShipmentReported) -> Decision:
    """Units shipped (Return) or disposed (Disposal), with the report's carrier and tracking number. Counts of
    the other kind are noted in the history and not counted; counts beyond what is in process at that center
    are not counted either but flagged on the line (`over_reported`) and in the event: the order cannot do
    that, yet a fact is not refused, nor dropped silently."""
    if removal is None:
        return None, [], []
    ships = removal.removal_type is RemovalType.RETURN
    field, why = ("shipped", Why.REMOVAL_SHIPPED) if ships else ("disposed", Why.REMOVAL_DISPOSED)
    lines, moves, notes = list(removal.lines), [], []
    for reported in fact.lines:
        wrong = reported.disposed if ships else reported.shipped
        if wrong:
            notes.append(f"{wrong} x {reported.sku} at {reported.center_id} reported "
                         f"{'disposed' if ships else 'shipped'} on a {removal.removal_type.value} order: not counted")
        units = done = getattr(reported, field)
        for index, row in enumerate(lines):
            if (row.sku, row.center_id) == (reported.sku, reported.center_id) and units and row.in_process:
                take = min(units, row.in_process)
                lines[index] = msgspec.structs.replace(row, **{field: getattr(row, field) + take})
                units -= take
        if units:
            notes.append(f"{units} x {reported.sku} at {reported.center_id} {field} beyond what was in process: "
                         f"not counted, flagged as over-reported")
            lines = _flag_over(lines, reported.sku, reported.center_id, units)
        if done - units:
            moves.append(Movement(sku=reported.sku, center_id=reported.center_id, quantity=done - units,
                                  from_bucket=HELD, to_bucket=None, cause=why, reference=removal.removal_order_id))
    if lines == removal.lines:
        return _recorded(removal, [], fact.occurred_at, [], notes, str(fact.event_id))
    status = removal.status
    if status is RemovalStatus.IN_PROCESS and not any(row.in_process for row in lines):
        status = RemovalStatus.COMPLETED
    event = RemovalOrderProgressed(**stamp(Cause.of(fact), RemovalOrderProgressed, removal.seller, fact.occurred_at),
                                   removal_order_id=removal.removal_order_id, status=status, lines=lines,
                                   carrier_code=fact.carrier_code, tracking_number=fact.tracking_number)
    shipments = removal.shipments
    if ships and moves:
        shipments = [*shipments, RemovalShipment(reported_at=fact.occurred_at, carrier_code=fact.carrier_code,
                                                 tracking_number=fact.tracking_number,
                                                 units=sum(m.quantity for m in moves))]
    removal = msgspec.structs.replace(removal, lines=lines, status=status, shipments=shipments)
    return _recorded(removal, [event], fact.occurred_at, moves, notes, str(fact.event_id))


def _flag_over(lines: list[RemovalLineStatus], sku: str, center_id: str, units: int) -> list[RemovalLineStatus]:
    """Add over-reported units to the SKU's row at that center (its first one; a center it never had: the first
    row of the SKU, so the flag is never lost)."""
    rows = [i for i, r in enumerate(lines) if (r.sku, r.center_id) == (sku, center_id)] or \
        [i for i, r in enumerate(lines) if r.sku == sku] or [0]
    row = lines[rows[0]]
    return [*lines[:rows[0]], msgspec.structs.replace(row, over_reported=row.over_reported + units), *lines[rows[0] + 1:]]


def cancel(removal: Removal | None, *, cause: Cause, now: datetime) -> Decision:
    """Cancel what is still in process; its units go back to the buckets they came from."""
    if removal is None:
        raise NotFound("removal order not found")
    if removal.status is RemovalStatus.CANCELLED:
        return removal, [], []
    if removal.status is not RemovalStatus.IN_PROCESS:
        raise Refused(f"removal order is {removal.status.value}: only an order In Process can be cancelled",
                      "$.removal_order_id")
    moves = [m for row in removal.lines for m in _returned(removal, row)]
    lines = [msgspec.structs.replace(row, cancelled=row.cancelled + row.in_process) for row in removal.lines]
    removal = msgspec.structs.replace(removal, lines=lines, status=RemovalStatus.CANCELLED)
    event = RemovalOrderProgressed(**stamp(cause, RemovalOrderProgressed, removal.seller, now),
                                   removal_order_id=removal.removal_order_id, status=removal.status, lines=lines)
    return _recorded(removal, [event], now, moves)


def _returned(removal: Removal, row: RemovalLineStatus) -> list[Movement]:
    """What a row still holds, back to its claims' buckets: units that left count against the first claims."""
    gone, left, moves = row.shipped + row.disposed + row.cancelled, row.in_process, []
    for c in removal.claims:
        if (c.sku, c.center_id, c.condition) != (row.sku, row.center_id, row.condition):
            continue
        skip = min(gone, c.quantity)
        gone -= skip
        back = min(left, c.quantity - skip)
        left -= back
        if back:
            moves.append(Movement(sku=c.sku, center_id=c.center_id, quantity=back, from_bucket=HELD,
                                  to_bucket=c.bucket, cause=Why.REMOVAL_CANCELLED,
                                  reference=removal.removal_order_id))
    return moves


def view(removal: Removal) -> RemovalOrderView:
    return RemovalOrderView(removal_order_id=removal.removal_order_id, seller=removal.seller,
                            removal_type=removal.removal_type, status=removal.status, lines=removal.lines,
                            shipments=removal.shipments, address=removal.address, history=removal.history,
                            updated_at=removal.updated_at)
