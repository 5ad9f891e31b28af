"""Running FastStream apps in this process: `sellerops run` until SIGINT or SIGTERM (`run_apps`), or one app for
the duration of a block (`running`: the demo, the tests)."""

import asyncio
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import structlog

log = structlog.get_logger("sellerops.runner")


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[Any]:
    """Start a FastStream app (lifecycle hooks included) for the duration of the block."""
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


async def run_apps(apps: Sequence[Any], *, stop: asyncio.Event | None = None) -> None:
    """Start every FastStream app, wait for a stop signal, stop them in reverse order."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started: list[Any] = []
    try:
        for app in apps:
            await app.start()
            started.append(app)
        await stop.wait()
        log.info("stopping", reason="signal")
    finally:
        for app in reversed(started):
            try:
                await app.stop()
            except Exception as exc:  # noqa: BLE001  (stop the others whatever happens to one)
                log.error("stop_failed", error=str(exc))
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
