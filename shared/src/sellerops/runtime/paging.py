"""Pages that fit in one reply: a list answer stops at the count asked or at the size NATS carries, whichever
comes first, and the caller goes on with a cursor.

The budget is the server's max payload (nc.max_payload, 1 MB by default) less a margin for the reply's
other fields and headers.
"""

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")

REPLY_MARGIN = 16 * 1024  # bytes kept for the rest of the reply (its other fields, headers)


def reply_budget(max_payload: int) -> int:
    return max(max_payload - REPLY_MARGIN, 1024)


class TooLarge(Exception):
    """One item alone is larger than a reply can carry."""


class SizedPage(Generic[T]):
    def __init__(self, limit: int, budget: int) -> None:
        self.items: list[T] = []
        self.full = False  # an item was offered that did not fit: more follow
        self._limit = limit
        self._budget = budget
        self._size = 0

    def add(self, item: T) -> bool:
        """Take the item if the page has room for it (by count and by encoded size); False ends the page."""
        size = len(msgspec.json.encode(item)) + 1
        if len(self.items) >= self._limit or self._size + size > self._budget:
            if not self.items:
                raise TooLarge(f"one item of {size} bytes is larger than a reply can carry ({self._budget})")
            self.full = True
            return False
        self.items.append(item)
        self._size += size
        return True
