"""The inventory ledger of one SKU of one seller, across centers: movements in, numbered entries out.

Stock never goes negative: a movement asking for more than its source bucket holds moves what is
there and records the rest as `short`, and it always gets an entry, so nothing is silent. The
reserved buckets also remember what each reference (an outbound order, a removal, a transfer)
holds at each center: a release, processing or shipment of that reference takes at most what it
holds, so applying one twice, or after a reservation came up short, never touches another order's
units. Each reference keeps its units in one reserved bucket at a time (outbound and removals do).

`stock` holds the record and its summaries, `movements` the ledger's one way in, `reports` the market's
facts about the SKU, `check` the ledger replayed from the stream.
"""

from sellerops.fulfillment.domain.ledger.check import check, replay
from sellerops.fulfillment.domain.ledger.movements import available, backorder, fulfillable_by_center, held, move
from sellerops.fulfillment.domain.ledger.reports import adjustment, availability_reported, transfer
from sellerops.fulfillment.domain.ledger.stock import BOUND, COMPARED, HELD, Stock, counts, summary

__all__ = [
    "BOUND", "COMPARED", "HELD", "Stock", "adjustment", "availability_reported", "available", "backorder", "check",
    "counts", "fulfillable_by_center", "held", "move", "replay", "summary", "transfer",
]
