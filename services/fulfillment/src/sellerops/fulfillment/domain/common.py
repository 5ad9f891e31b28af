"""What every fulfillment decision shares (the shared decision kit, re-exported for the domain modules)."""

from typing import TypeVar

from sellerops.runtime.decisions import Cause, NotFound, Refused, envelope, history, requested, stamp

__all__ = ["Cause", "NotFound", "Refused", "envelope", "found", "history", "requested", "stamp"]

T = TypeVar("T")


def found(value: T | None, message: str) -> T:
    """`value`, or NotFound(message) when there is none (inside `refusals`, a request's not_found answer)."""
    if value is None:
        raise NotFound(message)
    return value
