"""A fix for an edge between the libraries, installed by the service host (not at import time).

nats-py's `PullSubscription.fetch` documents `nats.errors.TimeoutError` when nothing arrives in time, but
when its deadline runs out between two of its own steps it raises a bare `asyncio.TimeoutError`
(nats/js/client.py, `_fetch_n`: `raise asyncio.TimeoutError`). FastStream's batch pull loop
(faststream/nats/subscriber/usecases/stream_pull_subscriber.py, `_consume_pull`) fetches again to fill
a partial batch with the time left, which is when that happens, and it catches only the nats-py type:
the bare one ends the loop's task, the messages already gathered for the batch are thrown away, and the
server delivers them again only after `ack_wait` (30 s by default), behind later messages of the same
aggregate. Seen as a 5 s stall in about half the runs of the FBA customer-return test (ack_wait 5 s
there) and, once in eight runs, as an order's events handled out of order. nats-py 2.16.0 and
FastStream 0.7.8, both the latest, have it.

The fix makes the bare timeout the documented type; FastStream then ends the batch and handles what it
gathered. It is idempotent and changes nothing else.
"""

import asyncio
import functools

import nats.errors
from nats.js import JetStreamContext

_MARK = "_sellerops_typed_timeouts"


def typed_fetch_timeouts() -> None:
    """Make `PullSubscription.fetch` raise only `nats.errors.TimeoutError` on a timeout."""
    pull = JetStreamContext.PullSubscription
    if getattr(pull.fetch, _MARK, False):
        return
    fetch = pull.fetch

    @functools.wraps(fetch)
    async def typed_fetch(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return await fetch(self, *args, **kwargs)
        except nats.errors.TimeoutError:
            raise
        except asyncio.TimeoutError as exc:
            raise nats.errors.TimeoutError from exc

    setattr(typed_fetch, _MARK, True)
    pull.fetch = typed_fetch
