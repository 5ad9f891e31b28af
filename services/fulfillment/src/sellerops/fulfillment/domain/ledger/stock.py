"""One SKU's stock as stored (per center and bucket, what each reference holds, the marketplace's own counts)
and what the questions about it return."""

from datetime import datetime

import msgspec

from sellerops.contracts.inventory import Bucket, BucketCounts, Cause, CenterStock, InventorySummary, MarketplaceCount

HELD = frozenset({Bucket.RESERVED_CUSTOMER_ORDER.value, Bucket.RESERVED_PROCESSING.value,
                  Bucket.RESERVED_TRANSFER.value})
# Causes that belong to one reference: only they are capped by (and change) what the reference holds.
BOUND = frozenset(c for c in Cause if c.value.startswith(("CUSTOMER_ORDER_", "TRANSFER_", "REMOVAL_")))
UNFULFILLABLE = "UNFULFILLABLE_"


# The buckets a marketplace report counts, as BucketCounts fields (unfulfillable: every cause together).
COMPARED = ("fulfillable", "inbound_working", "inbound_shipped", "inbound_receiving", "reserved_customer_order",
            "reserved_transfer", "reserved_processing", "researching", "unfulfillable")


class Stock(msgspec.Struct, frozen=True, kw_only=True):
    seller: str
    sku: str
    centers: dict[str, dict[str, int]] = {}  # center -> bucket value -> units (non-zero only)
    sequence: int = 0  # ledger entries so far
    reservations: dict[str, dict[str, int]] = {}  # reference -> center -> units held in a reserved bucket
    waiting: list[str] = []  # FillAll orders waiting for this SKU, oldest first (backorders)
    updated_at: datetime | None = None
    marketplace: dict[str, MarketplaceCount] = {}  # marketplace id -> what it last reported of the SKU


def counts(buckets: dict[str, int]) -> BucketCounts:
    """getInventorySummaries' details for one center or all. `total` is what the centers hold:
    fulfillable + reserved + researching + unfulfillable; inbound units are not there yet, so they are
    left out, as in totalQuantity."""
    get = buckets.get
    unfulfillable = {b.removeprefix(UNFULFILLABLE): n for b, n in sorted(buckets.items())
                     if b.startswith(UNFULFILLABLE) and n}
    reserved = sum(get(b, 0) for b in HELD)
    lost = sum(unfulfillable.values())
    return BucketCounts(
        fulfillable=get(Bucket.FULFILLABLE.value, 0), inbound_working=get(Bucket.INBOUND_WORKING.value, 0),
        inbound_shipped=get(Bucket.INBOUND_SHIPPED.value, 0), inbound_receiving=get(Bucket.INBOUND_RECEIVING.value, 0),
        reserved_customer_order=get(Bucket.RESERVED_CUSTOMER_ORDER.value, 0),
        reserved_transfer=get(Bucket.RESERVED_TRANSFER.value, 0),
        reserved_processing=get(Bucket.RESERVED_PROCESSING.value, 0), reserved_total=reserved,
        researching=get(Bucket.RESEARCHING.value, 0), unfulfillable=unfulfillable, unfulfillable_total=lost,
        total=get(Bucket.FULFILLABLE.value, 0) + reserved + get(Bucket.RESEARCHING.value, 0) + lost)


def summary(stock: Stock) -> InventorySummary:
    totals: dict[str, int] = {}
    for buckets in stock.centers.values():
        for bucket, n in buckets.items():
            totals[bucket] = totals.get(bucket, 0) + n
    return InventorySummary(
        seller=stock.seller, sku=stock.sku, totals=counts(totals), entries=stock.sequence,
        centers=[CenterStock(center_id=c, counts=counts(b)) for c, b in sorted(stock.centers.items())],
        updated_at=stock.updated_at, marketplace=[m for _, m in sorted(stock.marketplace.items())])


def ledger_counts(stock: Stock) -> dict[str, int]:
    totals = summary(stock).totals
    return {b: totals.unfulfillable_total if b == "unfulfillable" else getattr(totals, b) for b in COMPARED}
