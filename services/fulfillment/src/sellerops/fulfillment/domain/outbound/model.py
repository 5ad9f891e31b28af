"""An outbound order as stored, its statuses and deadline kinds, the events of one decision (Emit), its view."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.fulfillment import AfnOrderUnfulfillable, McfOrderStatusChanged, NetworkPackage
from sellerops.contracts.inventory import (
    Allocation, Movement, OrderKind, OutboundOrderAllocated, OutboundOrderStatusChanged, OutboundOrderView, Shortfall,
)
from sellerops.contracts.orders import FillPolicy, HistoryEntry, McfStatus
from sellerops.fulfillment.domain.common import Cause
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


class Emit(Emitter):
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

    def decided(self, order: Outbound, moves: list[Movement], notes: Iterable[str] = ()) -> Decision:
        """Like Emitter.done, with the ledger movements; an order's updated_at always moves on."""
        self.notes += list(notes)
        order, _ = super().done(msgspec.structs.replace(order, updated_at=self.at))
        return order, self.events, moves


def _summary(event: Event) -> str:
    fields = ("status", "reason", "tracking_number")
    return " ".join(f"{f}={getattr(getattr(event, f), 'value', getattr(event, f))}" for f in fields
                    if getattr(event, f, None) is not None)


def view(order: Outbound) -> OutboundOrderView:
    return OutboundOrderView(
        fulfillment_order_id=order.fulfillment_order_id, seller=order.seller, kind=order.kind, status=order.status,
        fill_policy=order.fill_policy, allocations=order.allocations, shortfalls=order.shortfalls,
        shipped=order.shipped, packages=order.packages, history=order.history, updated_at=order.updated_at)
