"""Seller Central flat files as `sellerops.ingest` plugins: three FBA reports, one `Ingester` each.

| Ingester               | Report type (Reports API)                      | Fact                                 |
|------------------------|------------------------------------------------|--------------------------------------|
| `fba-customer-returns` | GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA      | CustomerReturnReported, one a line   |
| `fba-reimbursements`   | GET_FBA_REIMBURSEMENTS_DATA                    | ReimbursementIssued, one a line      |
| `fba-inbound-receipts` | GET_FBA_FULFILLMENT_INVENTORY_RECEIPTS_DATA    | InboundReceiptReported, one a receipt|

Where the column names come from (the download headers, tab-delimited, one header row):

- Customer returns: `return-date order-id sku asin fnsku product-name quantity fulfillment-center-id
  detailed-disposition reason status license-plate-number customer-comments`, the header the open-source
  MWS client caponica/AmazonMwsComplete checks for this report (class ReportFbaReturns, EXPECTED_HEADER).
  Seller Central's help page "FBA customer returns report" (SC-com:200453320 and its .com.au/.it/.com.br
  copies) names the order column `amazon-order-id` (the .co.jp copy: `order-id`), so both are accepted.
  The condition codes SELLABLE, DAMAGED, CUSTOMER_DAMAGED, DEFECTIVE, CARRIER_DAMAGED are that page's.
- Reimbursements: `approval-date reimbursement-id case-id amazon-order-id reason sku fnsku asin product-name
  condition currency-unit amount-per-unit amount-total quantity-reimbursed-cash quantity-reimbursed-inventory
  quantity-reimbursed-total original-reimbursement-id original-reimbursement-type`: Seller Central's help
  page "Reimbursements report" (SC-com:200732720, download headers), in that order in public parsers' test
  files of the downloaded report.
- Inventory receipts ("FBA Received Inventory"): `received-date fnsku sku product-name quantity
  fba-shipment-id fulfillment-center-id`, the header caponica/AmazonMwsComplete checks for
  REPORT_FBA_INVENTORY_RECEIVED (class ReportFbaInventoryReceived, EXPECTED_HEADER).

Reading rules (all three reports):

- The text may start with a BOM and use Windows line endings. Cells are split on tabs with `csv`'s
  excel-tab dialect, but without quote handling: Amazon's .txt reports are not quoted, and a product name
  that starts with `"` would otherwise swallow the cells after it.
- Header names are matched without regard to case or surrounding blanks (the help pages write `Sku`).
- Dates: ISO 8601 with an offset (`2026-11-20T14:03:00+00:00`, `...Z`), the older
  `2026-11-20 14:03:00 UTC` (also GMT, PST = -08:00, PDT = -07:00), or a bare date (midnight UTC).
  A date-time without a zone is a problem: guessing one would shift the fact. All become aware UTC.
- A line that cannot be read is a `Problem` at `line N: column X` saying why; the other lines still
  become facts. A required column missing from the header is one problem naming it (and no line is read).
  A line read a second time (the same identifying fields) counts as a duplicate.
- Event ids are `fact_id(<ingester name>, <the line's identifying fields>, seller=...)`: re-ingesting a file, or a
  later report that repeats a line, publishes nothing new.
"""

from sellerops.integrations.domain.flatfiles.cells import parse_date
from sellerops.integrations.domain.flatfiles.customer_returns import customer_returns
from sellerops.integrations.domain.flatfiles.receipts import inbound_receipts, receipt_id
from sellerops.integrations.domain.flatfiles.reimbursements import reimbursements
from sellerops.plugins.ingest import Ingester

__all__ = ["INGESTERS", "customer_returns", "inbound_receipts", "parse_date", "receipt_id", "reimbursements"]

INGESTERS: list[Ingester] = [report.ingester() for report in (customer_returns, reimbursements, inbound_receipts)]
