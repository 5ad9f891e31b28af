"""The JetStream streams: one per source, plus the dead-letter stream. The runtime declares them."""

from dataclasses import dataclass

from sellerops.contracts.subjects import stream_subjects

SOURCES = ("market", "orders", "fulfillment", "returns", "health", "notifications")


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str


def stream_name(source: str) -> str:
    return source.upper()


def source_stream(source: str) -> StreamSpec:
    return StreamSpec(stream_name(source), (stream_subjects(source),), f"events from {source}")


DEAD_LETTER = StreamSpec(
    "DEADLETTER",
    ("deadletter.>",),
    "messages a service gave up on, with the error, the service and the delivery count",
)


def all_streams() -> list[StreamSpec]:
    return [source_stream(source) for source in SOURCES] + [DEAD_LETTER]
