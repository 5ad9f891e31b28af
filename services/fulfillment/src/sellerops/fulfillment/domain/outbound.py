"""Outbound orders the network fulfils: AFN customer orders and MCF orders, one aggregate per order id.

Decisions return (order, events, movements); the handler applies the movements to each SKU's ledger.
An order's units sit in RESERVED_CUSTOMER_ORDER while it is Planning (cancellable) and in
RESERVED_PROCESSING from Processing on (units reserved later, by a FillAll restock, go straight there);
shipping removes them, cancelling or giving up releases them to FULFILLABLE. `allocations` is all that
was reserved and not released (shipped units included); what is still to ship is allocations - shipped.

An MCF order with fulfillment action Hold stays Planning with its units reserved until the seller releases
it (then Processing at once), and is cancelled when `hold_limit` (14 days) passes first. An MCF line whose
SKU the network never held makes the order Invalid, the reason naming `$.items[N].seller_sku`.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import (
    AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged, NetworkPackage,
)
from sellerops.contracts.inventory import (
    Allocation, Bucket, Cause as Why, InventoryMoved, Movement, OrderKind, OutboundOrderAllocated,
    OutboundOrderStatusChanged, OutboundOrderView, OutboundShipmentReported, Shortfall,
)
from sellerops.contracts.orders import FillPolicy, HistoryEntry, McfStatus, OrderCanceled
from sellerops.fulfillment.domain.common import Cause, NotFound, Refused
from sellerops.runtime.decisions import Emitter

S = McfStatus
FINAL = (S.CANCELLED, S.COMPLETE, S.COMPLETE_PARTIALLED, S.UNFULFILLABLE, S.INVALID)
CANCELLABLE = (S.RECEIVED, S.PLANNING)
PLANNING_HOLD = "planning_hold"
FILL_ALL_GIVE_UP = "fill_all_give_up"
HOLD_EXPIRED = "hold_expired"
Key = tuple[str, str, str]  # item id, SKU, center


class Policy(NamedTuple):
    # How long an order stays Planning (cancellable) before Processing: a setting; no public source gives it.
    planning_hold: timedelta = timedelta(minutes=30)
    # FillAll leftovers end as CompletePartialled or Unfulfillable after this long (docs/domain.md, "MCF").
    fill_all_wait: timedelta = timedelta(hours=24)
    afn_fill_policy: FillPolicy = FillPolicy.FILL_OR_KILL
    # A held MCF order (fulfillment action Hold) not released by then is cancelled (docs/domain.md, "MCF").
    hold_limit: timedelta = timedelta(days=14)


class Line(msgspec.Struct, frozen=True):
    item_id: str
    sku: str
    quantity: int


class Outbound(msgspec.Struct, frozen=True, kw_only=True):
    fulfillment_order_id: str
    seller: str
    kind: OrderKind
    status: McfStatus
    fill_policy: FillPolicy
    lines: list[Line]
    destination: tuple[float, float] | None = None
    strategy: str = ""
    allocations: list[Allocation] = []
    shortfalls: list[Shortfall] = []  # units not reserved: waiting (FillAll) or given up
    leftovers_cancelled: bool = False  # shortfalls are no longer waited for
    shipped: list[Allocation] = []
    packages: list[NetworkPackage] = []
    requested_at: datetime
    processing_at: datetime | None = None
    held: bool = False  # fulfillment action Hold, not released yet
    cancel_requested: bool = False
    history: list[HistoryEntry] = []
    updated_at: datetime


Decision = tuple[Outbound | None, list[Event], list[Movement]]


class _Emit(Emitter):
    """Events of one outbound decision (see Emitter); its events name the order in their own fields."""

    def __init__(self, order: Outbound, cause: Cause, at: datetime) -> None:
        super().__init__(order.seller, cause, at, summary=_summary)

    def status(self, order: Outbound, status: McfStatus, reason: str | None = None) -> Outbound:
        self(OutboundOrderStatusChanged, fulfillment_order_id=order.fulfillment_order_id, kind=order.kind,
             previous=order.status, status=status, reason=reason)
        if order.kind is OrderKind.MCF:
            self(McfOrderStatusChanged, mcf_order_id=order.fulfillment_order_id, status=status, reason=reason,
                 packages=order.packages if status in FINAL else [])
        elif status is S.UNFULFILLABLE:
            self(AfnOrderUnfulfillable, order_id=order.fulfillment_order_id, reason=reason or "unfulfillable")
        return msgspec.structs.replace(order, status=status)

    def allocated(self, order: Outbound) -> None:
        self(OutboundOrderAllocated, fulfillment_order_id=order.fulfillment_order_id, kind=order.kind,
             status=order.status, allocations=order.allocations, shortfalls=order.shortfalls,
             fill_policy=order.fill_policy, strategy=order.strategy)

    def done(self, order: Outbound, moves: list[Movement], notes: Iterable[str] = ()) -> Decision:
        """Like Emitter.done, with the ledger movements; an order's updated_at always moves on."""
        self.notes += list(notes)
        order, _ = super().done(msgspec.structs.replace(order, updated_at=self.at))
        return order, self.events, moves


