"""Helpers for tests against a real nats-server: run a service in-process, wait, read a stream."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; fail with its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[Any]:
    """Start a FastStream app (lifecycle hooks included) for the duration of the block."""
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def read_stream(js: JetStreamContext, stream: str, subject: str = ">") -> list[Msg]:
    """Every message currently in `stream` on `subject`, oldest first (an ephemeral ordered read)."""
    info = await js.stream_info(stream)
    total = info.state.messages
    if total == 0:
        return []
    sub = await js.pull_subscribe(subject, stream=stream,
                                  config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, inactive_threshold=5.0))
    messages: list[Msg] = []
    try:
        while True:
            try:
                batch = await sub.fetch(min(500, total), timeout=0.5)
            except Exception:  # noqa: BLE001  (nothing left: nats-py raises a timeout)
                break
            messages.extend(batch)
            for msg in batch:
                await msg.ack()
    finally:
        await sub.unsubscribe()
    return messages


async def consumer_idle(js: JetStreamContext, stream: str, durable: str) -> bool:
    """True when the durable has nothing pending and nothing awaiting acknowledgement."""
    try:
        info = await js.consumer_info(stream, durable)
    except Exception:  # noqa: BLE001  (not created yet)
        return False
    return info.num_pending == 0 and info.num_ack_pending == 0
