"""The simulator's `sellerops.commands` plugins: `sellerops demo` (the whole system and a simulated marketplace,
live in the terminal) and `sellerops simulate` (a running system fed in real time)."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TypedDict

import typer
from rich.console import Console

from sellerops.simulator.domain import SimConfig

SELLERS = ("acme-home", "blue-harbor", "cedar-goods", "delta-outfitters", "evergreen-supply")


def demo(
    sellers: int = typer.Option(3, "--sellers", min=1, max=len(SELLERS), help="how many sellers to simulate"),
    days: int = typer.Option(30, "--days", min=1, max=120, help="simulated days"),
    minutes: float = typer.Option(2.0, "--minutes", min=0.1, help="about how long the run takes"),
    orders_per_day: float = typer.Option(40, "--orders-per-day", min=1, help="per seller"),
    seed: int = typer.Option(7, "--seed", help="the same seed gives the same marketplace"),
    trouble: bool = typer.Option(True, "--trouble/--no-trouble",
                                 help="the last seller ships late for a week and its carrier loses scans the "
                                      "week after, so alerts fire"),
    dashboard_port: int = typer.Option(8800, "--dashboard-port", min=0, max=65535,
                                       help="the dashboard's web pages on 127.0.0.1, live while the demo runs"),
) -> None:
    """Start every service on an embedded NATS, simulate a marketplace for a few sellers in accelerated time,
    and show their account health, the orders flowing and the alerts, then a summary."""
    from sellerops.runtime.logging import configure_logging
    from sellerops.runtime.settings import RuntimeSettings
    from sellerops.simulator.board import summary
    from sellerops.simulator.demo import run_demo

    configure_logging("WARNING", RuntimeSettings().log_format)  # the board, not the services' info lines

    names = list(SELLERS[:sellers])
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
    common: _Run = {"seed": seed, "start": start, "days": days, "orders_per_day": orders_per_day, "drain": False,
                    **HEALTHY}
    troubled = names[-1:] if trouble and len(names) > 1 else (names if trouble else [])
    configs = [SimConfig(sellers=[n for n in names if n not in troubled], **common)] if len(troubled) < len(names) \
        else []
    if troubled:
        configs.append(SimConfig(sellers=troubled, **common, **_trouble(days)))
    console = Console()
    board = asyncio.run(run_demo(configs, minutes=minutes, console=console, dashboard_port=dashboard_port))
    console.print(summary(board))


class _Healthy(TypedDict):
    """The SimConfig fields a well-run seller sets (typed, so that `SimConfig(**HEALTHY)` is checked)."""

    feedback_rate: float
    stars: dict[int, float]
    claim_rate: float
    reply_rate: float
    reply_mean_hours: float
    on_time_delivery_rate: float
    scan_rate: float


class _Run(_Healthy):
    """A demo's SimConfig fields shared by every seller."""

    seed: int
    start: datetime
    days: int
    orders_per_day: float
    drain: bool


class _Trouble(TypedDict):
    late_streak: tuple[int, int]
    late_streak_rate: float
    bad_carrier_week: tuple[int, int]
    bad_scan_rate: float


# A well-run seller: the marketplace's targets met with room to spare (ODR about 0.4%).
HEALTHY: _Healthy = {"feedback_rate": 0.05, "stars": {5: 0.8, 4: 0.12, 3: 0.04, 2: 0.02, 1: 0.02}, "claim_rate": 0.002,
                     "reply_rate": 0.97, "reply_mean_hours": 4.0, "on_time_delivery_rate": 0.985, "scan_rate": 0.99}


def _trouble(days: int) -> _Trouble:
    """Trouble in the second half: shipments go late for a week, and the carrier loses scans the week after."""
    mid = max(1, days // 2)
    return {"late_streak": (mid, min(days, mid + 7)), "late_streak_rate": 0.3,
            "bad_carrier_week": (min(days - 1, mid + 3), min(days, mid + 10)), "bad_scan_rate": 0.6}


def simulate_command(
    sellers: int = typer.Option(1, "--sellers", min=1, max=len(SELLERS), help="how many sellers to simulate"),
    days: float = typer.Option(1.0, "--days", min=0.01, help="how long to run, in days of real time"),
    orders_per_day: float = typer.Option(200, "--orders-per-day", min=1, help="per seller"),
    seed: int = typer.Option(7, "--seed", help="the same seed gives the same marketplace"),
    nats_url: str = typer.Option(None, "--nats-url", help="NATS server or cluster; default SELLEROPS_NATS_URL"),
) -> None:
    """Feed a running system (`sellerops up`, a cluster) with a simulated marketplace in real time: facts are
    published and seller actions sent when their time comes. For accelerated time use `sellerops demo`, where
    the services share the simulator's clock."""
    from sellerops.cli.common import settings_with
    from sellerops.simulator.demo import feed

    url = settings_with(nats_url).nats.url
    start = datetime.now(UTC)
    config = SimConfig(seed=seed, sellers=list(SELLERS[:sellers]), start=start, days=max(1, int(days + 0.999)),
                       orders_per_day=orders_per_day, drain=False, **HEALTHY)
    console = Console()
    counts = asyncio.run(feed(config, url=",".join(url), until=start + timedelta(days=days), console=console))
    console.print(f"published {counts['facts']:,} facts and sent {counts['requests']:,} seller actions "
                  f"({counts['refused']:,} refused)")
