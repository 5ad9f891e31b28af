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


def known_fact_subjects(source: str) -> tuple[str, ...]:
    """`<source>.*.<entity>.<fact>` for every fact of `source` in the catalog."""
    from sellerops.contracts.catalog import event_types

    return tuple(sorted({f"{t.source}.*.{t.entity}.{t.fact}" for t in event_types().values() if t.source == source}))


def source_stream(source: str) -> StreamSpec:
    """The MARKET stream takes only the subjects of known facts (anyone with credentials publishes there: a
    fact on any other subject is refused at publish time instead of kept where nobody reads it); the
    services' own streams take `<source>.>`."""
    subjects = known_fact_subjects(source) if source == "market" else (stream_subjects(source),)
    return StreamSpec(stream_name(source), subjects, f"events from {source}")


DEAD_LETTER = StreamSpec(
    "DEADLETTER",
    ("deadletter.>",),
    "messages a service gave up on, with the error, the service and the delivery count",
)


def all_streams() -> list[StreamSpec]:
    return [source_stream(source) for source in SOURCES] + [DEAD_LETTER]
