"""The inventory ledger of one SKU of one seller, across centers: movements in, numbered entries out.

Stock never goes negative: a movement asking for more than its source bucket holds moves what is
there and records the rest as `short`, and it always gets an entry, so nothing is silent. The
reserved buckets also remember what each reference (an outbound order, a removal, a transfer)
holds at each center: a release, processing or shipment of that reference takes at most what it
holds, so applying one twice, or after a reservation came up short, never touches another order's
units. Each reference keeps its units in one reserved bucket at a time (outbound and removals do).
"""

from datetime import datetime

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import Bucket, InventoryCountReconciled, InventoryMoved, Movement
from sellerops.fulfillment.domain import common
from sellerops.fulfillment.domain.common import stamp
from sellerops.fulfillment.domain.ledger.stock import BOUND, COMPARED, HELD, Stock, ledger_counts


def move(stock: Stock | None, movements: list[Movement], *, seller: str, sku: str, cause: common.Cause,
         at: datetime) -> tuple[Stock, list[Event]]:
    """Apply `movements` in order: one entry each, numbered on from the SKU's last entry (then an
    InventoryCountReconciled for each marketplace difference the entries closed)."""
    stock = stock or Stock(seller=seller, sku=sku)
    centers = {c: dict(b) for c, b in stock.centers.items()}
    held = {r: dict(c) for r, c in stock.reservations.items()}
    entries = []
    for index, m in enumerate(movements):
        if m.sku != sku:
            raise ValueError(f"movement of SKU {m.sku!r} applied to the ledger of {sku!r}")
        counts = centers.setdefault(m.center_id, {})
        bound = m.cause in BOUND
        room = m.quantity if m.from_bucket is None else counts.get(m.from_bucket.value, 0)
        if bound and m.from_bucket is not None and m.from_bucket.value in HELD:
            room = min(room, held.get(m.reference, {}).get(m.center_id, 0))
        moved = min(m.quantity, room)
        if m.from_bucket is not None:
            _add(counts, m.from_bucket.value, -moved)
            if bound and m.from_bucket.value in HELD:
                _add(held.setdefault(m.reference, {}), m.center_id, -moved)
        if m.to_bucket is not None:
            _add(counts, m.to_bucket.value, moved)
            if bound and m.to_bucket.value in HELD:
                _add(held.setdefault(m.reference, {}), m.center_id, moved)
        entries.append(InventoryMoved(
            **stamp(cause, InventoryMoved, seller, at, index), sku=sku, center_id=m.center_id, quantity=moved,
            from_bucket=m.from_bucket, to_bucket=m.to_bucket, cause=m.cause, reference=m.reference,
            short=m.quantity - moved, sequence=stock.sequence + index + 1))
    new = msgspec.structs.replace(
        stock, centers={c: b for c, b in sorted(centers.items()) if b},
        reservations={r: c for r, c in sorted(held.items()) if c}, sequence=stock.sequence + len(entries),
        updated_at=at if entries else stock.updated_at)
    new, reconciled = _closed_by_the_ledger(new, cause, at)
    return new, [*entries, *reconciled]


def backorder(stock: Stock | None, *, order_id: str, waits: bool, seller: str, sku: str) -> tuple[Stock, list[Event]]:
    """Note (or forget) that a FillAll order waits for this SKU: stock arriving then goes to it first come,
    first served."""
    stock = stock or Stock(seller=seller, sku=sku)
    if waits == (order_id in stock.waiting):
        return stock, []
    waiting = [*stock.waiting, order_id] if waits else [o for o in stock.waiting if o != order_id]
    return msgspec.structs.replace(stock, waiting=waiting), []


def _add(counts: dict[str, int], key: str, delta: int) -> None:
    value = counts.get(key, 0) + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)


def available(stock: Stock | None, center_id: str) -> int:
    """Fulfillable units at a center."""
    return stock.centers.get(center_id, {}).get(Bucket.FULFILLABLE.value, 0) if stock else 0


def fulfillable_by_center(stock: Stock | None) -> dict[str, int]:
    """Fulfillable units per center holding any: what the sourcing plugin chooses from."""
    if stock is None:
        return {}
    return {c: n for c in stock.centers if (n := available(stock, c)) > 0}


def held(stock: Stock | None, reference: str) -> dict[str, int]:
    """What a reference holds reserved, per center."""
    return dict(stock.reservations.get(reference, {})) if stock else {}


def _closed_by_the_ledger(stock: Stock, cause: common.Cause, at: datetime) -> tuple[Stock, list[Event]]:
    """A published difference that the ledger's own movements now close is reconciled at once: the ledger had
    not yet read a receipt or a shipment when the marketplace counted (it is a stream behind, sometimes)."""
    if not any(count.differences for count in stock.marketplace.values()):
        return stock, []
    ours, counts = ledger_counts(stock), dict(stock.marketplace)
    events: list[Event] = []
    for marketplace_id, count in sorted(stock.marketplace.items()):
        if count.differences and all(ours[b] == count.counts.get(b, 0) for b in COMPARED):
            counts[marketplace_id] = msgspec.structs.replace(count, differences=[])
            events.append(InventoryCountReconciled(
                **stamp(cause, InventoryCountReconciled, stock.seller, at, len(events)), sku=stock.sku,
                marketplace_id=marketplace_id, reported_at=count.reported_at))
    return msgspec.structs.replace(stock, marketplace=counts), events
