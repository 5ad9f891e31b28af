"""What happens to an outbound order: requested, short in the ledger, restocked, released, cancelled, shipped,
and its deadlines (the Planning hold, FillAll's wait, a held order's limit)."""

from datetime import datetime

import msgspec

from sellerops.contracts.fulfillment import AfnOrderShipped
from sellerops.contracts.inventory import (
    Allocation, Bucket, Cause as Why, InventoryMoved, Movement, OrderKind, OutboundShipmentReported, Shortfall,
)
from sellerops.contracts.orders import FillPolicy, OrderCanceled
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused
from sellerops.fulfillment.domain.outbound.allocations import (
    capped, held_in, lacking, movements, outstanding, reason_of, release_reserved, rows_of, settle, tallied, waiting,
)
from sellerops.fulfillment.domain.outbound.model import (
    CANCELLABLE, FILL_ALL_GIVE_UP, FINAL, HOLD_EXPIRED, PLANNING_HOLD, Decision, Emit, Key, Line, Outbound, Policy, S,
)


def requested(existing: Outbound | None, *, kind: OrderKind, order_id: str, seller: str,
              lines: list[tuple[str, str, int]], destination: tuple[float, float] | None, fill_policy: FillPolicy,
              cause: Cause, at: datetime, allocations: list[Allocation], shortfalls: list[Shortfall],
              strategy: str, held: bool = False, unknown_skus: frozenset[str] = frozenset()) -> Decision:
    """A new order, with what sourcing found on hand. Received, then Planning with units reserved, or
    Unfulfillable: FillOrKill with any line short, FillAllAvailable with nothing at all; Invalid when a line
    names a SKU the network never held (`unknown_skus`). The shortfalls are recomputed from the lines
    (`shortfalls` is accepted for the handler's symmetry). `held`: stay Planning until `release`."""
    if existing is not None:
        return existing, [], []
    order = Outbound(fulfillment_order_id=order_id, seller=seller, kind=kind, status=S.NEW, fill_policy=fill_policy,
                     lines=[Line(*line) for line in lines if line[2] > 0], destination=destination, strategy=strategy,
                     requested_at=at, updated_at=at, held=held)
    emit = Emit(order, cause, at)
    order = emit.status(order, S.RECEIVED)
    unknown = [f"$.items[{i}].seller_sku: unknown SKU {sku!r} (the network never held it)"
               for i, (_, sku, _) in enumerate(lines) if sku in unknown_skus]
    if not order.lines or unknown:
        order = emit.status(order, S.INVALID, "; ".join(unknown) or "no units to ship")
        emit.allocated(order)
        return emit.decided(order, [])
    allocations = capped(order, allocations)
    order = msgspec.structs.replace(order, allocations=allocations, shortfalls=lacking(order, allocations))
    kill = order.shortfalls and order.fill_policy is FillPolicy.FILL_OR_KILL
    if kill or (not allocations and order.fill_policy is FillPolicy.FILL_ALL_AVAILABLE):
        order = msgspec.structs.replace(order, allocations=[])
        order = emit.status(order, S.UNFULFILLABLE, reason_of(order.shortfalls))
        emit.allocated(order)
        return emit.decided(order, [])
    order = msgspec.structs.replace(order, leftovers_cancelled=order.fill_policy is FillPolicy.FILL_ALL_AVAILABLE)
    order = emit.status(order, S.PLANNING)
    emit.allocated(order)
    moves = movements(order, tallied(allocations), Bucket.FULFILLABLE, Bucket.RESERVED_CUSTOMER_ORDER,
                   Why.CUSTOMER_ORDER_RESERVED)
    return emit.decided(order, moves)


