"""Arithmetic on an order's allocations: what is reserved and not shipped, the ledger movements that reserve,
move or release it, what each line still lacks, and whether the order waits or ends."""

from collections.abc import Iterable

import msgspec

from sellerops.contracts.inventory import Allocation, Bucket, Cause as Why, Movement, Shortfall
from sellerops.contracts.orders import FillPolicy
from sellerops.fulfillment.domain.outbound.model import FINAL, Emit, Key, Outbound, S


def tallied(rows: Iterable[Allocation]) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for a in rows:
        out[(a.item_id, a.sku, a.center_id)] = out.get((a.item_id, a.sku, a.center_id), 0) + a.quantity
    return out


def rows_of(tally: dict[Key, int]) -> list[Allocation]:
    return [Allocation(item_id=i, sku=s, center_id=c, quantity=n) for (i, s, c), n in tally.items() if n > 0]


def outstanding(order: Outbound) -> dict[Key, int]:
    """Reserved and not shipped yet, per item, SKU and center."""
    shipped = tallied(order.shipped)
    return {k: n - shipped.get(k, 0) for k, n in tallied(order.allocations).items() if n > shipped.get(k, 0)}


def movements(order: Outbound, units: dict[Key, int], source: Bucket | None, target: Bucket | None,
           why: Why) -> list[Movement]:
    per: dict[tuple[str, str], int] = {}
    for (_, sku, center), n in units.items():
        per[(sku, center)] = per.get((sku, center), 0) + n
    return [Movement(sku=sku, center_id=center, quantity=n, from_bucket=source, to_bucket=target, cause=why,
                     reference=order.fulfillment_order_id) for (sku, center), n in sorted(per.items()) if n > 0]


def held_in(order: Outbound) -> Bucket:
    return Bucket.RESERVED_PROCESSING if order.processing_at is not None else Bucket.RESERVED_CUSTOMER_ORDER


def release_reserved(order: Outbound) -> tuple[Outbound, list[Movement]]:
    """Give back what is reserved and not shipped; allocations shrink to what shipped."""
    moves = movements(order, outstanding(order), held_in(order), Bucket.FULFILLABLE, Why.CUSTOMER_ORDER_RELEASED)
    return msgspec.structs.replace(order, allocations=list(order.shipped)), moves


def lacking(order: Outbound, allocations: list[Allocation]) -> list[Shortfall]:
    """What each line still lacks once `allocations` are counted (sourcing's own shortfalls are not trusted)."""
    got: dict[str, int] = {}
    for a in allocations:
        got[a.item_id] = got.get(a.item_id, 0) + a.quantity
    return [Shortfall(item_id=line.item_id, sku=line.sku, quantity=line.quantity - got.get(line.item_id, 0))
            for line in order.lines if line.quantity > got.get(line.item_id, 0)]


def capped(order: Outbound, allocations: list[Allocation]) -> list[Allocation]:
    """Allocations of known items, no line getting more than it still lacks."""
    lacks = {s.item_id: s.quantity for s in lacking(order, order.allocations)}
    kept = []
    for a in allocations:
        units = min(a.quantity, lacks.get(a.item_id, 0))
        if units > 0 and a.sku == next(line.sku for line in order.lines if line.item_id == a.item_id):
            kept.append(msgspec.structs.replace(a, quantity=units))
            lacks[a.item_id] -= units
    return kept


def reason_of(shortfalls: list[Shortfall]) -> str:
    return "no sellable stock for " + ", ".join(f"{s.quantity} x {s.sku} (item {s.item_id})" for s in shortfalls)


def waiting(order: Outbound) -> bool:
    return (order.fill_policy is FillPolicy.FILL_ALL and bool(order.shortfalls) and not order.leftovers_cancelled
            and order.status not in FINAL)


def settle(order: Outbound, emit: Emit) -> Outbound:
    """An open order with nothing left to ship or wait for ends: Complete, CompletePartialled or Unfulfillable."""
    if order.status in FINAL or outstanding(order) or waiting(order):
        return order
    if not order.shipped:
        why = reason_of(order.shortfalls) if order.shortfalls else "nothing shipped"
        return emit.status(order, S.UNFULFILLABLE, why)
    return emit.status(order, S.COMPLETE_PARTIALLED if order.shortfalls else S.COMPLETE)
