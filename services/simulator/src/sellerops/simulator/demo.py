"""`sellerops demo`: every service and a simulated marketplace in one process, in accelerated event time.

One embedded nats-server (a temporary folder, a free loopback port), every installed service on one
driven clock, and the simulator: its market facts are published and its seller actions sent as requests,
the clock moved to each step's time. Deadlines fire as simulated time passes them, so ship-by dates are
missed, reply clocks run out and account health moves as it would over those days, in a few minutes.
The terminal shows each seller's account health, the orders flowing and the alerts raised; a summary ends it.
"""

import asyncio
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import nats
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sellerops.contracts.health import AccountHealth, GetAccountHealth, Status
from sellerops.contracts.inbound import CaseList, ListCases, ListShipments, ShipmentList, ShipmentStatus
from sellerops.contracts.inventory import CheckLedger, LedgerCheck
from sellerops.contracts.market import OrderPlaced
from sellerops.contracts.notifications import Endpoint, Kind, Preferences, PreferencesView, SetPreferences
from sellerops.contracts.streams import SOURCES, stream_name
from sellerops.plugins.loader import load
from sellerops.plugins.spec import SERVICES
from sellerops.runtime.clock import DrivenClock
from sellerops.runtime.embedded import EmbeddedNats
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.requests import RequestFailed, call
from sellerops.simulator.followups import Timeline
from sellerops.simulator.model import SimConfig, Step
from sellerops.testing.helpers import running

SHOWN = ("orderDefectRate.mfn", "lateShipmentRate", "validTrackingRate", "preFulfillmentCancellationRate",
         "contactResponseRate7Day")
SHORT = {"orderDefectRate.mfn": "ODR", "lateShipmentRate": "LSR", "validTrackingRate": "VTR",
         "preFulfillmentCancellationRate": "Cancel", "contactResponseRate7Day": "Reply 24h"}
ALERTS = ("health.*.metric.breached", "health.*.metric.recovered", "health.*.metric.breach_forecast",
          "health.*.account.status_changed")


@dataclass
class Board:
    """What the terminal shows, updated as the demo runs."""

    sellers: list[str]
    started: float = field(default_factory=time.monotonic)
    now: datetime | None = None
    facts: Counter = field(default_factory=Counter)  # per seller
    orders: Counter = field(default_factory=Counter)
    requests: Counter = field(default_factory=Counter)
    lookups: Counter = field(default_factory=Counter)  # the marketplace reading where units were allocated
    refused: Counter = field(default_factory=Counter)
    health: dict[str, AccountHealth] = field(default_factory=dict)
    alerts: deque = field(default_factory=lambda: deque(maxlen=8))
    alert_count: Counter = field(default_factory=Counter)
    streams: dict[str, int] = field(default_factory=dict)  # events each service published (its stream), at the end
    afn_shipped: Counter = field(default_factory=Counter)  # AFN packages the network shipped (fulfillment's events)
    fba: dict[str, "FbaTally"] = field(default_factory=dict)  # per seller, at the end


@dataclass
class FbaTally:
    """A seller's FBA side at the end: inbound shipments, what was received, discrepancy cases, the ledger."""

    shipments: int = 0
    closed: int = 0
    expected: int = 0
    received: int = 0
    cases: Counter = field(default_factory=Counter)  # by case status
    reimbursed_units: int = 0
    drift: int = -1  # ledger drift entries, gaps and negative buckets found by check_ledger (-1: not checked)


def _cell(health: AccountHealth | None, key: str) -> Text:
    m = next((m for m in health.measures if m.key == key), None) if health else None
    if m is None or m.rate is None:
        return Text("-", style="dim")
    style = {Status.GOOD: "green", Status.BAD: "bold red"}.get(m.status, "dim")
    return Text(f"{m.rate * 100:.1f}%", style=style)


