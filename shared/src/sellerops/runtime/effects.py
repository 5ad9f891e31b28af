"""Pending effects: an aggregate's state plus what it decided and has not carried out yet.

A decision returns a new state, the events to publish, and (for some aggregates) changes to make to other
records: a day counter to move, a SKU's ledger to debit. A `PendingEffects` store saves all of it in the one
revision-checked write that saves the state and remembers the message id (runtime.state), as a `Pending`
entry of the record; it then carries the entry out from there (publishes the events, hands each change to
`carry_out`) and clears it with a second revision-checked write.

A process that dies in between leaves the entry in the record, and it is carried out again, the same:
- by the message coming back (a redelivery finds its id applied, changes nothing, and settles what is
  still pending), or
- by the bucket's deadline watch (`due_of` adds a SETTLE deadline while anything is pending; `fire`
  settles it), for what no message brings back: a request, a fired deadline.

Carrying out twice must change nothing: events keep their ids (they are saved encoded, not decided again),
so JetStream's duplicate window drops the second copy; `carry_out` must apply a change at most once by
its `Origin` (the key and message id), as the day counters and SKU ledgers do by id.

How long the target remembers that id matters. A record remembers the last `keep` message ids, but an effect
may be carried out again long after (the redelivery comes after the ack wait, 30 s), and a hot record takes
thousands of changes meanwhile (a seller-day at 1,000 orders/s): the id would be forgotten and the change
applied twice. So a target *holds* the ids of the effects it took (`AggregateStore.apply(..., hold=True)`,
health's `DayStore.add`), however many messages come after, and `release` (given to this store) tells it to
let go once the origin's entry is cleared: from then on no one carries it out again. The target lets go at its
next write rather than with a write of its own, so a process stopping in between leaves an id held for good: a
few bytes, never a wrong count.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import msgspec

from sellerops.contracts.catalog import decode_event, encode
from sellerops.contracts.envelope import Event
from sellerops.runtime.clock import Clock
from sellerops.runtime.state import Applied, Pending, Processed, Record, SellerKeyedStore

__all__ = ["SETTLE", "NoEffect", "Origin", "Pending", "PendingEffects", "Watched"]

S = TypeVar("S")
E = TypeVar("E")

SETTLE = "settle"  # the deadline kind of a record that still holds pending effects


class NoEffect(msgspec.Struct, frozen=True):
    """The effect type of a store whose decisions only publish events."""


class Publish(Protocol):
    async def __call__(self, events: Sequence[Event]) -> None: ...


class Origin(NamedTuple):
    """Where an effect comes from: what `carry_out` dedupes it by."""

    seller: str
    aggregate_id: str
    message_id: str

    @property
    def id(self) -> str:
        return f"{self.seller}/{self.aggregate_id}/{self.message_id}"


# (state, events) or (state, events, effects)
Decision = tuple[S | None, Sequence[Event]] | tuple[S | None, Sequence[Event], Sequence[E]]  # None: no aggregate
# A reaction to what an effect did, applied to the state in the write that clears it: (state, events, effects).
React = Callable[[S], tuple[S, Sequence[Event], Sequence[E]]]
CarryOut = Callable[[Origin, E], Awaitable[React[S, E] | None]]  # CarryOut[E, S]: E comes first
Release = Callable[[Origin, E], Awaitable[None]]  # the origin cleared the effect: the target may forget its id
Fire = Callable[[str, str, datetime], Awaitable[None]]


@dataclass(frozen=True)
class Watched(Generic[S]):
    """What a deadline watch sees of a record: its state, and since when it has held pending effects."""

    state: S | None
    pending_since: datetime | None = None


def _split(result: Decision[S, E]) -> tuple[S | None, Sequence[Event], Sequence[E]]:
    if len(result) == 3:
        return result[0], result[1], result[2]
    return result[0], result[1], ()


class PendingEffects(Generic[S, E]):
    """A SellerKeyedStore whose applies keep the events (and effects) they decided beside the state, then
    publish (and carry out) them from there. It answers what a KeyedStore answers (load, scan, forget)."""

    def __init__(self, store: SellerKeyedStore[S], publish: Publish, clock: Clock, *,
                 effect_type: type[E] = NoEffect,  # type: ignore[assignment]
                 carry_out: CarryOut[E, S] | None = None, release: Release[E] | None = None,
                 rounds: int = 8) -> None:
        self._store = store
        self._aggregates = store.aggregates
        self._publish = publish
        self._clock = clock
        self._effects: msgspec.json.Decoder[E] = msgspec.json.Decoder(effect_type)
        self._carry_out = carry_out
        self._release = release
        self._rounds = rounds  # a reaction may leave one more entry (releasing what a failed order held)
        self.kv = store.kv

    # ---- what a KeyedStore answers ----

    def key(self, seller: str, aggregate_id: str) -> str:
        return self._store.key(seller, aggregate_id)

    def decode_state(self, value: bytes) -> S | None:
        return self._store.decode_state(value)

    async def load(self, seller: str, aggregate_id: str) -> S | None:
        return await self._store.load(seller, aggregate_id)

    async def load_record(self, seller: str, aggregate_id: str) -> Record[S]:
        return await self._store.load_record(seller, aggregate_id)

    def scan(self, seller: str) -> Any:
        return self._store.scan(seller)

    async def forget(self, seller: str, aggregate_id: str, when: Callable[[S], bool]) -> bool:
        """Delete the aggregate if `when(state)` and nothing is pending (pending effects are never dropped)."""
        return await self._aggregates.forget_record(self.key(seller, aggregate_id),
                                                    lambda r: r.state is not None and not r.pending and when(r.state))

    # ---- deciding and settling ----

    async def apply(self, seller: str, aggregate_id: str, message_id: str,
                    decide: Callable[[S | None], Decision[S, E]], *, new: bool = False) -> Applied[S]:
        """Decide on the current state at most once per message id; save the state with the events and effects
        decided, then carry them out (and whatever an earlier apply left pending). A duplicate changes nothing
        and settles what is still pending. `new`: the message is expected to start the aggregate (its key is
        created without a read first; one that exists is read after all)."""
        key = self.key(seller, aggregate_id)
        applied, pending = await self._aggregates.update(key, partial(self._step, message_id=message_id,
                                                                      decide=decide), new=new)
        if pending:
            await self._settle(seller, aggregate_id, key, pending)
        return applied

    async def settle(self, seller: str, aggregate_id: str) -> None:
        """Carry out what the aggregate still holds pending (after a crash)."""
        key = self.key(seller, aggregate_id)
        record, _ = await self._aggregates.get(key)
        if record.pending:
            await self._settle(seller, aggregate_id, key, record.pending)

    def _step(self, record: Record[S], *, message_id: str,
              decide: Callable[[S | None], Decision[S, E]]) -> tuple[Record[S], tuple[Applied[S], list[Pending]]]:
        if record.find(message_id) is not None:
            return record, (Applied(record.state, [], duplicate=True), record.pending)
        state, events, effects = _split(decide(record.state))
        if state == record.state and not events and not effects:
            return record, (Applied(state, []), record.pending)
        entry = [self._entry(message_id, events, effects)] if events or effects else []
        new = self._aggregates.remember(record, state, Processed(message_id), entry)
        return new, (Applied(state, list(events)), new.pending)

    def _entry(self, message_id: str, events: Sequence[Event], effects: Sequence[E]) -> Pending:
        return Pending(message_id, self._clock.base_now(), [msgspec.Raw(encode(e)) for e in events],
                       [msgspec.Raw(encode(x)) for x in effects])

    async def _settle(self, seller: str, aggregate_id: str, key: str, entries: list[Pending]) -> None:
        for _ in range(self._rounds):
            reactions: list[tuple[str, React[S, E]]] = []
            for entry in entries:
                await self._publish([decode_event(raw) for raw in entry.events])
                for raw in entry.effects:
                    react = await self._carried_out(Origin(seller, aggregate_id, entry.id), raw)
                    if react is not None:
                        reactions.append((entry.id, react))
            done = {entry.id for entry in entries}
            settled = entries
            entries = await self._aggregates.update(key, partial(self._cleared, done=done, reactions=reactions))
            await self._released(seller, aggregate_id, settled)
            if not entries:
                return

    async def _released(self, seller: str, aggregate_id: str, settled: list[Pending]) -> None:
        """Tell each target its effect is cleared here: nothing carries it out again."""
        if self._release is None:
            return
        for entry in settled:
            for raw in entry.effects:
                await self._release(Origin(seller, aggregate_id, entry.id), self._effects.decode(raw))

    async def _carried_out(self, origin: Origin, raw: msgspec.Raw) -> React[S, E] | None:
        if self._carry_out is None:
            raise RuntimeError(f"{origin.id} has effects and the store was given no carry_out")
        return await self._carry_out(origin, self._effects.decode(raw))

    def _cleared(self, record: Record[S], *, done: set[str],
                 reactions: list[tuple[str, React[S, E]]]) -> tuple[Record[S], list[Pending]]:
        """Drop the settled entries, and apply the reactions of those still there (a concurrent settle may
        have cleared them already: then it applied them). The entries the reactions left, to settle next."""
        present = {p.id for p in record.pending} & done
        if not present:
            return record, []
        state, follow = record.state, []
        for entry_id in sorted(present, key=[p.id for p in record.pending].index):
            events: list[Event] = []
            effects: list[E] = []
            for _, react in (r for r in reactions if r[0] == entry_id):
                if state is not None:
                    state, more_events, more_effects = react(state)
                    events += more_events
                    effects += more_effects
            if events or effects:
                follow.append(self._entry(f"{entry_id}/after", events, effects))
        rest = [p for p in record.pending if p.id not in present]
        return Record(state, record.processed, rest + follow, record.held), follow

    # ---- the deadline watch ----

    def decode_watched(self, value: bytes) -> Watched[S]:
        """What the bucket's deadline watch decodes (give it to `deadline_jobs` instead of `decode_state`)."""
        read = self._aggregates.decode_pending(value)
        return Watched(read.state, read.pending[0].at if read.pending else None)

    def due_of(self, due_of: Callable[[S], Iterable[tuple[str, datetime]]] | None = None
               ) -> Callable[[Watched[S]], list[tuple[str, datetime]]]:
        """The deadlines of a watched record: the domain's (`due_of(state)`), and SETTLE while it holds pending
        effects."""
        return partial(_due, due_of)

    def fire(self, fire: Fire | None = None) -> Fire:
        """A deadline fired: SETTLE settles the record; any other kind goes to `fire`."""
        return partial(_fire, self, fire)


def _due(due_of: Callable[[S], Iterable[tuple[str, datetime]]] | None,
         watched: Watched[S]) -> list[tuple[str, datetime]]:
    found = list(due_of(watched.state)) if due_of is not None and watched.state is not None else []
    return found + ([(SETTLE, watched.pending_since)] if watched.pending_since is not None else [])


async def _fire(store: PendingEffects[Any, Any], fire: Fire | None, key: str, kind: str, due: datetime) -> None:
    if kind == SETTLE:
        seller, aggregate_id = key.split(".", 1)
        await store.settle(seller, aggregate_id)
    elif fire is not None:
        await fire(key, kind, due)
