"""The pending effect of a stock-moving decision: the movements it made in the SKU ledgers (other records).

Shipments, outbound and removal orders move units in the SKU ledgers. Their stores keep a decision's
movements beside its new state, in the same revision-checked write (runtime.effects.PendingEffects), as
one `LedgerMoves` effect; the store then applies them to the ledgers and clears them. A crash in between
leaves them pending: the next apply of the aggregate or the deadline watch carries them out again, and
each SKU's ledger applies them at most once (by the decision's origin id).
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from sellerops.contracts.envelope import Event
from sellerops.contracts.inventory import InventoryMoved, Movement

S = TypeVar("S")
Effects = tuple[Any, list[Event], list["LedgerMoves"]]
# How an aggregate answers what the ledger did: (state, entries written, when) -> (state, events, movements).
After = Callable[[Any, list[InventoryMoved], datetime], tuple[Any, Sequence[Event], Sequence[Movement]]]


class LedgerMoves(msgspec.Struct, frozen=True):
    """Movements one decision made, to apply to the SKU ledgers at `at` (the decision's time)."""

    at: datetime
    moves: list[Movement]


def with_moves(rule: Callable[[Any], tuple[Any, ...]], at: datetime,
               moves_of: Callable[[list[Event]], list[Movement]] | None = None) -> Callable[[Any], Effects]:
    """Adapt a domain rule returning (state, events[, movements]) to (state, events, effects): its movements (or
    those `moves_of` derives from its events) become one LedgerMoves effect."""

    def decide(state: Any) -> Effects:
        result = rule(state)
        new, events = result[0], list(result[1])
        moves = list(result[2]) if len(result) > 2 else (moves_of(events) if moves_of else [])
        return new, events, [LedgerMoves(at, moves)] if moves else []

    return decide


def reacting(after: After, moved: list[InventoryMoved], at: datetime) -> Callable[[Any], Effects]:
    """The aggregate's answer to the ledger's entries (`after`), as a reaction to apply to its state: its new
    movements become one more LedgerMoves effect."""

    def react(state: Any) -> Effects:
        new, events, moves = after(state, moved, at)
        return new, list(events), [LedgerMoves(at, list(moves))] if moves else []

    return react
