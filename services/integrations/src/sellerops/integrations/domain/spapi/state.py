"""What one read collects: facts (once per event id), problems, Orders API pieces, duplicates and notes."""

from collections import Counter
from uuid import UUID

from sellerops.contracts.envelope import Event
from sellerops.plugins.ingest import Parsed, Pending, Problem


class _State:
    def __init__(self, seller: str) -> None:
        self.seller = seller
        self.events: list[Event] = []
        self.problems: list[Problem] = []
        self.duplicates = 0
        self.ignored = 0
        self.notes: Counter[str] = Counter()
        self.notification_ids: set[str] = set()
        self.event_ids: set[UUID] = set()
        self.pieces: list[Pending] = []  # Orders API pieces, joined later (orders_api.join)
        self.piece_ids: set[tuple[str, str]] = set()
        self.current = 0  # the document being read

    def ignore(self, note: str) -> None:
        self.ignored += 1
        self.notes[note] += 1

    def add(self, event: Event) -> None:
        if event.event_id in self.event_ids:
            self.duplicates += 1
            return
        self.event_ids.add(event.event_id)
        self.events.append(event)

    def piece(self, piece: Pending) -> None:
        if (piece.key, piece.part) in self.piece_ids:
            self.duplicates += 1
            return
        self.piece_ids.add((piece.key, piece.part))
        self.pieces.append(piece)

    def result(self) -> Parsed:
        notes = [f"{note} ({count} document{'s' if count != 1 else ''})" for note, count in self.notes.items()]
        return Parsed(self.events, self.problems, self.duplicates, self.ignored, notes, pending=self.pieces)