def reservation_result(order: Outbound | None, moved: list[InventoryMoved], at: datetime | None = None) -> Decision:
    """The ledger reserved less than asked (another order took the units first): the short units become
    shortfalls and the fill policy decides again. Entries of other orders or causes are ignored."""
    shorts = [e for e in moved if isinstance(e, InventoryMoved) and e.short > 0
              and e.cause is Why.CUSTOMER_ORDER_RESERVED and order is not None
              and e.reference == order.fulfillment_order_id]
    if order is None or not shorts or order.status in FINAL:
        return order, [], []
    emit = Emit(order, Cause.of(shorts[0]), at or shorts[0].occurred_at)
    tally = tallied(order.allocations)
    for e in shorts:
        lack = e.short
        for key in sorted((k for k in tally if k[1:] == (e.sku, e.center_id)), reverse=True):
            units = min(lack, tally[key])
            tally[key] -= units
            lack -= units
    order = msgspec.structs.replace(order, allocations=rows_of(tally))
    order = msgspec.structs.replace(order, shortfalls=lacking(order, order.allocations))
    moves: list[Movement] = []
    if order.fill_policy is FillPolicy.FILL_OR_KILL:
        order, moves = release_reserved(order)
        order = emit.status(order, S.UNFULFILLABLE, reason_of(order.shortfalls))
    order = settle(order, emit)
    emit.allocated(order)
    return emit.decided(order, moves)


def wanted(order: Outbound) -> list[tuple[str, str, int]]:
    """The lines a FillAll order still waits for, as (item id, SKU, quantity) for the sourcing plugin."""
    return [(s.item_id, s.sku, s.quantity) for s in order.shortfalls] if waiting(order) else []


def restock(order: Outbound | None, *, allocations: list[Allocation], cause: Cause, at: datetime,
            shortfalls: list[Shortfall] | None = None) -> Decision:
    """Stock arrived for a waiting FillAll order: reserve what sourcing found for its shortfalls."""
    if order is None or not waiting(order):
        return order, [], []
    found = capped(order, allocations)
    if not found:
        return order, [], []
    emit = Emit(order, cause, at)
    everything = [*order.allocations, *found]
    order = msgspec.structs.replace(order, allocations=rows_of(tallied(everything)),
                                    shortfalls=lacking(order, everything))
    emit.allocated(order)
    moves = movements(order, tallied(found), Bucket.FULFILLABLE, held_in(order), Why.CUSTOMER_ORDER_RESERVED)
    return emit.decided(order, moves)


def _processing(order: Outbound, emit: Emit, at: datetime) -> tuple[Outbound, list[Movement]]:
    moves = movements(order, outstanding(order), Bucket.RESERVED_CUSTOMER_ORDER, Bucket.RESERVED_PROCESSING,
                   Why.CUSTOMER_ORDER_PROCESSING)
    order = emit.status(order, S.PROCESSING)
    return msgspec.structs.replace(order, processing_at=at), moves


def cancel(order: Outbound | None, *, cause: Cause, at: datetime) -> Decision:
    """The seller cancels an MCF order: only while Received or Planning; cancelling twice is one cancel."""
    if order is None:
        raise NotFound("outbound order not found")
    if order.status is S.CANCELLED:
        return order, [], []
    if order.kind is not OrderKind.MCF:
        raise Refused("an AFN order is canceled through the orders service", "$.mcf_order_id")
    if order.status not in CANCELLABLE:
        raise Refused(f"MCF order is {order.status.value}: it can be cancelled only while Received or Planning",
                      "$.mcf_order_id")
    return _cancelled(msgspec.structs.replace(order, cancel_requested=True), cause, at, None)


def afn_canceled(order: Outbound | None, canceled: OrderCanceled) -> Decision:
    """The orders service canceled an AFN order: release it unless something has shipped (then it goes on)."""
    if order is None or order.kind is not OrderKind.AFN or order.status in FINAL or order.shipped:
        return order, [], []
    return _cancelled(order, Cause.of(canceled), canceled.occurred_at, canceled.reason)


def _cancelled(order: Outbound, cause: Cause, at: datetime, reason: str | None) -> Decision:
    emit = Emit(order, cause, at)
    order, moves = release_reserved(order)
    order = emit.status(order, S.CANCELLED, reason)
    return emit.decided(order, moves)


