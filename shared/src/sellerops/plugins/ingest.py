"""The `sellerops.ingest` extension point: an adapter that turns outside data into market facts.

An ingester reads one kind of document (SP-API notification envelopes, an Orders API response, a Seller
Central flat file) and answers the facts it found and the problems it met, each problem naming where (a
line number, a JSON path) and why. It never drops input silently: what it cannot read is a problem, what
it reads twice (the same NotificationId, the same report line) is counted as a duplicate. Event ids are
derived from the seller and the source (a NotificationId, a report line's content), so ingesting a file
again publishes nothing new (JetStream drops the copies), while the same document ingested for another
seller gives that seller its own facts.

Some facts are made of pieces that arrive in different documents (an Orders API order and its items). An
ingester that reads such pieces returns them as `pending` and offers `join`: `sellerops ingest` joins the
pieces of every file of one call, and keeps what is still incomplete for a later call (see
`sellerops.cli.pending`).

A plugin module exposes `register(registry)` and adds `Ingester`s under their names. `sellerops ingest
SELLER FILE...` picks one per file (`--format NAME`, else the first whose `detect` says yes).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sellerops.contracts.envelope import Event
from sellerops.plugins.spec import INGEST, Registry

__all__ = ["INGEST", "Ingester", "Parsed", "Pending", "Problem", "fact_id", "registry"]

NAMESPACE = uuid.UUID("5b0e5d0a-7c1e-4f7a-9d61-2b6f3f1d8a90")  # sellerops ingest: stable event ids


@dataclass(frozen=True)
class Problem:
    where: str  # "line 12", "document 3: $.Payload.OrderChangeNotification.AmazonOrderId"
    message: str


@dataclass(frozen=True)
class Pending:
    """One piece of a fact whose other pieces may be in another document: kept until they are joined."""

    key: str  # what joins the pieces (an AmazonOrderId)
    part: str  # which piece ("order", "item/<OrderItemId>"); the same part twice is one piece
    document: bytes  # the piece, as JSON
    where: str  # where it was read ("document 2: $.payload.OrderItems[0]"); a file name is added by the CLI


@dataclass(frozen=True)
class Parsed:
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: int = 0  # read more than once in this input (same NotificationId, same line)
    ignored: int = 0  # understood but carrying no fact sellerops keeps (with the reason in `notes`)
    notes: list[str] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)  # pieces waiting for others (see `Ingester.join`)
    joined: list[str] = field(default_factory=list)  # keys whose pieces were all there and became facts


@dataclass(frozen=True)
class Ingester:
    name: str  # "sp-api", "fba-customer-returns", ...
    description: str
    detect: Callable[[str, str], bool]  # (file name, its first 8 KB of text) -> this ingester reads it
    parse: Callable[[str, str], Parsed]  # (seller, the whole text) -> facts and problems
    # (seller, pieces from every source) -> facts of the complete keys (`joined`), the rest still `pending`
    join: Callable[[str, list[Pending]], Parsed] | None = None


def fact_id(*parts: object, seller: str) -> uuid.UUID:
    """A stable event id for a fact read from outside data: the same seller and source, the same id.

    The seller is part of it: one document ingested for two sellers gives each seller its facts."""
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in (seller, *parts)))


def registry() -> Registry[Ingester]:
    return Registry(INGEST)
