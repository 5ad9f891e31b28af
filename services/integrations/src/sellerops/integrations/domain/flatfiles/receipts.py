"""GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA: the lines of a shipment received at the same time make one
InboundReceiptReported."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sellerops.contracts.envelope import Event
from sellerops.contracts.inbound import InboundReceiptReported
from sellerops.integrations.domain.flatfiles.cells import Bad, Row
from sellerops.integrations.domain.flatfiles.report import Report, checked_event
from sellerops.plugins.ingest import fact_id


@dataclass(frozen=True)
class _Receipt:
    number: int
    shipment_id: str
    received_at: datetime
    sku: str
    fnsku: str | None
    center_id: str | None
    quantity: int


def _read_receipt(seller: str, row: Row) -> _Receipt:
    received_at = row.date("received-date")
    quantity = row.integer("quantity")
    if quantity < 1:
        raise Bad("quantity", f"{quantity} is not a positive number of units")
    return _Receipt(row.number, row.required("fba-shipment-id"), received_at, row.required("sku"),
                    row.text("fnsku"), row.text("fulfillment-center-id"), quantity)


def receipt_id(shipment_id: str, received_at: datetime) -> str:
    """The stable id of the receipt of `shipment_id` at `received_at` (the report has none)."""
    return f"{shipment_id}.{received_at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _build_receipts(seller: str, records: list[_Receipt]) -> list[Event]:
    """Lines of one shipment received at the same time make one receipt, with one line per SKU (summed).
    The event id is derived from the receipt id alone: fulfillment counts a receipt id once."""
    groups: dict[tuple[str, datetime], dict[str, int]] = {}
    for record in records:
        lines = groups.setdefault((record.shipment_id, record.received_at), {})
        lines[record.sku] = lines.get(record.sku, 0) + record.quantity
    events: list[Event] = []
    columns = {"shipment_id": "fba-shipment-id", "receipt_id": "fba-shipment-id", "lines": "sku"}
    for (shipment_id, received_at), lines in groups.items():
        rid = receipt_id(shipment_id, received_at)
        fields = {"event_id": fact_id("fba-inbound-receipts", rid, seller=seller), "seller": seller, "occurred_at": received_at,
                  "shipment_id": shipment_id, "receipt_id": rid,
                  "lines": [{"sku": sku, "received": units, "damaged": 0} for sku, units in lines.items()]}
        events.append(checked_event(InboundReceiptReported, fields, columns))
    return events


def _receipt_identity(record: _Receipt) -> tuple:
    return (record.shipment_id, record.received_at, record.sku, record.fnsku, record.center_id, record.quantity)


def _read_receipt_checked(seller: str, row: Row) -> _Receipt:
    record = _read_receipt(seller, row)
    # Validate what the fact will carry now, so a bad id or SKU is this line's problem, not the receipt's.
    rid = receipt_id(record.shipment_id, record.received_at)
    checked_event(InboundReceiptReported,
           {"event_id": fact_id("check", seller=seller), "seller": seller, "occurred_at": record.received_at,
            "shipment_id": record.shipment_id, "receipt_id": rid,
            "lines": [{"sku": record.sku, "received": record.quantity}]},
           {"shipment_id": "fba-shipment-id", "receipt_id": "fba-shipment-id", "lines": "sku", "seller": "seller"})
    return record


inbound_receipts = Report(
    name="fba-inbound-receipts",
    report_type="GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA",
    description="FBA received inventory report (tab-delimited): lines of a shipment received at the same time "
                "become one InboundReceiptReported",
    signature=frozenset({"received-date", "fba-shipment-id"}),
    required=("received-date", "sku", "quantity", "fba-shipment-id"),
    aliases={"fulfilment-centre-id": "fulfillment-center-id"},
    read=_read_receipt_checked,
    identity=_receipt_identity,
    build=_build_receipts,  # type: ignore[arg-type]
)