def _summary(event: Event) -> str:
    fields = ("status", "reason", "tracking_number")
    return " ".join(f"{f}={getattr(getattr(event, f), 'value', getattr(event, f))}" for f in fields
                    if getattr(event, f, None) is not None)


# ---- arithmetic on allocations ----


def _tally(rows: Iterable[Allocation]) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for a in rows:
        out[(a.item_id, a.sku, a.center_id)] = out.get((a.item_id, a.sku, a.center_id), 0) + a.quantity
    return out


def _rows(tally: dict[Key, int]) -> list[Allocation]:
    return [Allocation(item_id=i, sku=s, center_id=c, quantity=n) for (i, s, c), n in tally.items() if n > 0]


def outstanding(order: Outbound) -> dict[Key, int]:
    """Reserved and not shipped yet, per item, SKU and center."""
    shipped = _tally(order.shipped)
    return {k: n - shipped.get(k, 0) for k, n in _tally(order.allocations).items() if n > shipped.get(k, 0)}


def _moves(order: Outbound, units: dict[Key, int], source: Bucket | None, target: Bucket | None,
           why: Why) -> list[Movement]:
    per: dict[tuple[str, str], int] = {}
    for (_, sku, center), n in units.items():
        per[(sku, center)] = per.get((sku, center), 0) + n
    return [Movement(sku=sku, center_id=center, quantity=n, from_bucket=source, to_bucket=target, cause=why,
                     reference=order.fulfillment_order_id) for (sku, center), n in sorted(per.items()) if n > 0]


def _held_in(order: Outbound) -> Bucket:
    return Bucket.RESERVED_PROCESSING if order.processing_at is not None else Bucket.RESERVED_CUSTOMER_ORDER


def _release(order: Outbound) -> tuple[Outbound, list[Movement]]:
    """Give back what is reserved and not shipped; allocations shrink to what shipped."""
    moves = _moves(order, outstanding(order), _held_in(order), Bucket.FULFILLABLE, Why.CUSTOMER_ORDER_RELEASED)
    return msgspec.structs.replace(order, allocations=list(order.shipped)), moves


def _short(order: Outbound, allocations: list[Allocation]) -> list[Shortfall]:
    """What each line still lacks once `allocations` are counted (sourcing's own shortfalls are not trusted)."""
    got: dict[str, int] = {}
    for a in allocations:
        got[a.item_id] = got.get(a.item_id, 0) + a.quantity
    return [Shortfall(item_id=line.item_id, sku=line.sku, quantity=line.quantity - got.get(line.item_id, 0))
            for line in order.lines if line.quantity > got.get(line.item_id, 0)]


def _capped(order: Outbound, allocations: list[Allocation]) -> list[Allocation]:
    """Allocations of known items, no line getting more than it still lacks."""
    lacks = {s.item_id: s.quantity for s in _short(order, order.allocations)}
    kept = []
    for a in allocations:
        units = min(a.quantity, lacks.get(a.item_id, 0))
        if units > 0 and a.sku == next(line.sku for line in order.lines if line.item_id == a.item_id):
            kept.append(msgspec.structs.replace(a, quantity=units))
            lacks[a.item_id] -= units
    return kept


def _reason(shortfalls: list[Shortfall]) -> str:
    return "no sellable stock for " + ", ".join(f"{s.quantity} x {s.sku} (item {s.item_id})" for s in shortfalls)


def _waiting(order: Outbound) -> bool:
    return (order.fill_policy is FillPolicy.FILL_ALL and bool(order.shortfalls) and not order.leftovers_cancelled
            and order.status not in FINAL)


def _settle(order: Outbound, emit: _Emit) -> Outbound:
    """An open order with nothing left to ship or wait for ends: Complete, CompletePartialled or Unfulfillable."""
    if order.status in FINAL or outstanding(order) or _waiting(order):
        return order
    if not order.shipped:
        return emit.status(order, S.UNFULFILLABLE, _reason(order.shortfalls) if order.shortfalls else "nothing shipped")
    return emit.status(order, S.COMPLETE_PARTIALLED if order.shortfalls else S.COMPLETE)


