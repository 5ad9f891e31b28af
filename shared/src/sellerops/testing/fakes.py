"""Small in-memory fakes. FakeKeyValue lets the real AggregateStore (dedupe, revision checks) run in unit tests."""

import itertools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from sellerops.contracts.envelope import Event


@dataclass
class _Entry:
    key: str
    value: bytes
    revision: int


class FakeKeyValue:
    """The part of nats-py's KeyValue that sellerops uses, with the same revision semantics."""

    def __init__(self) -> None:
        self._data: dict[str, _Entry] = {}
        self._revisions = itertools.count(1)
        self.writes = 0
        self.gets = 0
        self.conflicts_to_inject = 0

    async def get(self, key: str) -> _Entry:
        self.gets += 1
        if key not in self._data:
            raise KeyNotFoundError
        return self._data[key]

    async def create(self, key: str, value: bytes) -> int:
        return await self.update(key, value, last=0)

    async def update(self, key: str, value: bytes, last: int | None = None) -> int:
        current = self._data.get(key)
        if self.conflicts_to_inject or (current.revision if current else 0) != (last or 0):
            self.conflicts_to_inject = max(0, self.conflicts_to_inject - 1)
            raise KeyWrongLastSequenceError(description="wrong last sequence")
        return self._store(key, value)

    async def put(self, key: str, value: bytes) -> int:
        return self._store(key, value)

    async def delete(self, key: str, last: int | None = None) -> bool:
        """A delete marker (an empty value at a new revision), at `last` when given."""
        current = self._data.get(key)
        if last is not None and (current.revision if current else 0) != last:
            raise KeyWrongLastSequenceError(description="wrong last sequence")
        self._store(key, b"")
        return True

    def _store(self, key: str, value: bytes) -> int:
        revision = next(self._revisions)
        self._data[key] = _Entry(key, value, revision)
        self.writes += 1
        return revision

    async def latest_values(self, prefix: str) -> AsyncIterator[tuple[str, bytes]]:
        for key, entry in sorted(self._data.items()):
            if key.startswith(f"{prefix}.") and entry.value:
                yield key, entry.value


@dataclass
class RecordingPublisher:
    """Records what was published; set `fail_times` to make the next publishes raise."""

    events: list[Event] = field(default_factory=list)
    fail_times: int = 0

    async def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            if self.fail_times:
                self.fail_times -= 1
                raise ConnectionError("publish failed (injected)")
            self.events.append(event)

    def of_type(self, cls: type) -> list:
        return [e for e in self.events if isinstance(e, cls)]


@dataclass
class FakeMsg:
    """A JetStream message as the dispatcher sees it, recording what was done with it."""

    data: bytes
    subject: str = "market.acme.order.placed"
    headers: dict[str, str] | None = None
    num_delivered: int = 1
    stream_seq: int = 1
    outcome: list[tuple[str, float | None]] = field(default_factory=list)
    ack_confirmations_lost: int = 0  # the next `ack_sync` calls time out

    @property
    def metadata(self) -> SimpleNamespace:
        return SimpleNamespace(num_delivered=self.num_delivered, stream="MARKET",
                               sequence=SimpleNamespace(stream=self.stream_seq, consumer=self.stream_seq))

    async def ack(self) -> None:
        self.outcome.append(("ack", None))

    async def ack_sync(self, timeout: float = 1.0) -> "FakeMsg":
        if self.ack_confirmations_lost:
            self.ack_confirmations_lost -= 1
            raise TimeoutError("no confirmation of the ack (injected)")
        self.outcome.append(("ack_sync", None))
        return self

    async def nak(self, delay: float | None = None) -> None:
        self.outcome.append(("nak", delay))

    async def term(self) -> None:
        self.outcome.append(("term", None))


@dataclass
class RecordingDeadLetters:
    sent: list[tuple[FakeMsg, str, int]] = field(default_factory=list)

    async def send(self, msg: Any, reason: str, deliveries: int) -> None:
        self.sent.append((msg, reason, deliveries))
