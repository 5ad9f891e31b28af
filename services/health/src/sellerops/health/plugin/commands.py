"""`sellerops health SELLER [--as-of DATE|DATETIME] [--marketplace ID] [--json]`: a seller's account health.

One command (the runner mounts `cli` as `sellerops health`): the metrics against their targets, the
Account Health Rating and the account status; `--as-of` a past moment, answered from history with the
orders behind each counter. `--metrics` shows the metrics in force, `--set FILE` overrides them,
`--order ORDER_ID` shows what the service knows of one order.
"""

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import msgspec
import typer
from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sellerops.cli.common import JsonOption, NatsUrlOption, ask_service, console, fail, print_json, read_request
from sellerops.contracts.health import (
    DEFAULT_MARKETPLACE, AccountHealth, AccountStatus, GetAccountHealth, ListMetrics, Measure, MetricCatalog,
    OrderFacts, OrderHealthRef, OrderHealthView, RatingBand, SetMetricSettings, Status, Target, TargetCondition,
)

cli = typer.Typer(
    help="Account health (health service).", invoke_without_command=True, no_args_is_help=True,
    subcommand_metavar="", pretty_exceptions_enable=False,
    context_settings={"allow_interspersed_args": True},  # SELLER then options, as a single command takes them
)

STATUS_STYLE = {Status.GOOD: "green", Status.BAD: "red", Status.NONE: "dim"}
BAND_STYLE = {RatingBand.HEALTHY: "green", RatingBand.AT_RISK: "yellow", RatingBand.UNHEALTHY: "red"}
ACCOUNT_STYLE = {AccountStatus.NORMAL: "green", AccountStatus.AT_RISK: "yellow", AccountStatus.DEACTIVATED: "red"}
CONDITION = {TargetCondition.LESS_THAN: "<", TargetCondition.GREATER_THAN: ">=", TargetCondition.EQUALS: "="}


# ---- options ----


def parse_as_of(value: str | None, now: datetime | None = None) -> datetime | None:
    """None is now; a date is the end of that UTC day (now when it is today); a date-time without a zone is UTC.
    Raises ValueError on anything else."""
    if value is None:
        return None
    now = now or datetime.now(UTC)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        when = datetime.fromisoformat(value)
        return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return None if day == now.date() else datetime.combine(day, time.max, UTC)


def _as_of(value: str | None) -> datetime | None:
    try:
        return parse_as_of(value)
    except ValueError:
        fail(f"bad --as-of {value!r}: give a date (2026-11-20, its end in UTC) or a date-time "
             "(2026-11-20T15:00:00Z)", code=2)


def _marketplace(value: str) -> str:
    try:
        return msgspec.convert({"marketplace_id": value}, ListMetrics).marketplace_id
    except msgspec.ValidationError:
        fail(f"bad --marketplace {value!r}: a marketplace id is 1-32 capital letters or digits "
             f"(e.g. {DEFAULT_MARKETPLACE})", code=2)


# ---- rendering ----


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def target_text(target: Target) -> str:
    return f"{CONDITION[target.condition]} {target.value:.2%}"


def styled(value: str, style: str) -> Text:
    return Text(value, style=style)


def measures_table(measures: list[Measure]) -> Table:
    """One row per measure; narrow enough for 80 columns (titles and date ranges wrap, numbers do not)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column("Metric", min_width=17, ratio=1)
    table.add_column("Window", no_wrap=True)
    table.add_column("Dates", min_width=10)
    for header in ("Count", "Rate", "Target", "Status"):
        table.add_column(header, no_wrap=True, justify="right" if header != "Status" else "left")
    for m in measures:
        table.add_row(Text(m.title), f"{m.window_days} days", f"{m.date_from} to {m.date_to}",
                      f"{m.numerator}/{m.denominator}", percent(m.rate), target_text(m.target),
                      styled(m.status.value, STATUS_STYLE[m.status]))
    return table


def why_table(why: dict[str, list[str]]) -> RenderableType:
    """Time travel: each counter (`<metric>:<counter>`) with the orders behind it."""
    if not why:
        return Text("No order behind any counter.")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    for counter, orders in sorted(why.items()):
        grid.add_row(counter, ", ".join(orders))
    return Padding(grid, (0, 0, 0, 2))


def health_view(h: AccountHealth) -> Group:
    """The health as a person reads it: the table, the rating, the status, warnings, and for time travel `why`."""
    source = "from history" if h.from_history else "live"
    parts: list[RenderableType] = [
        Text.assemble((f"{h.seller}", "bold"), f" in {h.marketplace_id}, as of ",
                      h.as_of.strftime("%Y-%m-%d %H:%M:%S UTC"), f" ({source})"),
        measures_table(h.measures),
        Text.assemble("Account Health Rating: ",
                      styled(f"{h.rating} {h.rating_band.value}", BAND_STYLE[h.rating_band])),
        Text.assemble("Account status: ", styled(h.account_status.value, ACCOUNT_STYLE[h.account_status]),
                      " (computed from the metrics)"),
        Text("Open warnings: " + (", ".join(h.warnings) if h.warnings else "none")),
    ]
    if h.marketplace_status is not None:
        when = h.marketplace_status_at.strftime("%Y-%m-%d %H:%M UTC") if h.marketplace_status_at else "?"
        parts.insert(4, Text.assemble("The marketplace reports: ",
                                      styled(h.marketplace_status.value, ACCOUNT_STYLE[h.marketplace_status]),
                                      f" (since {when})"))
    if h.from_history:
        parts += [Text("Orders behind the counters:", style="bold"), why_table(h.why)]
    return Group(*parts)


def catalog_table(catalog: MetricCatalog) -> Table:
    """Each metric by the name `--set` takes (its title under it), with the window and target in force."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                  title=f"Metrics for {catalog.seller} in {catalog.marketplace_id}")
    table.add_column("Metric", no_wrap=True)
    for header in ("Window", "Target", "Enabled", "Overridden"):
        table.add_column(header, no_wrap=True)
    for m in catalog.metrics:
        table.add_row(Text.assemble(m.name, "\n", (m.title, "dim")), f"{m.window_days} days", target_text(m.target),
                      "yes" if m.enabled else styled("no", "red"), styled("yes", "yellow") if m.overridden else "no")
    return table


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _packages(f: OrderFacts) -> str:
    return "; ".join(f"{p.carrier_code} {p.tracking_number}: confirmed {_when(p.confirmed_at)}, scanned "
                     f"{_when(p.scanned_at)}, delivered {_when(p.delivered_at)}" for p in f.packages) or "-"


