"""A seller's preferences: which endpoints a notification goes to, and when (pure).

A kind goes to the endpoints its route lists (enabled ones), if its severity reaches `min_severity`.
It goes out at once, unless the kind waits for the daily digest, or it falls in quiet hours: then at the
digest time, or when the quiet hours end. A critical notification ignores quiet hours and the digest.
Times are local to the quiet hours' timezone (UTC without them).
"""

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from sellerops.contracts.notifications import Endpoint, Kind, Preferences, QuietHours, Severity
from sellerops.runtime.decisions import Refused

ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _zone(prefs: Preferences) -> ZoneInfo:
    return ZoneInfo(prefs.quiet_hours.timezone if prefs.quiet_hours else "UTC")


def endpoints_for(prefs: Preferences, kind: Kind, severity: Severity) -> list[Endpoint]:
    if ORDER[severity] < ORDER[prefs.min_severity]:
        return []
    wanted = prefs.routes.get(kind, [])
    return [e for e in prefs.endpoints if e.id in wanted and e.enabled]


def quiet_until(quiet: QuietHours, at: datetime) -> datetime | None:
    """When the quiet hours around `at` end (UTC), or None outside them. A period may cross midnight."""
    zone = ZoneInfo(quiet.timezone)
    local = at.astimezone(zone)
    start, end = _clock(quiet.start), _clock(quiet.end)
    now = local.time()
    if start == end:
        return None
    if start < end:
        inside = start <= now < end
        ends_on = local.date()
    else:  # 22:00-07:00
        inside = now >= start or now < end
        ends_on = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return datetime.combine(ends_on, end, tzinfo=zone).astimezone(at.tzinfo)


def next_digest(prefs: Preferences, at: datetime) -> datetime:
    """The first digest time after `at`."""
    zone = _zone(prefs)
    local = at.astimezone(zone)
    when = datetime.combine(local.date(), _clock(prefs.digest.at if prefs.digest else "08:00"), tzinfo=zone)
    if when <= local:
        when += timedelta(days=1)
    return when.astimezone(at.tzinfo)


def send_at(prefs: Preferences, kind: Kind, severity: Severity, at: datetime) -> tuple[datetime, bool]:
    """When a notification raised at `at` goes out, and whether it waits for the digest."""
    if severity is Severity.CRITICAL:
        return at, False
    if prefs.digest is not None and kind in prefs.digest.kinds:
        return next_digest(prefs, at), True
    if prefs.quiet_hours is not None and (end := quiet_until(prefs.quiet_hours, at)) is not None:
        return end, False
    return at, False


SECRET_MASK = "****"  # noqa: S105  (what is shown instead of a secret)


def mask_secret(secret: str | None) -> str | None:
    """A secret as it may be shown: its last 4 characters at most (none of a short one); a masked one as is."""
    if not secret or secret.startswith(SECRET_MASK):
        return secret
    return SECRET_MASK + (secret[-4:] if len(secret) >= 16 else "")


def masked(prefs: Preferences) -> Preferences:
    """The preferences with every endpoint secret masked: what answers carry."""
    return msgspec.structs.replace(prefs, endpoints=[msgspec.structs.replace(e, secret=mask_secret(e.secret))
                                                     for e in prefs.endpoints])


def unmasked(new: Preferences, stored: Preferences | None) -> Preferences:
    """`new` with each masked secret replaced by the secret stored for the same endpoint id, so a client can
    send back what it was answered; a masked value that is not the stored secret's mask is refused."""
    kept = {e.id: e.secret for e in (stored.endpoints if stored else [])}
    endpoints = []
    for i, e in enumerate(new.endpoints):
        if e.secret is not None and e.secret.startswith(SECRET_MASK):
            old = kept.get(e.id)
            if old is None or mask_secret(old) != e.secret:
                raise Refused(f"a masked secret keeps the secret stored for endpoint {e.id!r}, and it has none that "
                              "matches: send the secret itself", f"$.preferences.endpoints[{i}].secret")
            e = msgspec.structs.replace(e, secret=old)
        endpoints.append(e)
    return msgspec.structs.replace(new, endpoints=endpoints)


def validate(prefs: Preferences, channels: Mapping[str, Any], instances: Mapping[str, Any] | None = None) -> None:
    """Refuse preferences that cannot work, naming the field. `channels`: the installed channel plugins by
    name; each says whether an endpoint needs a target and checks its own endpoints (`check_endpoint`: the
    same rules it applies when sending). `instances`: the running channels by name; one with a
    `check_endpoint` of its own adds what its settings forbid (a webhook's private targets)."""
    seen: set[str] = set()
    for i, e in enumerate(prefs.endpoints):
        path = f"$.preferences.endpoints[{i}]"
        if e.id in seen:
            raise Refused(f"endpoint id {e.id!r} is used twice", f"{path}.id")
        seen.add(e.id)
        channel = channels.get(e.channel)
        if channel is None:
            raise Refused(f"no channel named {e.channel!r} (installed: {', '.join(sorted(channels))})",
                          f"{path}.channel")
        if channel.needs_target and not e.target:
            raise Refused(f"a {e.channel} endpoint needs a target", f"{path}.target")
        checks = [channel.check_endpoint, getattr((instances or {}).get(e.channel), "check_endpoint", None)]
        for check in checks:  # the plugin's rules, then what the running channel's settings add
            if check is not None and (found := check(e)) is not None:
                field, why = found
                raise Refused(why, f"{path}.{field}")
    for kind, ids in prefs.routes.items():
        for j, endpoint_id in enumerate(ids):
            if endpoint_id not in seen:
                raise Refused(f"route {kind.value} names no endpoint {endpoint_id!r}",
                              f"$.preferences.routes.{kind.value}[{j}]")
    if prefs.quiet_hours is not None:
        try:
            ZoneInfo(prefs.quiet_hours.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Refused(f"unknown timezone {prefs.quiet_hours.timezone!r}",
                          "$.preferences.quiet_hours.timezone") from None
