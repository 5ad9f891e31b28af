"""A seller's preferences: endpoints, routes, quiet hours and digests."""

from datetime import datetime
from typing import Annotated

import msgspec

from sellerops.contracts.notifications.deliveries import EndpointId, Kind, Severity
from sellerops.contracts.schema import SchemaStruct


Clock = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]  # "22:00"


# ---- preferences ----


class Endpoint(SchemaStruct, frozen=True, kw_only=True):
    """Where notifications go: a webhook URL (with its signing secret), an email address, or the log."""

    id: EndpointId
    channel: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]  # a `sellerops.channels` plugin
    target: Annotated[str, msgspec.Meta(max_length=2000)] = ""  # URL, address, ...
    secret: Annotated[str, msgspec.Meta(max_length=256)] | None = None  # webhook signing secret
    enabled: bool = True


class QuietHours(SchemaStruct, frozen=True, kw_only=True):
    start: Clock  # "22:00"
    end: Clock  # "07:00"
    timezone: str = "UTC"  # an IANA name: "America/New_York"


class Digest(SchemaStruct, frozen=True, kw_only=True):
    at: Clock = "08:00"  # local time (the quiet hours' timezone)
    kinds: list[Kind] = []  # these kinds wait for the digest instead of going out one by one


class Preferences(SchemaStruct, frozen=True, kw_only=True):
    endpoints: list[Endpoint] = []
    routes: dict[Kind, list[EndpointId]] = {}  # kind -> endpoint ids; a kind not listed goes nowhere
    quiet_hours: QuietHours | None = None
    digest: Digest | None = None
    min_severity: Severity = Severity.INFO


class SetPreferences(SchemaStruct, frozen=True, kw_only=True):
    preferences: Preferences


class GetPreferences(SchemaStruct, frozen=True, kw_only=True):
    pass


class PreferencesView(SchemaStruct, frozen=True, kw_only=True):
    """A seller's preferences as answered: every endpoint secret masked (`****` and at most its last 4
    characters). Sending the masked value back in `set_preferences` keeps the stored secret."""

    seller: str
    preferences: Preferences
    updated_at: datetime | None = None


class EndpointRef(SchemaStruct, frozen=True, kw_only=True):
    endpoint_id: EndpointId


class EndpointSecret(SchemaStruct, frozen=True, kw_only=True):
    endpoint_id: str
    secret: str | None