def shipped(order: Outbound | None, fact: OutboundShipmentReported) -> Decision:
    """A package left a center. Units count against what that center reserved for each item; more than that,
    or items the order does not have, are recorded in the package and the history but move no stock."""
    if order is None or any(p.tracking_number == fact.package.tracking_number for p in order.packages):
        return order, [], []
    emit = Emit(order, Cause.of(fact), fact.occurred_at)
    moves: list[Movement] = []
    order = msgspec.structs.replace(order, held=False)  # a package left: whatever was held is not any more
    if order.status in CANCELLABLE:  # a package means the order was picked: it is processing now
        order, moves = _processing(order, emit, fact.occurred_at)
    left, sku_of = outstanding(order), {line.item_id: line.sku for line in order.lines}
    out: dict[Key, int] = {}
    notes: list[str] = []
    for item in fact.package.items:
        key = (item.order_item_id, sku_of.get(item.order_item_id, ""), fact.center_id)
        units = min(item.quantity, left.get(key, 0) - out.get(key, 0))
        out[key] = out.get(key, 0) + units
        if units < item.quantity:
            notes.append(f"package {fact.package.tracking_number}: {item.quantity - units} x item "
                         f"{item.order_item_id} shipped from {fact.center_id} beyond what was reserved there")
    moves += movements(order, out, held_in(order), None, Why.CUSTOMER_ORDER_SHIPPED)
    order = msgspec.structs.replace(order, shipped=rows_of(tallied([*order.shipped, *rows_of(out)])),
                                    packages=[*order.packages, fact.package])
    if order.kind is OrderKind.AFN:
        emit(AfnOrderShipped, order_id=order.fulfillment_order_id, package=fact.package)
    order = settle(order, emit)
    return emit.decided(order, moves, notes)


def release(order: Outbound | None, *, cause: Cause, at: datetime) -> Decision:
    """The seller released a held MCF order: it goes to Processing at once (Planning's hold is over)."""
    if order is None or not order.held or order.status in FINAL:
        return order, [], []
    emit = Emit(order, cause, at)
    order = msgspec.structs.replace(order, held=False)
    moves: list[Movement] = []
    if order.status is S.PLANNING and outstanding(order):
        order, moves = _processing(order, emit, at)
    return emit.decided(order, moves, ["released by the seller"])


def deadlines(order: Outbound, policy: Policy) -> list[tuple[str, datetime]]:
    """Open deadlines: leave Planning after the hold (when something is reserved), give up FillAll leftovers;
    a held order: its hold limit."""
    due = []
    if order.held and order.status not in FINAL:
        return [(HOLD_EXPIRED, order.requested_at + policy.hold_limit)]
    if order.status is S.PLANNING and outstanding(order):
        due.append((PLANNING_HOLD, order.requested_at + policy.planning_hold))
    if waiting(order):
        due.append((FILL_ALL_GIVE_UP, order.requested_at + policy.fill_all_wait))
    return due


def deadline_passed(order: Outbound | None, *, kind: str, due: datetime, policy: Policy) -> Decision:
    """Act on a deadline if the order still lists it (so each fires once)."""
    if order is None or (kind, due) not in deadlines(order, policy):
        return order, [], []
    emit = Emit(order, Cause(f"deadline/{order.seller}/{order.fulfillment_order_id}/{kind}/{due.isoformat()}"), due)
    if kind == PLANNING_HOLD:
        order, moves = _processing(order, emit, due)
        return emit.decided(order, moves)
    if kind == HOLD_EXPIRED:
        order, moves = release_reserved(msgspec.structs.replace(order, held=False))
        order = emit.status(order, S.CANCELLED, f"held {policy.hold_limit.days} days without a release")
        return emit.decided(order, moves)
    # FillAll gives up: what is reserved still ships (CompletePartialled then); with nothing, Unfulfillable.
    order = settle(msgspec.structs.replace(order, leftovers_cancelled=True), emit)
    return emit.decided(order, [], [f"gave up waiting for {sum(s.quantity for s in order.shortfalls)} units"])
