"""Use cases as short recipes, one module per aggregate: notifications and digests (`notify`), deliveries and
their attempts (`delivery`), preferences (`prefs`), buyer messages (`messages`), review requests (`reviews`).

An event worth telling the seller about becomes one notification (its id derived from the event's) and
one delivery per endpoint its kind is routed to, each saved before anything is sent; the deliveries'
deadline watch then makes the attempts, so a slow or failing endpoint never holds up the event streams.
"""

from sellerops.notifications.handlers.delivery import attempt, list_deliveries, redeliver
from sellerops.notifications.handlers.messages import (
    list_messages, mark_no_response_needed, on_buyer_message, on_message_deadline, reply_to_message,
)
from sellerops.notifications.handlers.notify import digest_deadlines, on_event, prefs_of, send_digest
from sellerops.notifications.handlers.prefs import get_endpoint_secret, get_preferences, set_preferences
from sellerops.notifications.handlers.reviews import on_order_fact, on_review_deadline, order_context

__all__ = [
    "attempt", "digest_deadlines", "get_endpoint_secret", "get_preferences", "list_deliveries", "list_messages",
    "mark_no_response_needed", "on_buyer_message", "on_event", "on_message_deadline", "on_order_fact",
    "on_review_deadline", "order_context", "prefs_of", "redeliver", "reply_to_message", "send_digest",
    "set_preferences",
]
