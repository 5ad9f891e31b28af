"""The records notifications keeps besides deliveries, messages and review requests: a seller's preferences,
and what waits for an endpoint's daily digest."""

from datetime import datetime

import msgspec

from sellerops.contracts.notifications import Kind, Preferences

PREFS_KEY = "prefs"


class PrefsRecord(msgspec.Struct, frozen=True):
    preferences: Preferences
    updated_at: datetime


class DigestItem(msgspec.Struct, frozen=True):
    notification_id: str
    kind: Kind
    title: str
    body: str
    at: datetime


class DigestBox(msgspec.Struct, frozen=True, kw_only=True):
    """Notifications waiting for one endpoint's digest, sent together at `due_at`."""

    seller: str
    endpoint_id: str
    due_at: datetime | None = None
    items: list[DigestItem] = []
    sent: int = 0
