"""The FBA return watch: its deadline, and the units still missing flagged once when it passes."""

from datetime import datetime
from decimal import Decimal

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.market import Money
from sellerops.contracts.returns import CustomerReturnMissing, EvidenceEntry
from sellerops.returns.domain.dossier.model import FBA_RETURN_MISSING, Dossier, refunded, units_refunded, units_returned
from sellerops.runtime.decisions import Cause, stamp


def deadlines(dossier: Dossier) -> list[tuple[str, datetime]]:
    if dossier.fba_watch_due is None or dossier.fba_flagged:
        return []
    return [(FBA_RETURN_MISSING, dossier.fba_watch_due)]


def deadline_passed(dossier: Dossier | None, *, kind: str, due: datetime) -> tuple[Dossier | None, list[Event]]:
    """The wait is over: units still missing are flagged once; all back, the watch just ends."""
    if dossier is None or (kind, due) not in deadlines(dossier):
        return dossier, []
    expected, back = units_refunded(dossier), units_returned(dossier)
    if back >= expected:
        return msgspec.structs.replace(dossier, fba_watch_due=None, fba_claim_deadline=None, updated_at=due), []
    claim_deadline = dossier.fba_claim_deadline
    assert claim_deadline is not None, "set and cleared together with fba_watch_due, which a deadline needs"
    first, currency = dossier.refunds[0], dossier.refunds[0].total.currency
    skus = {x.order_item_id: x.sku for x in dossier.lines}
    missing = CustomerReturnMissing(
        **stamp(Cause(f"deadline/{dossier.seller}/{dossier.order_id}/{kind}/{due.isoformat()}"),
                CustomerReturnMissing, dossier.seller, due),
        order_id=dossier.order_id, refund_id=first.refund_id, refunded_at=first.at,
        amount=Money(sum((r.total.amount for r in dossier.refunds if r.total.currency == currency), Decimal(0)),
                     currency),
        skus=sorted({skus[item] for item in refunded(dossier) if item in skus}), units_expected=expected,
        units_returned=back, claim_deadline=claim_deadline)
    entry = EvidenceEntry(at=due, kind="return_missing", event_id=str(missing.event_id),
                          summary=f"{expected - back} refunded units not returned: reimbursement claimable until "
                                  f"{claim_deadline.isoformat()}")
    return msgspec.structs.replace(dossier, fba_flagged=True, timeline=[*dossier.timeline, entry],
                                   updated_at=due), [missing]
