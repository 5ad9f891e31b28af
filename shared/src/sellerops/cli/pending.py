"""Pieces of facts waiting for their other pieces between `sellerops ingest` calls (an order without its
items, items without their order), kept in the JetStream KeyValue bucket `ingest_pending`.

The waiting state lives next to the facts, in NATS, not on the machine that ran the call: a later call from
anywhere (another host, a cron job, a container) completes the order. One key per ingester, seller and join
key (`sp-api.acme.902-1845936-5435065`) holds either the pieces read so far or, once the fact was published,
a `done` marker: pieces of a done order read again count as duplicates, so an order is published once even
when its documents keep arriving. The marker is written after the facts were published: a call that dies in
between publishes the same facts again next time under the same ids (JetStream and the services' processed
ids drop the copies).
"""

import hashlib
from dataclasses import dataclass
from typing import Any

import msgspec
from nats.js.errors import KeyNotFoundError

from sellerops.contracts.subjects import InvalidToken, id_token, seller_token
from sellerops.plugins.ingest import Parsed, Pending
from sellerops.runtime.broker import open_bucket
from sellerops.runtime.settings import RuntimeSettings

__all__ = ["BUCKET", "Settled", "keep", "settle"]

BUCKET = "ingest_pending"


class _Piece(msgspec.Struct, frozen=True):
    part: str
    document: str
    where: str


class _Entry(msgspec.Struct, frozen=True):
    done: bool = False
    pieces: list[_Piece] = []


@dataclass(frozen=True)
class Settled:
    parsed: Parsed  # the joined facts (not published yet), problems, and the pieces still waiting
    already_done: int  # pieces of orders an earlier call already published (duplicates)
    open_keys: set[str]  # the join keys this call decides about (`keep`)


def _key(ingester: str, seller: str, join_key: str) -> str:
    """`<ingester>.<seller>.<join key>`; a join key that is no valid KV token is replaced by its hash."""
    try:
        token = id_token("join key", join_key)
    except InvalidToken:
        token = "sha256-" + hashlib.sha256(join_key.encode()).hexdigest()
    return f"{ingester}.{seller_token(seller)}.{token}"


async def _load(kv: Any, key: str) -> _Entry:
    try:
        entry = await kv.get(key)
    except KeyNotFoundError:
        return _Entry()
    return msgspec.json.decode(entry.value, type=_Entry) if entry.value else _Entry()


async def settle(nc: Any, settings: RuntimeSettings, ingester: Any, seller: str, pieces: list[Pending]) -> Settled:
    """Join this call's pieces with the ones kept from earlier calls; keep what still waits, mark what is done.

    The caller publishes the joined facts, then calls `keep`."""
    kv = await open_bucket(nc.jetstream(), BUCKET, settings.nats)
    entries = {key: await _load(kv, _key(ingester.name, seller, key)) for key in dict.fromkeys(p.key for p in pieces)}
    fresh = [p for p in pieces if not entries[p.key].done]
    kept = [Pending(k, x.part, x.document.encode(), x.where) for k, e in entries.items() if not e.done for x in e.pieces]
    parsed = ingester.join(seller, kept + fresh)
    return Settled(parsed, len(pieces) - len(fresh), {k for k, e in entries.items() if not e.done})


async def keep(nc: Any, settings: RuntimeSettings, ingester: str, seller: str, settled: Settled) -> None:
    """After publishing: `done` for the joined keys, the waiting pieces for the others, nothing for a key whose
    pieces were a problem (sending corrected documents starts it again)."""
    kv = await open_bucket(nc.jetstream(), BUCKET, settings.nats)
    waiting: dict[str, list[_Piece]] = {}
    parsed = settled.parsed
    for p in parsed.pending:
        waiting.setdefault(p.key, []).append(_Piece(p.part, p.document.decode(), p.where))
    for join_key in settled.open_keys:
        key = _key(ingester, seller, join_key)
        if join_key in parsed.joined:
            await kv.put(key, msgspec.json.encode(_Entry(done=True)))
        elif join_key in waiting:
            await kv.put(key, msgspec.json.encode(_Entry(pieces=waiting[join_key])))
        else:
            try:
                await kv.delete(key)
            except KeyNotFoundError:
                pass
