"""FBA customer returns: what the fulfillment center reports, and whether the item came back."""

from enum import Enum
from typing import ClassVar

from sellerops.contracts.envelope import Count, Event, Id, PositiveCount, Timestamp
from sellerops.contracts.inventory import Bucket
from sellerops.contracts.market import Money, Sku


class Disposition(str, Enum):
    """The FBA customer returns report's detailed disposition of a returned unit."""

    SELLABLE = "SELLABLE"
    DEFECTIVE = "DEFECTIVE"
    CUSTOMER_DAMAGED = "CUSTOMER_DAMAGED"
    CARRIER_DAMAGED = "CARRIER_DAMAGED"
    FULFILLER_DAMAGED = "FULFILLER_DAMAGED"  # DAMAGED in the report: damaged by the fulfillment center


DISPOSITION_BUCKET = {
    Disposition.SELLABLE: Bucket.FULFILLABLE,
    Disposition.DEFECTIVE: Bucket.UNFULFILLABLE_DEFECTIVE,
    Disposition.CUSTOMER_DAMAGED: Bucket.UNFULFILLABLE_CUSTOMER_DAMAGED,
    Disposition.CARRIER_DAMAGED: Bucket.UNFULFILLABLE_CARRIER_DAMAGED,
    Disposition.FULFILLER_DAMAGED: Bucket.UNFULFILLABLE_WAREHOUSE_DAMAGED,
}


class CustomerReturnReported(Event, frozen=True, kw_only=True, tag="market.customer_return_reported.v1"):
    """A line of the FBA customer returns report (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA)."""

    source: ClassVar[str] = "market"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "reported"
    key_field: ClassVar[str] = "return_id"

    return_id: Id  # the license plate number (LPN) of the returned unit(s)
    order_id: Id
    sku: Sku
    center_id: Id
    quantity: PositiveCount
    disposition: Disposition
    reason: str | None = None
    order_item_id: Id | None = None


class CustomerReturnReceived(Event, frozen=True, kw_only=True, tag="returns.customer_return_received.v1"):
    """An FBA return was received at a center; the fulfillment service puts its units in `bucket`."""

    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "received"
    key_field: ClassVar[str] = "return_id"

    return_id: Id
    order_id: Id
    sku: Sku
    center_id: Id
    quantity: PositiveCount
    disposition: Disposition
    bucket: Bucket
    reason: str | None = None


class CustomerReturnMissing(Event, frozen=True, kw_only=True, tag="returns.customer_return_missing.v1"):
    """An FBA order was refunded and its item did not come back within the window: a reimbursement
    candidate, claimable until `claim_deadline`."""

    source: ClassVar[str] = "returns"
    entity: ClassVar[str] = "customer_return"
    fact: ClassVar[str] = "missing"
    key_field: ClassVar[str] = "order_id"

    order_id: Id
    refund_id: str
    refunded_at: Timestamp
    amount: Money
    skus: list[Sku] = []
    units_expected: Count = 0
    units_returned: Count = 0
    claim_deadline: Timestamp
