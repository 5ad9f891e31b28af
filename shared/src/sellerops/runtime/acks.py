"""What waits for the message being handled to be acknowledged.

A hot record (a SKU's ledger, a demand count, a digest) takes thousands of messages and remembers only the
last few ids. A message redelivered after a crash or a lost acknowledgement comes back after the ack wait
(30 s), and its id may be forgotten by then: applied twice. So such a record *holds* the id of each message it
took until the server has confirmed that message's acknowledgement, after which it cannot come back
(`SellerKeyedStore.apply_held`). The dispatcher (runtime.delivery) collects these callbacks per message, acks a
message that has any with a confirmed ack (`ack_sync`, one round trip) instead of a plain one, then runs them.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Callback = Callable[[], None]

_waiting: ContextVar[list[Callback] | None] = ContextVar("sellerops_after_ack", default=None)


def after_ack(callback: Callback) -> bool:
    """Run `callback` once the message being handled is acknowledged; False when no message is (a request, a
    deadline, a test): then nothing can deliver it again and the caller runs it at once."""
    waiting = _waiting.get()
    if waiting is None:
        return False
    waiting.append(callback)
    return True


@contextmanager
def collecting() -> Iterator[list[Callback]]:
    """The callbacks `after_ack` registers while one message is handled (runtime.delivery)."""
    waiting: list[Callback] = []
    token = _waiting.set(waiting)
    try:
        yield waiting
    finally:
        _waiting.reset(token)
