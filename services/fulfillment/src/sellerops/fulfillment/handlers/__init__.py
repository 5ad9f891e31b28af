"""Use cases as short recipes, one module per aggregate: load what the decision needs, decide and save in one
store call, publish.

- `plans`: inbound plans and their placement options (and the demand placement prices against);
- `shipments`: inbound shipments, receiving, discrepancy cases and reimbursements;
- `inventory`: the SKU ledgers, the market's reports about them, and the ledger check;
- `outbound`: AFN and MCF orders, their reservations and backorders;
- `removals`: removal orders.

Shipments, outbound and removal orders move stock in the SKU ledgers: `effects` saves the movements with
the decision (domain.boxed) and applies them to the ledgers afterwards, so a crash in between loses nothing.
"""

from sellerops.fulfillment.handlers import effects, inventory, outbound, plans, removals, shipments

__all__ = ["effects", "inventory", "outbound", "plans", "removals", "shipments"]