# ---- decisions ----


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
    emit = _Emit(order, cause, at)
    order = emit.status(order, S.RECEIVED)
    unknown = [f"$.items[{i}].seller_sku: unknown SKU {sku!r} (the network never held it)"
               for i, (_, sku, _) in enumerate(lines) if sku in unknown_skus]
    if not order.lines or unknown:
        order = emit.status(order, S.INVALID, "; ".join(unknown) or "no units to ship")
        emit.allocated(order)
        return emit.done(order, [])
    allocations = _capped(order, allocations)
    order = msgspec.structs.replace(order, allocations=allocations, shortfalls=_short(order, allocations))
    kill = order.shortfalls and order.fill_policy is FillPolicy.FILL_OR_KILL
    if kill or (not allocations and order.fill_policy is FillPolicy.FILL_ALL_AVAILABLE):
        order = msgspec.structs.replace(order, allocations=[])
        order = emit.status(order, S.UNFULFILLABLE, _reason(order.shortfalls))
        emit.allocated(order)
        return emit.done(order, [])
    order = msgspec.structs.replace(order, leftovers_cancelled=order.fill_policy is FillPolicy.FILL_ALL_AVAILABLE)
    order = emit.status(order, S.PLANNING)
    emit.allocated(order)
    moves = _moves(order, _tally(allocations), Bucket.FULFILLABLE, Bucket.RESERVED_CUSTOMER_ORDER,
                   Why.CUSTOMER_ORDER_RESERVED)
    return emit.done(order, moves)


def reservation_result(order: Outbound | None, moved: list[InventoryMoved], at: datetime | None = None) -> Decision:
    """The ledger reserved less than asked (another order took the units first): the short units become
    shortfalls and the fill policy decides again. Entries of other orders or causes are ignored."""
    shorts = [e for e in moved if isinstance(e, InventoryMoved) and e.short > 0
              and e.cause is Why.CUSTOMER_ORDER_RESERVED and order is not None
              and e.reference == order.fulfillment_order_id]
    if order is None or not shorts or order.status in FINAL:
        return order, [], []
    emit = _Emit(order, Cause.of(shorts[0]), at or shorts[0].occurred_at)
    tally = _tally(order.allocations)
    for e in shorts:
        lack = e.short
        for key in sorted((k for k in tally if k[1:] == (e.sku, e.center_id)), reverse=True):
            units = min(lack, tally[key])
            tally[key] -= units
            lack -= units
    order = msgspec.structs.replace(order, allocations=_rows(tally))
    order = msgspec.structs.replace(order, shortfalls=_short(order, order.allocations))
    moves: list[Movement] = []
    if order.fill_policy is FillPolicy.FILL_OR_KILL:
        order, moves = _release(order)
        order = emit.status(order, S.UNFULFILLABLE, _reason(order.shortfalls))
    order = _settle(order, emit)
    emit.allocated(order)
    return emit.done(order, moves)


def wanted(order: Outbound) -> list[tuple[str, str, int]]:
    """The lines a FillAll order still waits for, as (item id, SKU, quantity) for the sourcing plugin."""
    return [(s.item_id, s.sku, s.quantity) for s in order.shortfalls] if _waiting(order) else []


def restock(order: Outbound | None, *, allocations: list[Allocation], cause: Cause, at: datetime,
            shortfalls: list[Shortfall] | None = None) -> Decision:
    """Stock arrived for a waiting FillAll order: reserve what sourcing found for its shortfalls."""
    if order is None or not _waiting(order):
        return order, [], []
    found = _capped(order, allocations)
    if not found:
        return order, [], []
    emit = _Emit(order, cause, at)
    everything = [*order.allocations, *found]
    order = msgspec.structs.replace(order, allocations=_rows(_tally(everything)), shortfalls=_short(order, everything))
    emit.allocated(order)
    moves = _moves(order, _tally(found), Bucket.FULFILLABLE, _held_in(order), Why.CUSTOMER_ORDER_RESERVED)
    return emit.done(order, moves)