def render(board: Board) -> Group:
    table = Table(title=f"sellerops demo - {board.now:%Y-%m-%d %H:%M} (simulated)" if board.now else "sellerops demo")
    for column in ("seller", "orders", "facts", *(SHORT[k] for k in SHOWN), "rating", "status", "alerts"):
        table.add_column(column, justify="left" if column in ("seller", "status") else "right")
    for seller in board.sellers:
        h = board.health.get(seller)
        rating = Text(str(h.rating), style={"Healthy": "green", "AtRisk": "yellow"}.get(h.rating_band.value, "red")) \
            if h else Text("-")
        table.add_row(seller, f"{board.orders[seller]:,}", f"{board.facts[seller]:,}", *(_cell(h, k) for k in SHOWN),
                      rating, h.account_status.value if h else "-", str(board.alert_count[seller]))
    recent = Table(title="latest alerts", show_header=False, box=None)
    for line in board.alerts:
        recent.add_row(line)
    elapsed = time.monotonic() - board.started
    if board.streams:
        recent.add_row(Text("events per stream: " + ", ".join(f"{k} {v:,}" for k, v in board.streams.items()),
                            style="dim"))
    footer = Text(f"{sum(board.facts.values()):,} facts and {sum(board.requests.values()):,} seller actions in "
                  f"{elapsed:.0f} s", style="dim")
    return Group(table, recent, footer)


def _alert_line(subject: str, data: bytes) -> tuple[str, str]:
    event = msgspec.json.decode(data)
    seller = subject.split(".")[1]
    kind = subject.rsplit(".", 1)[1]
    what = event.get("title") or event.get("key") or ""
    if kind == "status_changed":
        what = f"account {event['previous']} -> {event['current']} (rating {event['rating']})"
    elif event.get("rate") is not None:
        what = f"{what} {event['rate'] * 100:.2f}%"
    return seller, f"{event['occurred_at'][:16]}  {seller}  {kind.replace('_', ' ')}: {what}"


def _hosts(clock: DrivenClock) -> list:
    """Every installed service, built on the shared clock (the `create_host` its plugin declares)."""
    return [plugin.create_host(clock=clock) for plugin in load(SERVICES) if plugin.create_host is not None]


async def _refresh(nc, board: Board) -> None:  # noqa: ANN001
    for seller in board.sellers:
        try:
            board.health[seller] = await call(nc, "health", seller, "get_account_health", GetAccountHealth(),
                                              AccountHealth, timeout=10)
        except (RequestFailed, TimeoutError, nats.errors.Error):
            pass


async def _fba_tally(nc, seller: str) -> FbaTally:  # noqa: ANN001
    tally = FbaTally()
    try:
        shipments = await call(nc, "fulfillment", seller, "list_inbound_shipments", ListShipments(), ShipmentList,
                               timeout=10)
        cases = await call(nc, "fulfillment", seller, "list_cases", ListCases(status=None), CaseList, timeout=10)
        ledger = await call(nc, "fulfillment", seller, "check_ledger", CheckLedger(), LedgerCheck, timeout=30)
    except (RequestFailed, TimeoutError, nats.errors.Error):
        return tally
    for shipment in shipments.shipments:
        tally.shipments += 1
        tally.closed += shipment.status is ShipmentStatus.CLOSED
        tally.expected += sum(i.expected for i in shipment.items)
        tally.received += sum(i.received + i.damaged for i in shipment.items)
    for case in cases.cases:
        tally.cases[case.status.value] += 1
        tally.reimbursed_units += sum(line.reimbursed_units for line in case.lines)
    tally.drift = len(ledger.drift) + len(ledger.gaps) + len(ledger.negative)
    return tally


