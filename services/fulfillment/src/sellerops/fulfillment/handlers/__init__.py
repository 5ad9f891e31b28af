"""Use cases as short recipes, one module per aggregate: load what the decision needs, decide and save in one
store call (which publishes what it decided).

- `plans`: inbound plans and their placement options (and the demand placement prices against);
- `shipments`: inbound shipments, receiving, discrepancy cases and reimbursements;
- `inventory`: the SKU ledgers, the market's reports about them, and the ledger check;
- `outbound`: AFN and MCF orders, their reservations and backorders;
- `removals`: removal orders.

Shipments, outbound and removal orders move stock in the SKU ledgers: their stores keep each decision's
movements as a pending effect of the record (runtime.effects), and `effects.carry_out` applies them.
"""

from sellerops.fulfillment.handlers import effects, inventory, outbound, plans, removals, shipments

__all__ = ["effects", "inventory", "outbound", "plans", "removals", "shipments"]
