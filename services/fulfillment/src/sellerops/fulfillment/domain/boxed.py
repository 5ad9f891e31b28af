"""A stock-moving aggregate as stored: its state plus the ledger movements it decided and has not yet applied.

Shipments, outbound and removal orders move units in the SKU ledgers (other aggregates). A decision
saves the movements it made with the new state, in the same revision-checked write (`decided`); they
are then applied to the ledgers batch by batch, and each batch is cleared in one more write (`cleared`).
If the process dies in between, the batch is still in the outbox: the deadline watch sees it (`due`)
and applies it again, and each SKU's ledger applies a batch at most once (its id is the message id).
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import InventoryMoved, Movement

S = TypeVar("S")
OUTBOX = "outbox"  # the deadline kind of an aggregate whose outbox still holds movements
MAX_FOLLOW_UPS = 8  # a reaction may queue one more batch (releasing what a failed order held)

# How an aggregate reacts to what the ledger did: (state, entries written, when) -> (state, events, movements).
After = Callable[[Any, list[InventoryMoved], datetime], tuple[Any, Sequence[Event], Sequence[Movement]]]


class Batch(msgspec.Struct, frozen=True):
    """Ledger movements one message decided, waiting to be applied to the SKU ledgers."""

    id: str
    at: datetime
    moves: list[Movement]


class Boxed(msgspec.Struct, Generic[S], frozen=True):
    state: S
    outbox: list[Batch] = []


def decided(rule: Callable[[Any], tuple], message_id: str, at: datetime,
            moves_of: Callable[[list[Event]], list[Movement]] | None = None) -> Callable:
    """Adapt a domain rule returning (state, events[, movements]) to a Boxed state: the movements (or those
    `moves_of` derives from the events) join the outbox as one batch named after the message."""

    def decide(box: Boxed | None) -> tuple[Boxed | None, list[Event]]:
        result = rule(box.state if box is not None else None)
        state, events = result[0], list(result[1])
        moves = list(result[2]) if len(result) > 2 else (moves_of(events) if moves_of else [])
        if state is None:
            return box, []
        outbox = [*(box.outbox if box is not None else []), *([Batch(message_id, at, moves)] if moves else [])]
        return Boxed(state, outbox), events

    return decide


def cleared(batch: Batch, moved: list[InventoryMoved], after: After | None) -> Callable:
    """The write after `batch` was applied: drop it from the outbox and, with `after`, let the aggregate react
    to the ledger's entries (its new movements become a follow-up batch)."""

    def decide(box: Boxed) -> tuple[Boxed, list[Event]]:
        rest = [b for b in box.outbox if b.id != batch.id]
        if after is None:
            return msgspec.structs.replace(box, outbox=rest), []
        state, events, moves = after(box.state, moved, batch.at)
        follow = [Batch(f"{batch.id}/after", batch.at, list(moves))] if moves else []
        return Boxed(state, rest + follow), list(events)

    return decide


def due(due_of: Callable[[Any], Iterable[tuple[str, datetime]]] | None) -> Callable:
    """The deadlines of a boxed aggregate: its domain's (`due_of(state)`), plus applying an outbox a crash left."""

    def deadlines(box: Boxed) -> list[tuple[str, datetime]]:
        found = list(due_of(box.state)) if due_of is not None else []
        return found + ([(OUTBOX, box.outbox[0].at)] if box.outbox else [])

    return deadlines
