"""Everything seen about one order, for a claim's case file and the facts a return decision needs (pure).

A dossier starts from whichever event about its order comes first: a buyer's message or a claim may come
before any orders event (`order_seen` says whether one came). Each event adds one timeline entry, once per
event id.

FBA customer returns: each line of the customer returns report is kept once per LPN and re-published as
CustomerReturnReceived with the bucket its disposition goes to. An AFN order refunded after it shipped,
with fewer units back than the refund covers, is watched: if they are still not back `fba_return_wait_days`
after the refund, CustomerReturnMissing names a reimbursement candidate, claimable until
`fba_claim_window_days` after the refund. An order is flagged once: a refund after the flag is not watched.

Units a refund covers: an item refunded in full (what was paid for its line) counts its whole quantity; an
item refunded in part counts one unit, since a partial refund says nothing about how many came back.

`model` holds the record and what it knows, `timeline` the folding of events in, `watch` the FBA return
watch, `case` the claim's case file.
"""

from sellerops.returns.domain.dossier.case import case_file, gaps
from sellerops.returns.domain.dossier.model import (
    FBA_RETURN_MISSING, SEEN, Cancellation, Delivery, Dossier, FbaReturn, Line, Message, Package, Refund, facts,
    refunded, units_refunded, units_returned,
)
from sellerops.returns.domain.dossier.timeline import Folded, apply
from sellerops.returns.domain.dossier.watch import deadline_passed, deadlines

__all__ = [
    "FBA_RETURN_MISSING", "SEEN", "Cancellation", "Delivery", "Dossier", "FbaReturn", "Folded", "Line", "Message",
    "Package", "Refund", "apply", "case_file", "deadline_passed", "deadlines", "facts", "gaps", "refunded", "units_refunded",
    "units_returned",
]
