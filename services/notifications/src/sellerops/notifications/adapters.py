"""The real stores: one KV key per aggregate (`<seller>.<id>`), with the ids of the messages applied to it.

Buckets: `notifications_prefs` (a seller's preferences), `notifications_delivery` (one notification for one
endpoint, with its attempts), `notifications_circuit` (an endpoint's breaker), `notifications_digest` (what
waits for a seller's daily digest), `notifications_message` (a buyer message and its reply clock),
`notifications_review` (an order's review request).
"""

from nats.js.kv import KeyValue

from sellerops.notifications.domain import messaging, reviews
from sellerops.notifications.domain.records import DigestBox, PrefsRecord
from sellerops.notifications.domain.deliveries import Circuit, Delivery
from sellerops.runtime.state import SellerKeyedStore

PREFS = "notifications_prefs"
DELIVERIES = "notifications_delivery"
CIRCUITS = "notifications_circuit"
DIGESTS = "notifications_digest"
MESSAGES = "notifications_message"
REVIEWS = "notifications_review"
BUCKETS = (PREFS, DELIVERIES, CIRCUITS, DIGESTS, MESSAGES, REVIEWS)
def stores(buckets: dict[str, KeyValue], *, keep: int) -> dict[str, SellerKeyedStore]:
    return {
        "prefs": SellerKeyedStore(buckets[PREFS], PrefsRecord, "prefs", keep_processed=16),
        "deliveries": SellerKeyedStore(buckets[DELIVERIES], Delivery, "delivery_id", keep_processed=keep),
        "circuits": SellerKeyedStore(buckets[CIRCUITS], Circuit, "endpoint_id", keep_processed=keep),
        "digests": SellerKeyedStore(buckets[DIGESTS], DigestBox, "endpoint_id", keep_processed=keep),
        "messages": SellerKeyedStore(buckets[MESSAGES], messaging.Message, "message_id", keep_processed=keep),
        "reviews": SellerKeyedStore(buckets[REVIEWS], reviews.ReviewRequest, "order_id", keep_processed=keep),
    }