def _processing(order: Outbound, emit: _Emit, at: datetime) -> tuple[Outbound, list[Movement]]:
    moves = _moves(order, outstanding(order), Bucket.RESERVED_CUSTOMER_ORDER, Bucket.RESERVED_PROCESSING,
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
    emit = _Emit(order, cause, at)
    order, moves = _release(order)
    order = emit.status(order, S.CANCELLED, reason)
    return emit.done(order, moves)


def shipped(order: Outbound | None, fact: OutboundShipmentReported) -> Decision:
    """A package left a center. Units count against what that center reserved for each item; more than that,
    or items the order does not have, are recorded in the package and the history but move no stock."""
    if order is None or any(p.tracking_number == fact.package.tracking_number for p in order.packages):
        return order, [], []
    emit = _Emit(order, Cause.of(fact), fact.occurred_at)
    moves: list[Movement] = []
    order = msgspec.structs.replace(order, held=False)  # a package left: whatever was held is not any more
    if order.status in CANCELLABLE:  # a package means the order was picked: it is processing now
        order, moves = _processing(order, emit, fact.occurred_at)
    left, sku_of = outstanding(order), {line.item_id: line.sku for line in order.lines}
    out, notes = {}, []
    for item in fact.package.items:
        key = (item.order_item_id, sku_of.get(item.order_item_id, ""), fact.center_id)
        units = min(item.quantity, left.get(key, 0) - out.get(key, 0))
        out[key] = out.get(key, 0) + units
        if units < item.quantity:
            notes.append(f"package {fact.package.tracking_number}: {item.quantity - units} x item "
                         f"{item.order_item_id} shipped from {fact.center_id} beyond what was reserved there")
    moves += _moves(order, out, _held_in(order), None, Why.CUSTOMER_ORDER_SHIPPED)
    order = msgspec.structs.replace(order, shipped=_rows(_tally([*order.shipped, *_rows(out)])),
                                    packages=[*order.packages, fact.package])
    if order.kind is OrderKind.AFN:
        emit(AfnOrderShipped, order_id=order.fulfillment_order_id, package=fact.package)
    order = _settle(order, emit)
    return emit.done(order, moves, notes)


def release(order: Outbound | None, *, cause: Cause, at: datetime) -> Decision:
    """The seller released a held MCF order: it goes to Processing at once (Planning's hold is over)."""
    if order is None or not order.held or order.status in FINAL:
        return order, [], []
    emit = _Emit(order, cause, at)
    order = msgspec.structs.replace(order, held=False)
    moves: list[Movement] = []
    if order.status is S.PLANNING and outstanding(order):
        order, moves = _processing(order, emit, at)
    return emit.done(order, moves, ["released by the seller"])


def deadlines(order: Outbound, policy: Policy) -> list[tuple[str, datetime]]:
    """Open deadlines: leave Planning after the hold (when something is reserved), give up FillAll leftovers;
    a held order: its hold limit."""
    due = []
    if order.held and order.status not in FINAL:
        return [(HOLD_EXPIRED, order.requested_at + policy.hold_limit)]
    if order.status is S.PLANNING and outstanding(order):
        due.append((PLANNING_HOLD, order.requested_at + policy.planning_hold))
    if _waiting(order):
        due.append((FILL_ALL_GIVE_UP, order.requested_at + policy.fill_all_wait))
    return due


def deadline_passed(order: Outbound | None, *, kind: str, due: datetime, policy: Policy) -> Decision:
    """Act on a deadline if the order still lists it (so each fires once)."""
    if order is None or (kind, due) not in deadlines(order, policy):
        return order, [], []
    emit = _Emit(order, Cause(f"deadline/{order.seller}/{order.fulfillment_order_id}/{kind}/{due.isoformat()}"), due)
    if kind == PLANNING_HOLD:
        order, moves = _processing(order, emit, due)
        return emit.done(order, moves)
    if kind == HOLD_EXPIRED:
        order, moves = _release(msgspec.structs.replace(order, held=False))
        order = emit.status(order, S.CANCELLED, f"held {policy.hold_limit.days} days without a release")
        return emit.done(order, moves)
    # FillAll gives up: what is reserved still ships (CompletePartialled then); with nothing, Unfulfillable.
    order = _settle(msgspec.structs.replace(order, leftovers_cancelled=True), emit)
    return emit.done(order, [], [f"gave up waiting for {sum(s.quantity for s in order.shortfalls)} units"])


def view(order: Outbound) -> OutboundOrderView:
    return OutboundOrderView(
        fulfillment_order_id=order.fulfillment_order_id, seller=order.seller, kind=order.kind, status=order.status,
        fill_policy=order.fill_policy, allocations=order.allocations, shortfalls=order.shortfalls,
        shipped=order.shipped, packages=order.packages, history=order.history, updated_at=order.updated_at)
