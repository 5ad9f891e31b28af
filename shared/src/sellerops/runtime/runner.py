"""`sellerops run`: run the named services in this process until SIGINT or SIGTERM."""

import asyncio
import signal
from collections.abc import Sequence
from typing import Any

import structlog

log = structlog.get_logger("sellerops.runner")


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
