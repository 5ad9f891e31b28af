"""GET_FBA_REIMBURSEMENTS_DATA: each line a ReimbursementIssued (a reversal is ignored, noted)."""

from typing import Any

from sellerops.contracts.inbound import ReimbursementIssued
from sellerops.integrations.domain.flatfiles.cells import Bad, Ignore, Row
from sellerops.integrations.domain.flatfiles.report import Report, as_events, checked_event, event_identity
from sellerops.plugins.ingest import fact_id


_REIMBURSEMENT_COLUMNS = {"reimbursement_id": "reimbursement-id", "sku": "sku",
                          "quantity_cash": "quantity-reimbursed-cash",
                          "quantity_inventory": "quantity-reimbursed-inventory", "amount": "amount-total",
                          "amount.currency": "currency-unit",
                          "reason": "reason", "occurred_at": "approval-date"}


def _read_reimbursement(seller: str, row: Row) -> ReimbursementIssued:
    occurred_at = row.date("approval-date")
    cash = row.integer("quantity-reimbursed-cash", default=0)
    inventory = row.integer("quantity-reimbursed-inventory", default=0)
    total = row.decimal("amount-total")
    currency = row.text("currency-unit")
    if cash < 0 or inventory < 0 or (total is not None and total < 0):
        # A reversal (e.g. a reimbursed unit found again): the contract has no negative reimbursement.
        raise Ignore("negative quantity or amount (a reversal of an earlier reimbursement)")
    stated = row.text("quantity-reimbursed-total")
    if stated is not None and row.integer("quantity-reimbursed-total") != cash + inventory:
        raise Bad("quantity-reimbursed-total", f"{stated} is not cash {cash} + inventory {inventory}")
    amount = None
    if total is not None:
        if currency is None:
            raise Bad("currency-unit", f"missing (amount-total is {total})")
        amount = {"amount": total, "currency": currency}
    fields: dict[str, Any] = {
        "reimbursement_id": row.required("reimbursement-id"),
        "sku": row.required("sku"),
        "quantity_cash": cash,
        "quantity_inventory": inventory,
        "amount": amount,
        "reason": row.required("reason"),
        # case_id and shipment_id stay None: the report's case-id is a Seller Support case number, not the
        # id of a sellerops discrepancy case, and the report names no shipment (see the README).
    }
    identity = ("fba-reimbursements", fields["reimbursement_id"], occurred_at.isoformat(), row.text("case-id"),
                row.text("amazon-order-id"), fields["reason"], fields["sku"], row.text("fnsku"), cash, inventory,
                str(total), currency)
    envelope = {"event_id": fact_id(*identity, seller=seller), "seller": seller, "occurred_at": occurred_at}
    return checked_event(ReimbursementIssued, envelope | fields, _REIMBURSEMENT_COLUMNS)  # type: ignore[return-value]


reimbursements = Report(
    name="fba-reimbursements",
    report_type="GET_FBA_REIMBURSEMENTS_DATA",
    description="FBA reimbursements report (tab-delimited): each line a ReimbursementIssued",
    signature=frozenset({"approval-date", "reimbursement-id"}),
    required=("approval-date", "reimbursement-id", "reason", "sku", "currency-unit", "amount-total",
              "quantity-reimbursed-cash", "quantity-reimbursed-inventory"),
    aliases={},
    read=_read_reimbursement,
    identity=event_identity,
    build=as_events,
)
