"""Every event type by its tag, and one decoder that reads any of them from JSON."""

from functools import cache
from typing import Any, Union

import msgspec

from sellerops.contracts import (  # noqa: F401  (registers the events)
    fulfillment, health, inbound, inventory, market, notifications, orders, returns,
)
from sellerops.contracts.envelope import Event


def _concrete(cls: type[Event]) -> list[type[Event]]:
    found = []
    for sub in cls.__subclasses__():
        if not sub.__name__.startswith("_"):  # private bases only share class variables
            found.append(sub)
        found.extend(_concrete(sub))
    return found


@cache
def event_types() -> dict[str, type[Event]]:
    """Tag -> class for every event defined in sellerops.contracts."""
    return {cls.type_tag(): cls for cls in _concrete(Event)}


def event_type(tag: str) -> type[Event]:
    try:
        return event_types()[tag]
    except KeyError:
        raise KeyError(f"unknown event type {tag!r}") from None


@cache
def decoder(*types: type[Event]) -> msgspec.json.Decoder[Event]:
    """A JSON decoder for the tagged union of `types` (all known events when none are given)."""
    chosen = types or tuple(event_types().values())
    return msgspec.json.Decoder(Union[chosen] if len(chosen) > 1 else chosen[0])  # noqa: UP007  (built at run time)


def decode_event(data: bytes | str, *types: type[Event]) -> Event:
    event: Event = decoder(*types).decode(data)
    return event


_encoder = msgspec.json.Encoder(decimal_format="string")


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)
