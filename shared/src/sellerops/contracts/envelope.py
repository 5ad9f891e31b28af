"""The envelope every event carries, and how derived events get their deterministic ids."""

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar

import msgspec

from sellerops.contracts.schema import SchemaStruct
from sellerops.contracts.subjects import event_subject

# `$(?!\n)`: msgspec matches with re.search, where a bare `$` also matches before a final newline.
SELLER_PATTERN = r"^[A-Za-z0-9_-]{1,64}$(?!\n)"
ID_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9_=-]*(\.[A-Za-z0-9_=-]+)*$(?!\n)"
Seller = Annotated[str, msgspec.Meta(pattern=SELLER_PATTERN, description="seller slug")]
Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN, max_length=128,
                                 description="an id usable in keys: letters, digits, '-', '_', '=', inner dots")]
Timestamp = Annotated[datetime, msgspec.Meta(tz=True, description="aware ISO-8601 date-time")]
Count = Annotated[int, msgspec.Meta(ge=0)]
PositiveCount = Annotated[int, msgspec.Meta(ge=1)]

# Fixed namespace for derived event ids: uuid5(namespace, "<cause id>/<type tag>/<index>").
DERIVED_IDS = uuid.UUID("6f1a3a0e-8f5e-5b8a-9d57-3c4b9d8e2a10")


class Event(SchemaStruct, frozen=True, kw_only=True, tag_field="type"):
    """Base of every event: a fact that happened, with its envelope.

    Subclasses set the class variables below and a tag `<source>.<entity>_<fact>.v<N>`.
    """

    source: ClassVar[str]
    entity: ClassVar[str]
    fact: ClassVar[str]
    key_field: ClassVar[str]
    # The fact that normally begins its aggregate's life (an order's placement): a store may create the
    # aggregate's record without reading it first. Only a hint; a record that exists after all is read.
    opens_aggregate: ClassVar[bool] = False

    event_id: uuid.UUID
    seller: Seller
    occurred_at: Timestamp
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None

    @property
    def subject(self) -> str:
        return event_subject(self.source, self.seller, self.entity, self.fact)

    @property
    def aggregate_id(self) -> str:
        key: str = getattr(self, self.key_field)
        return key

    @property
    def correlation(self) -> uuid.UUID:
        """The conversation this event belongs to: its own id when it started one."""
        return self.correlation_id or self.event_id

    @classmethod
    def type_tag(cls) -> str:
        return cls.__struct_config__.tag  # type: ignore[return-value]


def derived_id(cause_id: uuid.UUID | str, tag: str, index: int = 0) -> uuid.UUID:
    """The id of the index-th event of type `tag` caused by `cause_id`: a retry re-emits the same id."""
    return uuid.uuid5(DERIVED_IDS, f"{cause_id}/{tag}/{index}")


def envelope_from(
    cause_id: uuid.UUID | str, correlation_id: uuid.UUID | None, tag: str, index: int
) -> dict[str, Any]:
    """Envelope fields for an event derived from a message (an event or a command)."""
    cause = cause_id if isinstance(cause_id, uuid.UUID) else derived_id(cause_id, "command", 0)
    return {
        "event_id": derived_id(cause_id, tag, index),
        "correlation_id": correlation_id or cause,
        "causation_id": cause,
    }