async def run_demo(configs: list[SimConfig], *, minutes: float, console: Console,
                   data_dir: Path | None = None, dashboard_port: int = 8800) -> Board:
    """Run the simulated days (of every config, merged in time) in about `minutes`; return the final board."""
    with tempfile.TemporaryDirectory(prefix="sellerops-demo-") as scratch:
        server = EmbeddedNats(Path(data_dir or scratch)).start()
        try:
            with _environment(SELLEROPS_NATS_URL=server.url,  # what each service's settings read
                              SELLEROPS_DASHBOARD_PORT=str(dashboard_port), SELLEROPS_DASHBOARD_HOST="127.0.0.1"):
                console.print(f"dashboard: http://127.0.0.1:{dashboard_port}/ (live while the demo runs)")
                return await _run(configs, server.url, minutes, console)
        finally:
            server.stop()


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the block, then put back what was there (the caller's process goes on)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _run(configs: list[SimConfig], url: str, minutes: float, console: Console) -> Board:
    start, days = min(c.start for c in configs), max(c.days for c in configs)
    sellers = [s for c in configs for s in c.sellers]
    clock = DrivenClock(start)
    board = Board(sellers=sellers, now=start)
    async with AsyncExitStack() as stack:
        for host in _hosts(clock):
            await stack.enter_async_context(running(host.app()))
        nc = await nats.connect(url)
        stack.push_async_callback(nc.drain)
        publish = JetStreamPublisher(nc.jetstream())
        log_all = SetPreferences(preferences=Preferences(endpoints=[Endpoint(id="log", channel="log")],
                                                         routes={kind: ["log"] for kind in Kind}))
        for seller in sellers:
            await call(nc, "notifications", seller, "set_preferences", log_all, PreferencesView)

        async def alert(msg) -> None:  # noqa: ANN001
            seller, line = _alert_line(msg.subject, msg.data)
            board.alert_count[seller] += 1
            board.alerts.appendleft(line)

        for subject in ALERTS:
            await nc.subscribe(subject, cb=alert)

        async def afn_shipped(msg) -> None:  # noqa: ANN001
            board.afn_shipped[msg.subject.split(".")[1]] += 1

        await nc.subscribe("fulfillment.*.order.shipped", cb=afn_shipped)

        wall_per_sim_hour = minutes * 60 / (days * 24)
        began, hours = time.monotonic(), 0
        next_hour = start + timedelta(hours=1)
        last_refresh = 0.0
        steps = Timeline(configs)
        with _screen(console, board) as show:
            for step in steps:
                while step.at >= next_hour:  # let simulated time pass hour by hour, at the chosen pace
                    clock.set(next_hour)
                    board.now = next_hour
                    next_hour += timedelta(hours=1)
                    hours += 1
                    # on schedule: sleep what is left of this hour's share (the services work meanwhile)
                    await asyncio.sleep(max(0.0, began + hours * wall_per_sim_hour - time.monotonic()))
                    if time.monotonic() - last_refresh > 1.0:
                        await _refresh(nc, board)
                        show(board)
                        last_refresh = time.monotonic()
                if step.at > clock.now():
                    clock.set(step.at)
                steps.answered(step, await _do(step, nc, publish, board))
            end = start + timedelta(days=days)
            if end > clock.now():
                clock.set(end)
            await asyncio.sleep(3)  # the last events and the health checks settle
            await _refresh(nc, board)
            for seller in sellers:
                board.fba[seller] = await _fba_tally(nc, seller)
            board.now = clock.now()
            js = nc.jetstream()
            for source in SOURCES:
                board.streams[source] = (await js.stream_info(stream_name(source))).state.messages
            show(board)
    return board


@contextmanager
def _screen(console: Console, board: Board) -> Iterator:
    """`show(board)`: on a terminal the board redrawn in place; piped (a log, CI), a plain line per simulated
    day and the final board once at the end, followed by a blank line before the summary."""
    if console.is_terminal:
        with Live(render(board), console=console, refresh_per_second=4, transient=False) as live:
            yield lambda b: live.update(render(b))
        return
    shown = {"day": None}

    def line(b: Board) -> None:
        if b.now is None or b.now.date() == shown["day"]:
            return
        shown["day"] = b.now.date()
        console.print(f"{b.now:%Y-%m-%d} (simulated): {sum(b.orders.values()):,} orders, "
                      f"{sum(b.facts.values()):,} facts, {sum(b.requests.values()):,} seller actions, "
                      f"{sum(b.alert_count.values()):,} alerts", highlight=False, soft_wrap=True)

    console.print(f"sellerops demo: {len(board.sellers)} sellers, a line per simulated day", highlight=False)
    yield line
    console.print(render(board))
    console.print()


async def _do(step: Step, nc, publish: JetStreamPublisher, board: Board) -> bytes | None:  # noqa: ANN001
    """Publish a fact, or send a request and return its answer (None when it was refused)."""
    if step.kind == "fact":
        event = step.payload
        await publish.publish_one(event)
        board.facts[step.seller] += 1
        if isinstance(event, OrderPlaced):
            board.orders[step.seller] += 1
        return None
    request = step.payload  # a SellerRequest: the seller acting, or the marketplace looking something up
    lookup = step.kind == "lookup"
    (board.lookups if lookup else board.requests)[step.seller] += 1
    for wait in (0.1, 0.3, 1.0, None):
        try:
            answer = await call(nc, request.service, step.seller, request.verb, request.body, msgspec.Raw,
                                timeout=10)
            return bytes(answer)
        except RequestFailed as exc:
            # In accelerated time the seller may act on a fact the service has not read yet (a reply minutes
            # after the message): a person would see it first, so wait for it a moment. A lookup of what is
            # not there yet is an answer (its follow-up looks again later).
            if exc.error.code != "not_found" or wait is None or lookup:
                if not lookup:
                    board.refused[step.seller] += 1
                return None
            await asyncio.sleep(wait)
        except TimeoutError:
            board.refused[step.seller] += 1
            return None
    return None


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
            timeline.answered(step, await _do(step, nc, publish, board))
            counts[{"fact": "facts", "request": "requests", "lookup": "lookups"}[step.kind]] += 1
            if sum(counts.values()) % 100 == 0:
                console.print(f"{datetime.now(step.at.tzinfo):%H:%M:%S}  {counts['facts']:,} facts, "
                              f"{counts['requests']:,} actions", highlight=False)
    finally:
        await nc.drain()
    counts["refused"] = sum(board.refused.values())
    return counts


def summary(board: Board) -> Group:
    table = Table(title="summary")
    for column in ("seller", "orders", "facts", "actions", "refused", "rating", "status", "bad metrics", "alerts"):
        table.add_column(column)
    for seller in board.sellers:
        h = board.health.get(seller)
        bad = ", ".join(m.key for m in h.measures if m.status is Status.BAD) if h else "-"
        table.add_row(seller, f"{board.orders[seller]:,}", f"{board.facts[seller]:,}",
                      f"{board.requests[seller]:,}", str(board.refused[seller]), str(h.rating) if h else "-",
                      h.account_status.value if h else "-", bad or "none", str(board.alert_count[seller]))
    fba = Table(title="FBA: inbound shipments closed, units received of units sent, discrepancy cases, units "
                      "reimbursed, AFN packages shipped, the inventory ledger replayed from its stream")
    for column in ("seller", "inbound", "units", "cases", "reimbursed", "AFN shipped", "ledger"):
        fba.add_column(column)
    for seller, tally in board.fba.items():
        ledger = "not checked" if tally.drift < 0 else "clean" if tally.drift == 0 else f"drift: {tally.drift}"
        opened = tally.cases.get("OPEN", 0)
        cases = f"{opened} open, {sum(tally.cases.values()) - opened} done" if tally.cases else "none"
        fba.add_row(seller, f"{tally.closed}/{tally.shipments}", f"{tally.received}/{tally.expected}", cases,
                    str(tally.reimbursed_units), f"{board.afn_shipped[seller]:,}", ledger)
    return Group(table, fba)



