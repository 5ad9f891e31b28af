"""`sellerops up`: one nats-server (unless a URL is given) and every installed service, each in its own
process, restarted when it dies, all stopped cleanly on SIGINT or SIGTERM."""

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import nats
import structlog

from sellerops.runtime.broker import declare_streams
from sellerops.runtime.embedded import die_with_parent
from sellerops.runtime.settings import NatsSettings

log = structlog.get_logger("sellerops.up")
RESTART_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)
HEALTHY_AFTER_S = 60.0


@dataclass
class Child:
    service: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    restarts: int = 0
    failures_in_a_row: int = 0
    ready: bool = False
    history: list[str] = field(default_factory=list)


def service_command(service: str, nats_url: str) -> list[str]:
    return [sys.executable, "-m", "sellerops.cli.main", "run", service, "--nats-url", nats_url]


def _exit_reason(code: int) -> str:
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exited with status {code}"


class Supervisor:
    def __init__(self, services: Sequence[str], nats_url: str, *, env: dict[str, str] | None = None,
                 on_ready: Callable[["Supervisor"], None] | None = None, http_port: int | None = None,
                 service_env: Mapping[str, Mapping[str, str]] | None = None,
                 nats_options: Mapping[str, Any] | None = None) -> None:
        """`service_env`: variables for one service only (its credentials); `nats_options`: for the
        supervisor's own connections (declaring streams, readiness pings), e.g. operator credentials."""
        self.nats_url = nats_url
        self._nats_options = dict(nats_options or {})
        base = {**os.environ, **(env or {})}
        base.pop("SELLEROPS_HTTP_PORT", None)
        self.children = [
            Child(name, service_command(name, nats_url),
                  {**base, **(service_env or {}).get(name, {}),
                   **({"SELLEROPS_HTTP_PORT": str(http_port + index)} if http_port else {})})
            for index, name in enumerate(services)
        ]
        self._on_ready = on_ready
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stopping.set)
        await self._declare()
        for child in self.children:
            await self._spawn(child)
        watchers = [asyncio.create_task(self._watch(child)) for child in self.children]
        await self._wait_ready()
        await self._stopping.wait()
        log.info("stopping_services")
        for task in watchers:
            task.cancel()
        await asyncio.gather(*(self._terminate(child) for child in self.children))

    def stop(self) -> None:
        self._stopping.set()

    async def _declare(self) -> None:
        nc = await nats.connect(self.nats_url, connect_timeout=5, **self._nats_options)
        try:
            await declare_streams(nc.jetstream(), NatsSettings(url=[self.nats_url]))
        finally:
            await nc.close()

    async def _spawn(self, child: Child) -> None:
        child.process = await asyncio.create_subprocess_exec(*child.command, env=child.env,
                                                             stdin=asyncio.subprocess.DEVNULL,
                                                             preexec_fn=die_with_parent)
        child.started_at = time.monotonic()
        child.ready = False
        log.info("service_started", service=child.service, pid=child.process.pid)

    async def _watch(self, child: Child) -> None:
        while not self._stopping.is_set():
            assert child.process is not None
            code = await child.process.wait()
            if self._stopping.is_set():
                return
            ran_for = time.monotonic() - child.started_at
            child.failures_in_a_row = 0 if ran_for > HEALTHY_AFTER_S else child.failures_in_a_row + 1
            delay = RESTART_DELAYS_S[min(child.failures_in_a_row, len(RESTART_DELAYS_S)) - 1] if child.failures_in_a_row else 0.5
            reason = _exit_reason(code)
            child.history.append(reason)
            log.error("service_crashed", service=child.service, pid=child.process.pid, reason=reason,
                      ran_for_s=round(ran_for, 1), restart_in_s=delay)
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
                return
            except TimeoutError:
                pass
            child.restarts += 1
            await self._spawn(child)
            asyncio.create_task(self._mark_ready(child))

    async def _wait_ready(self, timeout: float = 30.0) -> None:
        await asyncio.gather(*(self._mark_ready(child, timeout) for child in self.children))
        if self._on_ready:
            self._on_ready(self)

    async def _mark_ready(self, child: Child, timeout: float = 30.0) -> None:
        """Ready = the service answers its NATS service-API PING."""
        deadline = time.monotonic() + timeout
        nc = await nats.connect(self.nats_url, connect_timeout=5, **self._nats_options)
        try:
            while time.monotonic() < deadline and not self._stopping.is_set():
                try:
                    await nc.request(f"$SRV.PING.sellerops-{child.service}", b"", timeout=0.5)
                    child.ready = True
                    log.info("service_ready", service=child.service, pid=child.process.pid if child.process else None)
                    return
                except Exception:  # noqa: BLE001  (not answering yet)
                    await asyncio.sleep(0.2)
            log.warning("service_not_ready", service=child.service, waited_s=timeout)
        finally:
            await nc.close()

    async def _terminate(self, child: Child, grace: float = 10.0) -> None:
        process = child.process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except TimeoutError:
            log.warning("service_killed", service=child.service, why=f"no exit {grace}s after SIGTERM")
            process.kill()
            await process.wait()
        log.info("service_stopped", service=child.service, status=process.returncode)
