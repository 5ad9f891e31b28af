"""The inventory ledger of one SKU of one seller, across centers: movements in, numbered entries out; stock
never goes negative, and what each reference holds is remembered (movements.py says how).

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
