"""The claim's case file: what its reviewer will read, and the gaps they will ask about."""

from datetime import datetime

from sellerops.contracts.returns import CaseFile, ClaimKind, ClaimReason, ClaimView, ReturnView
from sellerops.returns.domain.dossier.model import Dossier, _package, _plain


def case_file(claim: ClaimView, dossier: Dossier | None, returns: list[ReturnView], *, now: datetime) -> CaseFile:
    """What the claim's reviewer will read, and `gaps`: what they will ask for that was not seen."""
    d = dossier or Dossier(order_id=claim.order_id, seller=claim.seller, updated_at=now)
    order = _plain(order_id=d.order_id, purchased_at=d.purchased_at, channel=d.channel,
                   lines=[{"order_item_id": x.order_item_id, "sku": x.sku, "quantity": x.quantity, "price": x.price}
                          for x in d.lines]) if d.order_seen else None
    delivery = _plain(delivered_at=d.delivery.at, carrier_code=d.delivery.carrier_code,
                      tracking_number=d.delivery.tracking_number, proof=d.delivery.proof) if d.delivery else None
    return CaseFile(
        claim=claim, order_known=d.order_seen, order=order, shipments=[_plain(**_package(p)) for p in d.packages],
        delivery=delivery,
        buyer_messages=[_plain(message_id=m.message_id, at=m.at, title=m.title, body=m.body) for m in d.messages],
        refunds=[_plain(refund_id=r.refund_id, at=r.at, total=r.total, reason=r.reason, lines=r.lines)
                 for r in d.refunds],
        returns=returns, timeline=sorted(d.timeline, key=lambda x: x.at), gaps=gaps(claim, d), generated_at=now)


def gaps(claim: ClaimView, d: Dossier) -> list[str]:
    found = []
    if not d.order_seen:
        found.append("no order event seen for this order")
    if not d.packages:
        found.append("no shipment seen: no carrier or tracking number")
    if d.delivered_at is None:
        found.append("no delivery scan")
    if claim.kind is ClaimKind.A_TO_Z and not any(m.at < claim.filed_at for m in d.messages):
        found.append("no buyer message before the claim (A-to-z asks the buyer to contact the seller first)")
    if (claim.reason is ClaimReason.NOT_RECEIVED and d.latest_delivery is not None
            and claim.filed_at < d.latest_delivery):
        found.append(f"claim filed before the latest delivery date ({d.latest_delivery.isoformat()})")
    if claim.reason is ClaimReason.RETURN_NOT_REFUNDED and not d.refunds:
        found.append("no refund seen for this order")
    return found
