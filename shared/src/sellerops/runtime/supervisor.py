"""`sellerops up`: one nats-server (unless a URL is given) and every installed service, each in its own
process, restarted when it dies, all stopped cleanly on SIGINT or SIGTERM.

A child's stdout and stderr come through pipes and are copied to ours a whole line at a time (one
write each), so the JSON log lines of several services never interleave mid-line, however their
buffers flush.

The embedded nats-server is supervised too: when it dies it is started again on the same port and data folder
(the services' clients reconnect by themselves); when it cannot be started again, everything stops and
`Supervisor.failure` says why (`up` exits non-zero with it)."""

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import nats
import structlog

from sellerops.runtime.broker import declare_streams
from sellerops.runtime.embedded import EmbeddedNats, NatsServerNotFound, die_with_parent
from sellerops.runtime.settings import NatsSettings

log = structlog.get_logger("sellerops.up")
RESTART_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)
HEALTHY_AFTER_S = 60.0
NATS_RESTART_DELAYS_S = (0.5, 1.0, 2.0, 5.0)
"""Before each try to start a dead embedded nats-server again; all failing (or as many deaths in a row, each
within HEALTHY_AFTER_S of its start) stops `up`."""
NATS_POLL_S = 0.5


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
    relays: list[asyncio.Task[None]] = field(default_factory=list)  # copying its output, line by line
    readiness: asyncio.Task[None] | None = None  # waiting for it to answer after a restart


LINE_LIMIT = 1024 * 1024  # a longer line is copied in pieces of this size


async def relay_lines(pipe: asyncio.StreamReader | None, out: TextIO) -> None:
    """Copy a child's output to `out` whole lines at a time, until the child closes it."""
    if pipe is None:
        return
    target = getattr(out, "buffer", None)
    while True:
        try:
            line = await pipe.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:  # the child closed its output: its last partial line
            line = end.partial
        except asyncio.LimitOverrunError as long:  # a line over LINE_LIMIT: pass it on in pieces
            line = await pipe.readexactly(long.consumed)
        if not line:
            return
        if target is not None:
            target.write(line)
        else:
            out.write(line.decode(errors="replace"))
        out.flush()


def server_urls(nats_url: str) -> list[str]:
    """'nats://a:4222, nats://b:4222' -> each server of a cluster, as nats-py takes them."""
    return [part.strip() for part in nats_url.split(",") if part.strip()]


def service_command(service: str, nats_url: str) -> list[str]:
    return [sys.executable, "-m", "sellerops.cli.main", "run", service, "--nats-url", nats_url]


def _exit_reason(code: int) -> str:
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exited with status {code}"


class Supervisor:
    def __init__(self, services: Sequence[str], nats_url: str, *, env: dict[str, str] | None = None,
                 on_ready: Callable[["Supervisor"], None] | None = None, http_port: int | None = None,
                 nats_server: EmbeddedNats | None = None,
                 service_env: Mapping[str, Mapping[str, str]] | None = None,
                 nats_options: Mapping[str, Any] | None = None) -> None:
        """`service_env`: variables for one service only (its credentials); `nats_options`: for the
        supervisor's own connections (declaring streams, readiness pings), e.g. operator credentials."""
        self.nats_url = nats_url
        self.servers = server_urls(nats_url)
        self.nats_server = nats_server
        self.failure: str | None = None
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
        if self.nats_server is not None:
            log.info("nats_server_supervised", pid=self.nats_server.process.pid if self.nats_server.process else None,
                     url=self.nats_server.url, log_file=str(self.nats_server.log_file))
            watchers.append(asyncio.create_task(self._keep_nats(self.nats_server)))
        await self._wait_ready()
        await self._stopping.wait()
        log.info("stopping_services")
        for task in watchers:
            task.cancel()
        await asyncio.gather(*(self._terminate(child) for child in self.children))

    def stop(self) -> None:
        self._stopping.set()

    async def _declare(self) -> None:
        nc = await nats.connect(self.servers, connect_timeout=5, **self._nats_options)
        try:
            await declare_streams(nc.jetstream(), NatsSettings(url=self.servers))
        finally:
            await nc.close()

    async def _spawn(self, child: Child) -> None:
        child.process = await asyncio.create_subprocess_exec(*child.command, env=child.env,
                                                             stdin=asyncio.subprocess.DEVNULL,
                                                             stdout=asyncio.subprocess.PIPE,
                                                             stderr=asyncio.subprocess.PIPE,
                                                             preexec_fn=die_with_parent, limit=LINE_LIMIT)
        child.relays = [asyncio.create_task(relay_lines(pipe, out))  # kept: a task nobody holds may be collected
                        for pipe, out in ((child.process.stdout, sys.stdout), (child.process.stderr, sys.stderr))]
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
            child.readiness = asyncio.create_task(self._mark_ready(child))  # kept: a task nobody holds may be collected

    async def _keep_nats(self, server: EmbeddedNats) -> None:
        """Start the embedded nats-server again whenever it dies; give up (stopping everything) when it cannot."""
        deaths_in_a_row, started_at = 0, time.monotonic()
        while not await self._stopped_within(NATS_POLL_S):
            assert server.process is not None
            if (code := server.process.poll()) is None:
                continue
            deaths_in_a_row = 0 if time.monotonic() - started_at > HEALTHY_AFTER_S else deaths_in_a_row + 1
            reason = f"nats-server {_exit_reason(code)}"
            log.error("nats_server_died", pid=server.process.pid, reason=reason, log_file=str(server.log_file))
            if deaths_in_a_row > len(NATS_RESTART_DELAYS_S):
                return self._give_up(f"{reason}, the {deaths_in_a_row}th time in a row within {HEALTHY_AFTER_S:.0f}s "
                                     f"of its start; see {server.log_file}")
            error = await self._restart_nats(server)
            if error is not None:
                return self._give_up(f"{reason} and could not be started again "
                                     f"({len(NATS_RESTART_DELAYS_S)} tries): {error}")
            started_at = time.monotonic()

    async def _restart_nats(self, server: EmbeddedNats) -> str | None:
        """None once the server answers again; else the last try's error."""
        error = None
        for attempt, delay in enumerate(NATS_RESTART_DELAYS_S, 1):
            if await self._stopped_within(delay):
                return None
            try:
                await asyncio.to_thread(server.start)
                log.info("nats_server_restarted", pid=server.process.pid if server.process else None, attempt=attempt)
                return None
            except (RuntimeError, TimeoutError, OSError, NatsServerNotFound) as exc:
                server.kill()
                error = str(exc)
                log.error("nats_server_restart_failed", attempt=attempt, error=error)
        return error

    def _give_up(self, why: str) -> None:
        self.failure = why
        log.error("giving_up", why=why)
        self._stopping.set()

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
            return True
        except TimeoutError:
            return False

    async def _wait_ready(self, timeout: float = 30.0) -> None:
        await asyncio.gather(*(self._mark_ready(child, timeout) for child in self.children))
        if self._on_ready:
            self._on_ready(self)

    async def _mark_ready(self, child: Child, timeout: float = 30.0) -> None:
        """Ready = the service answers its NATS service-API PING."""
        deadline = time.monotonic() + timeout
        nc = await nats.connect(self.servers, connect_timeout=5, **self._nats_options)
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
        if child.relays:
            await asyncio.wait(child.relays, timeout=2.0)  # its last lines, before ours
        log.info("service_stopped", service=child.service, status=process.returncode)
