"""What every service's domain decisions share: causes and envelopes, refusals, timelines (pure), and
`refusals`, which turns a refusal into a request's error in a handler."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple, TypeVar
from uuid import UUID

import msgspec

from sellerops.contracts.envelope import Event, envelope_from
from sellerops.contracts.orders import HistoryEntry
from sellerops.contracts.requests import RequestError


class NotFound(Exception):
    """No such plan, shipment, order or SKU for this seller."""


class Refused(Exception):
    """The aggregate cannot do what was asked; `field` names the offending request field as a JSON path."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


T = TypeVar("T")


def existing(value: T | None, message: str, field: str) -> T:
    """`value`, or a `not_found` error reply naming `$.<field>` (a question about what was never recorded)."""
    if value is None:
        raise RequestError("not_found", message, f"$.{field}")
    return value


class Cause(NamedTuple):
    """The message a decision answers: its id makes the ids of the events it causes."""

    id: UUID | str
    correlation_id: UUID | None = None

    @classmethod
    def of(cls, event: Event) -> "Cause":
        return cls(event.event_id, event.correlation)


def requested(seller: str, aggregate_id: str, verb: str, request_id: str | None = None) -> Cause:
    """The cause of a seller's request, scoped to seller and aggregate (clients reuse request ids)."""
    return Cause(f"request/{seller}/{aggregate_id}/{verb}/{request_id or ''}")


def envelope(cause: Cause, tag: str, index: int = 0) -> dict:
    return envelope_from(cause.id, cause.correlation_id, tag, index)


def stamp(cause: Cause, event_type: type[Event], seller: str, at: datetime, index: int = 0) -> dict:
    """Envelope, seller and time for an event of `event_type` caused by `cause`."""
    return {**envelope(cause, event_type.type_tag(), index), "seller": seller, "occurred_at": at}


def history(events: list[Event], summary=lambda e: "") -> list[HistoryEntry]:  # noqa: ANN001
    return [HistoryEntry(at=e.occurred_at, type=e.type_tag(), event_id=str(e.event_id), summary=summary(e))
            for e in events]


class Emitter:
    """The events of one decision: stamped from its cause, each with the aggregate's `keys` fields, and
    numbered per event type so two events of one type get different ids. `notes` become history entries
    beside the events' own when `done` records them on the state."""

    def __init__(self, seller: str, cause: Cause, at: datetime, *, summary=lambda e: "", **keys: object) -> None:  # noqa: ANN001
        self.seller, self.cause, self.at, self.keys, self._summary = seller, cause, at, keys, summary
        self.events: list[Event] = []
        self.notes: list[str] = []
        self._n: dict[type, int] = {}

    def __call__(self, event_type: type[Event], **fields: object) -> None:
        n = self._n[event_type] = self._n.get(event_type, -1) + 1
        self.events.append(event_type(**stamp(self.cause, event_type, self.seller, self.at, n), **self.keys, **fields))

    def done(self, state):  # noqa: ANN001, ANN201
        """(state with its history and updated_at, events); the state unchanged when nothing happened."""
        entries = history(self.events, self._summary) + [
            HistoryEntry(at=self.at, type="note", event_id=str(self.cause.id), summary=n) for n in self.notes]
        if not entries:
            return state, []
        return msgspec.structs.replace(state, history=[*state.history, *entries], updated_at=self.at), self.events


@contextmanager
def refusals(id_field: str) -> Iterator[None]:
    """Inside a request handler: domain refusals become the request's clear error, naming the field
    (NotFound names the request's id field)."""
    try:
        yield
    except NotFound as exc:
        raise RequestError("not_found", str(exc), f"$.{id_field}") from exc
    except Refused as exc:
        raise RequestError("refused", str(exc), exc.field) from exc
