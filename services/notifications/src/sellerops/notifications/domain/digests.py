"""What waits for an endpoint's daily digest, and the one delivery it becomes (pure)."""

from datetime import datetime

import msgspec

from sellerops.contracts.notifications import Severity
from sellerops.notifications.domain.deliveries import Delivery
from sellerops.notifications.domain.records import DigestBox, DigestItem

DIGEST = "digest"  # the deadline kind of a box with items waiting


def boxed(box: DigestBox | None, *, seller: str, endpoint_id: str, item: DigestItem,
          due: datetime) -> tuple[DigestBox, list]:
    """`item` added to the box (once), which goes out at `due` unless an earlier item set its time."""
    box = box or DigestBox(seller=seller, endpoint_id=endpoint_id)
    if any(i.notification_id == item.notification_id for i in box.items):
        return box, []
    return msgspec.structs.replace(box, items=[*box.items, item], due_at=box.due_at or due), []


def delivery(box: DigestBox, *, channel: str, due: datetime) -> Delivery:
    """The box's items as the body of one delivery, numbered after the digests already sent."""
    number = box.sent + 1
    lines = [f"- [{i.kind.value}] {i.title}: {i.body}" for i in box.items]
    return Delivery(delivery_id=f"digest-{number}.{box.endpoint_id}", seller=box.seller,
                    notification_id=f"digest-{number}", endpoint_id=box.endpoint_id, channel=channel,
                    kind=box.items[0].kind, severity=Severity.INFO,
                    title=f"Daily digest: {len(box.items)} notification(s)", body="\n".join(lines),
                    about="notifications.digest", created_at=due, next_attempt_at=due)


def emptied(current: DigestBox | None, *, sent: DigestBox, due: datetime) -> tuple[DigestBox, list]:
    """The box once `sent` went out: it keeps what arrived while that digest was made."""
    ids = {i.notification_id for i in sent.items}
    rest = [i for i in (current.items if current else []) if i.notification_id not in ids]
    return DigestBox(seller=sent.seller, endpoint_id=sent.endpoint_id, sent=sent.sent + 1, items=rest,
                     due_at=due if rest else None), []


def deadlines(box: DigestBox) -> list[tuple[str, datetime]]:
    return [(DIGEST, box.due_at)] if box.items and box.due_at else []
