"""What the pages show, from what the index and the services answer: parsing the query, formatting numbers,
the trend's days. Pure (time passed in)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sellerops.contracts.envelope import ID_PATTERN, SELLER_PATTERN
from sellerops.dashboard.domain.fleet import STATUSES, FleetQuery

import re

_SELLER = re.compile(SELLER_PATTERN)
_ID = re.compile(ID_PATTERN)
_MARKETPLACE = re.compile(r"^[A-Z0-9]{1,32}$")
CONDITION = {"LESS_THAN": "<", "GREATER_THAN": ">=", "EQUALS": "="}


class BadInput(ValueError):
    """A query parameter or path part that cannot be used; the 400 page names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def seller_of(value: str) -> str:
    if not _SELLER.search(value):
        raise BadInput("seller", f"{value[:80]!r} is not a seller id (1-64 letters, digits, '-' or '_')")
    return value


def order_of(value: str) -> str:
    if len(value) > 128 or not _ID.search(value):
        raise BadInput("order", f"{value[:80]!r} is not an order id")
    return value


def fleet_query(params: dict[str, str], *, size: int) -> FleetQuery:
    known = {"q", "status", "flagged", "page", "fragment"}
    for name in params:
        if name not in known:
            raise BadInput(name, f"unknown parameter (known: {', '.join(sorted(known))})")
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise BadInput("status", f"{status[:40]!r} is not one of {', '.join(STATUSES)}")
    try:
        page = int(params.get("page") or 1)
    except ValueError:
        raise BadInput("page", f"{params['page'][:40]!r} is not a whole number") from None
    if page < 1:
        raise BadInput("page", "pages start at 1")
    flagged = params.get("flagged", "")
    if flagged not in ("", "0", "1", "on", "true", "false"):
        raise BadInput("flagged", f"{flagged[:40]!r} is not 1 or 0")
    return FleetQuery(text=params.get("q", "")[:64], status=status, flagged=flagged in ("1", "on", "true"),
                      page=page, size=size)


def marketplace_of(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not _MARKETPLACE.search(value):
        raise BadInput("marketplace", f"{value[:40]!r} is not a marketplace id (capital letters and digits)")
    return value


def as_of_of(value: str | None, now: datetime) -> datetime | None:
    """None is now; a date is the end of that UTC day (now when it is today); a date-time without a zone is UTC."""
    if value in (None, ""):
        return None
    when: datetime | None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise BadInput("as_of", f"{value[:40]!r} is not a date (2026-11-20) or a date-time "
                                    "(2026-11-20T15:00:00Z)") from None
        when = when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)
    else:
        when = None if day == now.date() else datetime.combine(day, time.max, UTC)
    if when is not None and when > now:
        raise BadInput("as_of", "is in the future")
    return when


@dataclass(frozen=True)
class TrendPoint:
    label: str  # the day shown on the axis
    as_of: datetime  # the moment asked (time travel)


def trend_points(now: datetime, *, days: int, step: int, recent: timedelta) -> list[TrendPoint]:
    """The end of every `step`-th day back to `days` ago, oldest first, then `recent` ago (the nearest moment
    health answers from history, with the orders behind each counter)."""
    today = now.date()
    points = [TrendPoint(d.isoformat(), datetime.combine(d, time.max, UTC))
              for d in (today - timedelta(days=k) for k in range(days, 0, -step))]
    return [*points, TrendPoint((now - recent).date().isoformat(), now - recent)]


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def target_text(value: float, condition: str) -> str:
    return f"{CONDITION.get(condition, condition)} {value:.2%}"


def when(value: datetime | None, now: datetime) -> str:
    """'in 3h', '2d ago', or '-'."""
    if value is None:
        return "-"
    seconds = (value - now).total_seconds()
    span = abs(seconds)
    text = (f"{span / 86400:.0f}d" if span >= 86400 else f"{span / 3600:.0f}h" if span >= 3600
            else f"{span / 60:.0f}m")
    return f"in {text}" if seconds >= 0 else f"{text} ago"
