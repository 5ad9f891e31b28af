"""Cursor paging for list answers, by count and by size, the same for every service.

A list answer is cut where it would pass `limit` items or the reply budget in bytes (the server's
max payload less a margin for the envelope), whichever comes first; `next_cursor` is the sort key of
the last item given (opaque: base64 of its JSON), and the next request passes it back as `cursor` to
go on after it. The items must come in the order of a unique key (ascending, or descending with
`newest_first`); an item added or removed between two pages shifts nothing else.

`reply_budget()` is what the runtime's request server allows the reply being built (runtime.requests
sets it per request from the connection's max payload); outside a request it is 1 MiB.
"""

import base64
import binascii
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import msgspec

from sellerops.contracts.catalog import encode
from sellerops.contracts.requests import RequestError

T = TypeVar("T")
REPLY_MARGIN_BYTES = 4096  # the reply's own fields besides the list (a count, a cursor, a seller)
_budget: ContextVar[int] = ContextVar("sellerops_reply_budget", default=1024 * 1024)


def reply_budget() -> int:
    return _budget.get()


def set_reply_budget(max_payload: int) -> None:
    _budget.set(max(1024, max_payload - REPLY_MARGIN_BYTES))


def _comparable(part: Any) -> Any:
    """A datetime as text that sorts as the time does: UTC, microseconds always written. (JSON's own ISO text
    drops zero microseconds and keeps the offset, so 10:00:00Z would sort after 10:00:00.5Z as text.)"""
    if isinstance(part, datetime):
        return (part.astimezone(UTC) if part.tzinfo else part).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return part


def _position(key: Any) -> list[Any]:
    """A sort key as JSON sees it (datetimes as comparable text), so a cursor compares like the item it came from."""
    position: list[Any] = msgspec.json.decode(encode([_comparable(p) for p in (key if isinstance(key, tuple) else (key,))]))
    return position


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(encode(_position(key))).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        position = msgspec.json.decode(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise RequestError("invalid", "cursor is not one a previous page gave", "$.cursor") from None
    if not isinstance(position, list):
        raise RequestError("invalid", "cursor is not one a previous page gave", "$.cursor")
    return position


def page(items: Iterable[T], *, key: Callable[[T], Any], cursor: str | None, limit: int,
         newest_first: bool = False, max_bytes: int | None = None) -> tuple[list[T], str | None]:
    """The items after `cursor` (in the order given, ascending by `key`, or descending with `newest_first`),
    at most `limit` of them and at most `max_bytes` (default: the reply budget) encoded; and the cursor of
    the next page (None when this page reached the end). One item over the budget alone is an error."""
    budget = reply_budget() if max_bytes is None else max_bytes
    after = decode_cursor(cursor) if cursor else None
    taken: list[T] = []
    used = 0
    for item in items:
        if after is not None:
            here = _position(key(item))
            if (here >= after) if newest_first else (here <= after):
                continue
        size = len(encode(item)) + 1
        if len(taken) >= limit or (taken and used + size > budget):
            return taken, encode_cursor(key(taken[-1]))
        if size > budget:
            raise RequestError("too_large", f"one item alone is {size} bytes, over the reply budget of {budget}")
        taken.append(item)
        used += size
    return taken, None


def budget_for(max_payload: int) -> int:
    """The reply budget for a connection whose server takes `max_payload` bytes (for code that fills pages itself)."""
    return max(1024, max_payload - REPLY_MARGIN_BYTES)


class TooLarge(Exception):
    """One item alone is larger than a reply can carry."""


class SizedPage(Generic[T]):
    """A page filled one item at a time, for listings read from an index rather than handed over whole."""

    def __init__(self, limit: int, budget: int) -> None:
        self.items: list[T] = []
        self.full = False  # an item was offered that did not fit: more follow
        self._limit = limit
        self._budget = budget
        self._size = 0

    def add(self, item: T) -> bool:
        """Take the item if the page has room for it (by count and by encoded size); False ends the page."""
        size = len(encode(item)) + 1
        if len(self.items) >= self._limit or self._size + size > self._budget:
            if not self.items:
                raise TooLarge(f"one item of {size} bytes is larger than a reply can carry ({self._budget})")
            self.full = True
            return False
        self.items.append(item)
        self._size += size
        return True
