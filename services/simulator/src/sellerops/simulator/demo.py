"""`sellerops demo`: every service and a simulated marketplace in one process, in accelerated event time.

One embedded nats-server (a temporary folder, a free loopback port), every installed service on one
driven clock, and the simulator: its market facts are published and its seller actions sent as requests,
the clock moved to each step's time. Deadlines fire as simulated time passes them, so ship-by dates are
missed, reply clocks run out and account health moves as it would over those days, in a few minutes.
The terminal shows each seller's account health, the orders flowing and the alerts raised; a summary ends it.
`feed` is `sellerops simulate`: the same steps against running services, in real time.
"""

import asyncio
import tempfile
import time
from collections import Counter
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from pathlib import Path

import nats
from rich.console import Console

from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.embedded import EmbeddedNats
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.runner import running
from sellerops.simulator.adapters import fba_tally, follow_alerts, log_every_kind, refresh_health, send, stream_counts
from sellerops.simulator.board import Board, screen
from sellerops.simulator.bootstrap import environment, service_hosts
from sellerops.simulator.domain import SimConfig
from sellerops.simulator.domain.followups import Timeline


async def run_demo(configs: list[SimConfig], *, minutes: float, console: Console,
                   data_dir: Path | None = None, dashboard_port: int = 8800) -> Board:
    """Run the simulated days (of every config, merged in time) in about `minutes`; return the final board."""
    with tempfile.TemporaryDirectory(prefix="sellerops-demo-") as scratch:
        server = EmbeddedNats(Path(data_dir or scratch)).start()
        try:
            with environment(SELLEROPS_NATS_URL=server.url,  # what each service's settings read
                              SELLEROPS_DASHBOARD_PORT=str(dashboard_port), SELLEROPS_DASHBOARD_HOST="127.0.0.1"):
                console.print(f"dashboard: http://127.0.0.1:{dashboard_port}/ (live while the demo runs)")
                return await _run(configs, server.url, minutes, console)
        finally:
            server.stop()


async def _run(configs: list[SimConfig], url: str, minutes: float, console: Console) -> Board:
    start, days = min(c.start for c in configs), max(c.days for c in configs)
    sellers = [s for c in configs for s in c.sellers]
    clock = DrivenClock(start)
    board = Board(sellers=sellers, now=start)
    async with AsyncExitStack() as stack:
        for host in service_hosts(clock):
            await stack.enter_async_context(running(host.app()))
        nc = await nats.connect(url)
        stack.push_async_callback(nc.drain)
        publish = JetStreamPublisher(nc.jetstream())
        await log_every_kind(nc, sellers)
        await follow_alerts(nc, board)

        wall_per_sim_hour = minutes * 60 / (days * 24)
        began, hours = time.monotonic(), 0
        next_hour = start + timedelta(hours=1)
        last_refresh = 0.0
        steps = Timeline(configs)
        with screen(console, board) as show:
            for step in steps:
                while step.at >= next_hour:  # let simulated time pass hour by hour, at the chosen pace
                    clock.set(next_hour)
                    board.now = next_hour
                    next_hour += timedelta(hours=1)
                    hours += 1
                    # on schedule: sleep what is left of this hour's share (the services work meanwhile)
                    await asyncio.sleep(max(0.0, began + hours * wall_per_sim_hour - time.monotonic()))
                    if time.monotonic() - last_refresh > 1.0:
                        await refresh_health(nc, board)
                        show(board)
                        last_refresh = time.monotonic()
                if step.at > clock.now():
                    clock.set(step.at)
                steps.answered(step, await send(step, nc, publish, board))
            end = start + timedelta(days=days)
            if end > clock.now():
                clock.set(end)
            await asyncio.sleep(3)  # the last events and the health checks settle
            await refresh_health(nc, board)
            for seller in sellers:
                board.fba[seller] = await fba_tally(nc, seller)
            board.now = clock.now()
            board.streams = await stream_counts(nc)
            show(board)
    return board


async def feed(config: SimConfig, *, url: str, until: datetime, console: Console) -> Counter:
    """Real time against running services: each step waits for its moment on the wall clock."""
    counts: Counter = Counter()
    nc = await nats.connect(url.split(","))
    board = Board(sellers=list(config.sellers))
    try:
        publish = JetStreamPublisher(nc.jetstream())
        timeline = Timeline([config])
        for step in timeline:
            if step.at > until:
                break
            wait = (step.at - datetime.now(step.at.tzinfo)).total_seconds()
            if wait > 0:
                await asyncio.sleep(wait)
            timeline.answered(step, await send(step, nc, publish, board))
            counts[{"fact": "facts", "request": "requests", "lookup": "lookups"}[step.kind]] += 1
            if sum(counts.values()) % 100 == 0:
                console.print(f"{datetime.now(step.at.tzinfo):%H:%M:%S}  {counts['facts']:,} facts, "
                              f"{counts['requests']:,} actions", highlight=False)
    finally:
        await nc.drain()
    counts["refused"] = sum(board.refused.values())
    return counts
