"""A seller's preferences: endpoints, routes per kind, quiet hours, the digest."""

import uuid
from collections.abc import Mapping

from sellerops.contracts.notifications import (
    EndpointRef, EndpointSecret, GetPreferences, Preferences, PreferencesView, SetPreferences,
)
from sellerops.contracts.requests import RequestError
from sellerops.notifications.domain import preferences
from sellerops.notifications.domain.records import PREFS_KEY, PrefsRecord
from sellerops.notifications.ports import Channel, Clock, Store
from sellerops.plugins.channels import ChannelPlugin
from sellerops.runtime.decisions import refusals


async def set_preferences(seller: str, request: SetPreferences, *, prefs: Store, plugins: Mapping[str, ChannelPlugin],
                          clock: Clock, channels: Mapping[str, Channel] | None = None) -> PreferencesView:
    stored = await prefs.load(seller, PREFS_KEY)
    with refusals("seller"):
        wanted = preferences.unmasked(request.preferences, stored.preferences if stored else None)
        preferences.validate(wanted, plugins, channels or {})
    now = clock.now()
    await prefs.apply(seller, PREFS_KEY, f"prefs/{now.isoformat()}/{uuid.uuid4()}",  # each request replaces
                      lambda _: (PrefsRecord(wanted, now), []))
    return PreferencesView(seller=seller, preferences=preferences.masked(wanted), updated_at=now)


async def get_preferences(seller: str, query: GetPreferences, *, prefs: Store) -> PreferencesView:
    record = await prefs.load(seller, PREFS_KEY)
    if record is None:
        return PreferencesView(seller=seller, preferences=Preferences())
    return PreferencesView(seller=seller, preferences=preferences.masked(record.preferences),
                           updated_at=record.updated_at)


async def get_endpoint_secret(seller: str, query: EndpointRef, *, prefs: Store) -> EndpointSecret:
    """One endpoint's secret, unmasked: a verb of its own, so NATS permissions can keep it to operators."""
    record = await prefs.load(seller, PREFS_KEY)
    found = next((e for e in (record.preferences.endpoints if record else []) if e.id == query.endpoint_id), None)
    if found is None:
        raise RequestError("not_found", f"no endpoint {query.endpoint_id!r}", "$.endpoint_id")
    return EndpointSecret(endpoint_id=found.id, secret=found.secret)
