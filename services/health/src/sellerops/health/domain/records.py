"""The records health keeps besides the orders' facts: day counters, a seller's metric settings, what the
marketplace says of the account."""

from datetime import datetime

import msgspec

from sellerops.contracts.health import AccountStatus, MetricSettings


class DayCounts(msgspec.Struct, frozen=True):
    """A seller-day's counters, and the short ids of the order changes added to them (so a change added again
    after a crash is recognised): `held` until the order's record has cleared the change, however many changes
    come meanwhile, then among the last few `applied`. An answer decodes the counters only."""

    counts: dict[str, int] = {}
    applied: list[str] = []
    held: list[str] = []


class SettingsRecord(msgspec.Struct, frozen=True):
    metrics: dict[str, MetricSettings]
    updated_at: datetime


class Warnings(msgspec.Struct, frozen=True):
    """What the marketplace itself says of the account in one marketplace: open policy warnings, and the
    account status it last reported (kept by event time: an older report arriving late changes nothing)."""

    open: dict[str, str] = {}  # warning id -> type
    resolved: list[str] = []  # ids resolved (a resolution may come before its report)
    status: AccountStatus | None = None
    status_at: datetime | None = None
