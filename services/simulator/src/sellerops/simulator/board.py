"""The demo's board: what the terminal shows while it runs (each seller's health, orders, alerts) and the summary
at the end. Rendering only: the numbers come from the adapters."""

import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import msgspec
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from sellerops.contracts.health import AccountHealth, Status

SHOWN = ("orderDefectRate.mfn", "lateShipmentRate", "validTrackingRate", "preFulfillmentCancellationRate",
         "contactResponseRate7Day")
SHORT = {"orderDefectRate.mfn": "ODR", "lateShipmentRate": "LSR", "validTrackingRate": "VTR",
         "preFulfillmentCancellationRate": "Cancel", "contactResponseRate7Day": "Reply 24h"}


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


def cell(health: AccountHealth | None, key: str) -> Text:
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
        table.add_row(seller, f"{board.orders[seller]:,}", f"{board.facts[seller]:,}", *(cell(h, k) for k in SHOWN),
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


def alert_line(subject: str, data: bytes) -> tuple[str, str]:
    event = msgspec.json.decode(data)
    seller = subject.split(".")[1]
    kind = subject.rsplit(".", 1)[1]
    what = event.get("title") or event.get("key") or ""
    if kind == "status_changed":
        what = f"account {event['previous']} -> {event['current']} (rating {event['rating']})"
    elif event.get("rate") is not None:
        what = f"{what} {event['rate'] * 100:.2f}%"
    return seller, f"{event['occurred_at'][:16]}  {seller}  {kind.replace('_', ' ')}: {what}"


@contextmanager
def screen(console: Console, board: Board) -> Iterator[Callable[[Board], None]]:
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
