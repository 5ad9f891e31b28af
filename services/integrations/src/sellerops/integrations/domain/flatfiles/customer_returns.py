"""GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA: each line a CustomerReturnReported."""

from typing import Any

from sellerops.contracts.returns import CustomerReturnReported, Disposition
from sellerops.integrations.domain.flatfiles.cells import Bad, Row
from sellerops.integrations.domain.flatfiles.report import Report, as_events, checked_event, event_identity
from sellerops.plugins.ingest import fact_id


# The report's detailed-disposition -> the contract's Disposition (DAMAGED: damaged by the fulfillment center).


DISPOSITIONS = {
    "SELLABLE": Disposition.SELLABLE,
    "DEFECTIVE": Disposition.DEFECTIVE,
    "CUSTOMER_DAMAGED": Disposition.CUSTOMER_DAMAGED,
    "CARRIER_DAMAGED": Disposition.CARRIER_DAMAGED,
    "DAMAGED": Disposition.FULFILLER_DAMAGED,
}
_RETURN_COLUMNS = {"return_id": "license-plate-number", "order_id": "order-id", "sku": "sku",
                   "center_id": "fulfillment-center-id", "quantity": "quantity",
                   "disposition": "detailed-disposition", "reason": "reason", "occurred_at": "return-date"}


def _read_return(seller: str, row: Row) -> CustomerReturnReported:
    occurred_at = row.date("return-date")
    quantity = row.integer("quantity")
    if quantity < 1:
        raise Bad("quantity", f"{quantity} is not a positive number of units")
    code = row.required("detailed-disposition")
    disposition = DISPOSITIONS.get(code.upper().replace(" ", "_"))
    if disposition is None:
        raise Bad("detailed-disposition", f"unknown disposition {code!r} (known: {', '.join(DISPOSITIONS)})")
    fields: dict[str, Any] = {
        "return_id": row.required("license-plate-number"),
        "order_id": row.required("order-id"),
        "sku": row.required("sku"),
        "center_id": row.required("fulfillment-center-id"),
        "quantity": quantity,
        "disposition": disposition.value,
        "reason": row.text("reason"),
    }
    identity = ("fba-customer-returns", fields["return_id"], fields["order_id"], fields["sku"],
                fields["center_id"], occurred_at.isoformat(), quantity, disposition.value, fields["reason"])
    envelope = {"event_id": fact_id(*identity, seller=seller), "seller": seller, "occurred_at": occurred_at}
    return checked_event(CustomerReturnReported, envelope | fields, _RETURN_COLUMNS)  # type: ignore[return-value]


customer_returns = Report(
    name="fba-customer-returns",
    report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
    description="FBA customer returns report (tab-delimited): each line a CustomerReturnReported",
    signature=frozenset({"return-date", "detailed-disposition"}),
    required=("return-date", "order-id", "sku", "quantity", "fulfillment-center-id", "detailed-disposition",
              "license-plate-number"),
    aliases={"amazon-order-id": "order-id", "fulfilment-centre-id": "fulfillment-center-id"},
    read=_read_return,
    identity=event_identity,
    build=as_events,
)
