"""Notifications: a seller's preferences and endpoints, notifications and their deliveries, the buyer-message
reply clock and review requests (docs/domain.md, "Notifications from the marketplace" and "Buyer messages, review requests and feedback").

Buyer messages arrive as `market.buyer_message_received.v1` (contracts.returns). There is no SP-API event for
a buyer's message or for a seller's reply, so the reply clock is kept here and its events let the health
service measure contact response.
"""

# Every name the module had before it became a package, so `from sellerops.contracts.notifications import X` keeps working.
from sellerops.contracts.notifications.deliveries import (
    Attempt, Body, DeliveryFailed, DeliveryList, DeliveryStatus, DeliverySucceeded, DeliveryView,
    EndpointCircuitClosed, EndpointCircuitOpened, EndpointId, Kind, ListDeliveries, NotificationRaised,
    Redeliver, Severity, Title,
)
from sellerops.contracts.notifications.messages import (
    BuyerMessageAwaitingReply, BuyerMessageNoResponseNeeded, BuyerMessageReplied, BuyerMessageReplyDueSoon,
    BuyerMessageReplyMissed, ListMessages, MarkNoResponseNeeded, MessageList, MessageRef, MessageStatus,
    MessageView, ReplyToMessage,
)
from sellerops.contracts.notifications.preferences import (
    Clock, Digest, Endpoint, EndpointRef, EndpointSecret, GetPreferences, Preferences, PreferencesView,
    QuietHours, SetPreferences,
)
from sellerops.contracts.notifications.reviews import BuyerOptedOut, ReviewRequestSkipped, ReviewRequested

__all__ = [
    "Attempt", "Body", "BuyerMessageAwaitingReply", "BuyerMessageNoResponseNeeded", "BuyerMessageReplied",
    "BuyerMessageReplyDueSoon", "BuyerMessageReplyMissed", "BuyerOptedOut", "Clock", "DeliveryFailed",
    "DeliveryList", "DeliveryStatus", "DeliverySucceeded", "DeliveryView", "Digest", "Endpoint",
    "EndpointCircuitClosed", "EndpointCircuitOpened", "EndpointId", "EndpointRef", "EndpointSecret",
    "GetPreferences", "Kind", "ListDeliveries", "ListMessages", "MarkNoResponseNeeded", "MessageList",
    "MessageRef", "MessageStatus", "MessageView", "NotificationRaised", "Preferences", "PreferencesView",
    "QuietHours", "Redeliver", "ReplyToMessage", "ReviewRequestSkipped", "ReviewRequested", "SetPreferences",
    "Severity", "Title",
]
