"""Records of shipments, outbound and removal orders that an older version wrote, read by this one.

That version kept a stock-moving aggregate's ledger movements in an outbox inside its state:
`{"state": {"state": <aggregate>, "outbox": [{"id", "at", "moves"}]}, "processed": [...]}`. This one keeps them
as pending effects of the record (runtime.effects). `upgrade_outboxes` rewrites each such record in place (the
aggregate, its processed ids, and each outbox batch as a pending LedgerMoves effect under the batch's own id,
so the SKU ledgers still apply it at most once); a record already in the new shape is left as it is. The
service runs it over its three buckets before it starts consuming.
"""

from datetime import datetime

import msgspec
import structlog
from nats.js.errors import KeyWrongLastSequenceError, NoKeysError
from nats.js.kv import KeyValue

from sellerops.contracts.catalog import encode
from sellerops.contracts.inventory import Movement
from sellerops.fulfillment.domain.ledger_moves import LedgerMoves
from sellerops.runtime.state import Pending

log = structlog.get_logger("sellerops.fulfillment")
OLD_KEYS = {"state", "outbox"}  # what the old wrapper held; no aggregate has exactly these fields


class _Batch(msgspec.Struct):
    id: str
    at: datetime
    moves: list[Movement]


class _Boxed(msgspec.Struct):
    state: msgspec.Raw
    outbox: list[_Batch] = []


class _Probe(msgspec.Struct):
    state: dict[str, msgspec.Raw] | None = None


class _Old(msgspec.Struct):
    state: _Boxed
    processed: list[msgspec.Raw] = []


class _New(msgspec.Struct):
    state: msgspec.Raw
    processed: list[msgspec.Raw]
    pending: list[Pending]


def upgraded(value: bytes) -> bytes | None:
    """The record in the new shape, or None when it already is (or holds nothing)."""
    probe = msgspec.json.decode(value, type=_Probe)
    if probe.state is None or set(probe.state) != OLD_KEYS:
        return None
    old = msgspec.json.decode(value, type=_Old)
    pending = [Pending(b.id, b.at, [], [msgspec.Raw(encode(LedgerMoves(b.at, b.moves)))]) for b in old.state.outbox]
    return encode(_New(old.state.state, old.processed, pending))


async def upgrade_outboxes(kv: KeyValue, bucket: str) -> int:
    """Rewrite the bucket's records of the older shape; how many were."""
    try:
        keys = await kv.keys()
    except NoKeysError:
        return 0
    done = 0
    for key in keys:
        entry = await kv.get(key)
        new = upgraded(entry.value) if entry.value else None
        if new is None:
            continue
        try:
            await kv.update(key, new, last=entry.revision)
            done += 1
        except KeyWrongLastSequenceError:  # written meanwhile by an older instance still running: next start
            log.warning("record_not_upgraded", bucket=bucket, key=key, reason="written while upgrading")
    if done:
        log.info("records_upgraded", bucket=bucket, upgraded=done)
    return done
