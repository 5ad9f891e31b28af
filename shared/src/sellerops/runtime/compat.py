"""Two fixes at the edge between nats-py and FastStream, installed by the service host (not at import time).

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

Neither library offers these behaviours publicly, so both are pinned (shared/pyproject.toml: faststream 0.7.8.x,
nats-py 2.16.x) and shared/tests/unit/test_third_party_names.py fails, naming this module, when a name used here
moves or FastStream starts catching the bare timeout itself. Moving event consumption off FastStream onto a
nats-py pull loop of our own would drop both patches, but also FastStream's in-memory test broker, which the
services' wiring tests drive.
"""

import asyncio
import functools

import nats.errors
from faststream.nats import PullSub
from nats.js import JetStreamContext
from nats.js.errors import ServiceUnavailableError

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


# ---- batches as they arrive ----
#
# FastStream's batch pull loop (`BatchPullStreamSubscriber._consume_pull`) keeps fetching until the batch is
# full or its timeout ends, and nats-py's `fetch(batch=N)` itself waits on a lingering pull until N messages
# came or it expired. So the timeout is both how long a lone event waits before it is handled and how often
# an idle consumer asks the server: 0.05 s meant up to 50 ms per hop and 20 pull requests a second for every
# idle consumer (about 0.2 of a core for `sellerops up` doing nothing, measured). The loop below asks for one
# event with a long lingering pull (the server answers the moment one arrives; `timeout` is only how long an
# idle pull waits), then takes at once whatever else is already pending (a no-wait pull of the rest of the
# batch), waiting at most `drain_s` when nothing more is there. It is used only for subscribers given an
# `EagerPullSub`; any other keeps FastStream's loop.


class EagerPullSub(PullSub):
    """A batch pull subscription for `batches_as_they_arrive`: `idle_s` is how long an idle pull lingers,
    `drain_s` how long to wait for more once a batch has its first event and nothing else is pending."""

    def __init__(self, *, batch_size: int, idle_s: float, drain_s: float) -> None:
        super().__init__(batch_size=batch_size, timeout=idle_s, batch=True)
        self.drain_s = drain_s


def batches_as_they_arrive() -> None:
    """Install the eager loop for `EagerPullSub` subscribers (idempotent; installed by the service host)."""
    from faststream.nats.subscriber.usecases.stream_pull_subscriber import BatchPullStreamSubscriber

    if getattr(BatchPullStreamSubscriber._consume_pull, _MARK, False):
        return
    fill_until_timeout = BatchPullStreamSubscriber._consume_pull

    @functools.wraps(fill_until_timeout)
    async def consume_as_they_arrive(self) -> None:  # noqa: ANN001
        drain_s = getattr(self.pull_sub, "drain_s", None)
        if drain_s is None:
            return await fill_until_timeout(self)
        assert self.subscription, "create_subscription first"
        batch_size, idle_s = self.pull_sub.batch_size, self.pull_sub.timeout
        while self.running:
            try:
                messages = await self.subscription.fetch(batch=1, timeout=idle_s)
            except nats.errors.TimeoutError:
                continue  # idle: pull again
            except (nats.errors.ConnectionClosedError, ServiceUnavailableError):
                await asyncio.sleep(0.1)  # unacknowledged messages come again; do not spin while disconnected
                continue
            if batch_size > 1 and self.running:
                try:
                    messages += await self.subscription.fetch(batch=batch_size - 1, timeout=drain_s)
                except nats.errors.TimeoutError:
                    pass  # nothing more pending: handle the one
                except nats.errors.Error:  # a 503 during an election, the connection going, ...
                    # Handle the one already fetched rather than leave it to come back after ack_wait, behind
                    # later events of its aggregate: the next pull will say whether the connection is gone.
                    pass
            if messages and self.running:
                await self.consume(messages)
        return None

    setattr(consume_as_they_arrive, _MARK, True)
    BatchPullStreamSubscriber._consume_pull = consume_as_they_arrive