def _claims(f: OrderFacts) -> str:
    return "; ".join(f"{c.claim_id} {c.kind.value} filed {_when(c.filed_at)}"
                     + (" (a defect)" if c.counts_as_defect else "") for c in f.claims) or "-"


def _feedback(f: OrderFacts) -> str:
    if f.feedback is None:
        return "-"
    removed = f", removed {_when(f.feedback.removed_at)}" if f.feedback.removed_at else ""
    return f"rated {f.feedback.rating}/5 on {_when(f.feedback.at)}{removed}"


def order_facts(f: OrderFacts) -> list[tuple[str, str]]:
    canceled = _when(f.canceled_at) + (f" by {f.canceled_by}" if f.canceled_by else "")
    return [("order", f.order_id), ("marketplace", f.marketplace_id),
            ("channel", f.channel.value if f.channel else "-"), ("purchased", _when(f.purchased_at)),
            ("latest ship date", _when(f.latest_ship_date)),
            ("promised delivery", _when(f.latest_delivery_date)),
            ("shipped", _when(f.shipped_at) + (" (late)" if f.late_shipment else "")),
            ("canceled", canceled + (" (counts against the seller)" if f.cancel_counts else "")),
            ("packages", _packages(f)), ("claims", _claims(f)), ("feedback", _feedback(f))]


def order_view(view: OrderHealthView) -> Group:
    facts = Table.grid(padding=(0, 2))
    for label, value in order_facts(view.facts):
        facts.add_row(Text(label, style="bold"), Text(value))
    counters = Table("Day", "Counter", title="Counters this order adds one to")
    for day, counter in view.counted:
        counters.add_row(day.isoformat(), counter)
    return Group(facts, counters)


# ---- the command ----


def ask(nats_url: str | None, seller: str, verb: str, request: object, reply_type: type) -> Any:
    return ask_service("health", nats_url, seller, verb, request, reply_type)


def show(value: msgspec.Struct, view: RenderableType, as_json: bool) -> None:
    if as_json:
        print_json(value)
    else:
        console.print(view)


def _only_one(*given: tuple[str, object]) -> None:
    chosen = [name for name, value in given if value]
    if len(chosen) > 1:
        fail(f"{' and '.join(chosen)} cannot be given together", code=2)


@cli.callback()
def health(
    seller: str = typer.Argument(..., help="the seller"),
    as_of: str = typer.Option(None, "--as-of", help="a past date (its end, UTC) or date-time: answered from history"),
    marketplace: str = typer.Option(DEFAULT_MARKETPLACE, "--marketplace", help="marketplace id"),
    metrics: bool = typer.Option(False, "--metrics", help="the metrics in force: windows, targets, overrides"),
    set_file: Path = typer.Option(None, "--set", help="a JSON SetMetricSettings file; prints the metrics after"),
    order: str = typer.Option(None, "--order", help="what the service knows of one order, and its counters"),
    as_json: bool = JsonOption,
    nats_url: str = NatsUrlOption,
) -> None:
    """A seller's account health: each metric against its target, the rating, the account status."""
    _only_one(("--metrics", metrics), ("--set", set_file), ("--order", order), ("--as-of", as_of))
    if set_file is not None:
        catalog = ask(nats_url, seller, "set_metric_settings", read_request(set_file, SetMetricSettings), MetricCatalog)
        show(catalog, catalog_table(catalog), as_json)
    elif metrics:
        catalog = ask(nats_url, seller, "list_metrics", ListMetrics(marketplace_id=_marketplace(marketplace)),
                      MetricCatalog)
        show(catalog, catalog_table(catalog), as_json)
    elif order is not None:
        view = ask(nats_url, seller, "get_order_health", OrderHealthRef(order_id=order), OrderHealthView)
        show(view, order_view(view), as_json)
    else:
        query = GetAccountHealth(marketplace_id=_marketplace(marketplace), as_of=_as_of(as_of))
        found = ask(nats_url, seller, "get_account_health", query, AccountHealth)
        show(found, health_view(found), as_json)
