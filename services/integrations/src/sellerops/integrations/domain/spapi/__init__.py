"""SP-API adapter: Notifications API envelopes and Orders API (v0) responses -> market facts.

Input: one JSON document, a JSON array of documents, or JSON lines (one document a line). A document is

- a notification envelope (NotificationVersion, NotificationType, PayloadVersion, EventTime, Payload,
  NotificationMetadata{ApplicationId, SubscriptionId, PublishTime, NotificationId}); key casing differs
  between types (ACCOUNT_STATUS_CHANGED is camelCase), so keys are matched case-insensitively;
- an Orders API response (getOrders, getOrder, getOrderItems) or a combined `{"order": Order, "items": [...]}`:
  read into pieces that `join` turns into order facts (`sellerops.integrations.domain.orders_api`), across every file
  of one `sellerops ingest` call and across calls.

The SellerId inside SP-API documents is Amazon's merchant id, not a sellerops seller: the seller given to
`parse` is used for every fact, and is part of every event id (the same document ingested for two sellers
gives each its own facts).

ORDER_CHANGE buyer cancel requests are dated by `OrderChangeTrigger.TimeOfOrderChange` (when the buyer asked),
not the envelope's EventTime, and carry the notification's `Summary.OrderStatus`; a request dated before the
order's PurchaseDate is a problem, never a cancel.

`documents` reads the text (notification envelopes and Orders API pieces) and declares the ingester;
`notifications` maps each notification type to its facts; `state` is what one read collects.
"""

from sellerops.integrations.domain.spapi.documents import INGESTERS, detect, join, parse, read
from sellerops.integrations.domain.spapi.notifications import (
    ACCOUNT_STATUSES, ACCOUNT_STATUS_CHANGED, ENVELOPE_FIELDS, FBA_INVENTORY, FULFILLMENT_ORDER_STATUS, KNOWN_IGNORED,
    MAPPED, METADATA_FIELDS, ORDER_CHANGE,
)

__all__ = [
    "ACCOUNT_STATUSES", "ACCOUNT_STATUS_CHANGED", "ENVELOPE_FIELDS", "FBA_INVENTORY", "FULFILLMENT_ORDER_STATUS",
    "INGESTERS", "KNOWN_IGNORED", "MAPPED", "METADATA_FIELDS", "ORDER_CHANGE", "detect", "join", "parse", "read",
]
