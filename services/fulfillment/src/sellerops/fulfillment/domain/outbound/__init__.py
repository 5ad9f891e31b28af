"""Outbound orders the network fulfils: AFN customer orders and MCF orders, one aggregate per order id.

Decisions return (order, events, movements); the handler applies the movements to each SKU's ledger.
An order's units sit in RESERVED_CUSTOMER_ORDER while it is Planning (cancellable) and in
RESERVED_PROCESSING from Processing on (units reserved later, by a FillAll restock, go straight there);
shipping removes them, cancelling or giving up releases them to FULFILLABLE. `allocations` is all that
was reserved and not released (shipped units included); what is still to ship is allocations - shipped.

An MCF order with fulfillment action Hold stays Planning with its units reserved until the seller releases
it (then Processing at once), and is cancelled when `hold_limit` (14 days) passes first. An MCF line whose
SKU the network never held makes the order Invalid, the reason naming `$.items[N].seller_sku`.

`model` holds the record and its events, `allocations` the arithmetic on reserved units, `decisions` what
happens to an order.
"""

from sellerops.fulfillment.domain.outbound.allocations import outstanding
from sellerops.fulfillment.domain.outbound.decisions import (
    afn_canceled, cancel, deadline_passed, deadlines, release, requested, reservation_result, restock, shipped, wanted,
)
from sellerops.fulfillment.domain.outbound.model import (
    CANCELLABLE, FILL_ALL_GIVE_UP, FINAL, HOLD_EXPIRED, PLANNING_HOLD, Decision, Line, Outbound, Policy, view,
)

__all__ = [
    "CANCELLABLE", "FILL_ALL_GIVE_UP", "FINAL", "HOLD_EXPIRED", "PLANNING_HOLD", "Decision", "Line", "Outbound",
    "Policy", "afn_canceled", "cancel", "deadline_passed", "deadlines", "outstanding", "release", "requested",
    "reservation_result", "restock", "shipped", "view", "wanted",
]
