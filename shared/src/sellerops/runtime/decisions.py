"""What every service's domain decisions share: causes and envelopes, refusals, timelines (pure)."""

from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from sellerops.contracts.envelope import Event, envelope_from
from sellerops.contracts.orders import HistoryEntry


class NotFound(Exception):
    """No such plan, shipment, order or SKU for this seller."""


class Refused(Exception):
    """The aggregate cannot do what was asked; `field` names the offending request field as a JSON path."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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
