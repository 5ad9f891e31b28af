"""What a person reads of the service's answers: preferences, deliveries and buyer messages as rich tables
and lines (they take hand-made views in tests)."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sellerops.contracts.notifications import (
    DeliveryList, DeliveryStatus, DeliveryView, Endpoint, Kind, MessageList, MessageStatus, MessageView,
    PreferencesView,
)
from sellerops.notifications.domain.preferences import mask_secret

DELIVERY_STYLE = {DeliveryStatus.PENDING: "yellow", DeliveryStatus.DELIVERED: "green", DeliveryStatus.FAILED: "red"}
MESSAGE_STYLE = {MessageStatus.AWAITING_REPLY: "yellow", MessageStatus.REPLIED: "green",
                 MessageStatus.NO_RESPONSE_NEEDED: "dim"}


def when(value: datetime | None, *, seconds: bool = False) -> str:
    """A time as a person reads it, in UTC (to the second where retries seconds apart matter)."""
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def mask_target(target: str) -> str:
    """A URL's query string and credentials hidden (tokens often travel there); anything else as is."""
    if "://" not in target:
        return target
    try:
        parts = urlsplit(target)
        netloc = parts.netloc.rsplit("@", 1)[-1] if "@" in parts.netloc else parts.netloc
        masked = ("****@" if netloc != parts.netloc else "") + netloc
        return urlunsplit((parts.scheme, masked, parts.path, "****" if parts.query else "", ""))
    except ValueError:
        return target


def _duration(delta_s: float) -> str:
    minutes = int(abs(delta_s) // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _endpoint_row(e: Endpoint, routed: dict[str, list[str]]) -> list[RenderableType]:
    kinds = ", ".join(routed.get(e.id, [])) or Text("no route", style="yellow")
    return [Text(e.id), e.channel, Text(mask_target(e.target) or "-"), Text(mask_secret(e.secret) or "-"),
            "yes" if e.enabled else Text("no", style="red"), kinds]


def prefs_view(view: PreferencesView) -> Group:
    """Endpoints (channel, target, secret masked), where each kind goes, severity, quiet hours, digest."""
    p = view.preferences
    by_id = {e.id: e for e in p.endpoints}
    routed: dict[str, list[str]] = {}
    for kind, ids in p.routes.items():
        for endpoint_id in ids:
            routed.setdefault(endpoint_id, []).append(kind.value)
    parts: list[RenderableType] = [Text.assemble(
        (view.seller, "bold"), " notification preferences",
        f" (updated {when(view.updated_at)})" if view.updated_at else " (none set: every notification goes nowhere)")]
    endpoints = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                      title="Endpoints", title_justify="left")
    for header in ("id", "channel", "target", "secret", "enabled", "kinds"):
        endpoints.add_column(header, no_wrap=header in ("channel", "secret", "enabled"))
    for e in p.endpoints:
        endpoints.add_row(*_endpoint_row(e, routed))
    parts.append(endpoints if p.endpoints else Text("Endpoints: none"))
    routes = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                   title="Routes", title_justify="left")
    routes.add_column("kind", no_wrap=True)
    routes.add_column("goes to")
    digest_kinds = set(p.digest.kinds) if p.digest else set()
    for kind in Kind:
        ids = p.routes.get(kind, [])
        if not ids:
            target: RenderableType = Text("nowhere", style="dim")
        else:
            target = Text(", ".join(i if (i in by_id and by_id[i].enabled) else f"{i} (disabled)" for i in ids))
            if kind in digest_kinds:
                target.append(" (daily digest)", style="cyan")
        routes.add_row(kind.value, target)
    parts.append(routes)
    parts.append(Text(f"Minimum severity: {p.min_severity.value}"))
    q = p.quiet_hours
    parts.append(Text(f"Quiet hours: {q.start}-{q.end} {q.timezone} (critical notifications ignore them)" if q
                      else "Quiet hours: none"))
    d = p.digest
    if d is None:
        parts.append(Text("Digest: none"))
    else:
        zone = q.timezone if q else "UTC"
        kinds = ", ".join(k.value for k in d.kinds) or "no kind"
        parts.append(Text(f"Digest: daily at {d.at} {zone} for {kinds} (critical notifications go at once)"))
    return Group(*parts)


def _stacked(value: datetime | None) -> str:
    """A time in a narrow table cell: the UTC date over the time."""
    return "-" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d\n%H:%M")


def _table(**options: Any) -> Table:
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), **options)


def attempts_cell(d: DeliveryView) -> Text:
    """How many attempts, the last one's result and detail, and the next attempt when one is planned."""
    cell = Text(f"{len(d.attempts)}")
    if d.attempts:
        last = d.attempts[-1]
        cell.append(", last ")
        cell.append("ok" if last.ok else "failed", style="green" if last.ok else "red")
        cell.append(f" {last.detail}")
    if d.next_attempt_at is not None:
        cell.append(f"\nnext {when(d.next_attempt_at, seconds=True)}", style="yellow")
    return cell


def deliveries_table(found: DeliveryList) -> RenderableType:
    """Newest first: created, kind, title (delivery id under it), endpoint, status, then the attempts: how many,
    the last one's detail, the next one. Fits 80 columns (ids fold, never cut)."""
    if not found.deliveries:
        return Text("No deliveries.")
    table = _table(caption="Times in UTC. `delivery SELLER DELIVERY_ID` shows every attempt.", caption_justify="left")
    table.add_column("created", no_wrap=True, min_width=10)
    table.add_column("kind", no_wrap=True)
    table.add_column("title / delivery id", ratio=2, min_width=16, overflow="fold")
    table.add_column("endpoint", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("attempts / next", ratio=1, min_width=16, overflow="fold")
    for d in found.deliveries:
        table.add_row(_stacked(d.created_at), d.kind.value, Text.assemble(d.title, "\n", (d.delivery_id, "dim")),
                      Text.assemble(d.endpoint_id, "\n", (d.channel, "dim")),
                      Text(d.status.value, style=DELIVERY_STYLE[d.status]), attempts_cell(d))
    return table


def delivery_view(d: DeliveryView) -> Group:
    """One delivery with every attempt, oldest first."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for label, value in (("delivery", Text(d.delivery_id)), ("notification", Text(d.notification_id)),
                         ("kind", Text(d.kind.value)), ("title", Text(d.title)),
                         ("endpoint", Text(f"{d.endpoint_id} ({d.channel})")),
                         ("status", Text(d.status.value, style=DELIVERY_STYLE[d.status])),
                         ("created", Text(when(d.created_at, seconds=True))),
                         ("next attempt", Text(when(d.next_attempt_at, seconds=True)))):
        head.add_row(label, value)
    if not d.attempts:
        return Group(head, Text("No attempt yet."))
    attempts = _table(title=f"Attempts ({len(d.attempts)})", title_justify="left")
    attempts.add_column("#", justify="right", no_wrap=True)
    attempts.add_column("at", no_wrap=True)
    attempts.add_column("result", no_wrap=True)
    attempts.add_column("detail", ratio=1)
    attempts.add_column("ms", justify="right", no_wrap=True)
    for number, a in enumerate(d.attempts, start=1):
        result = Text("ok" if a.ok else "failed", style="green" if a.ok else "red")
        attempts.add_row(str(number), when(a.at, seconds=True), result, Text(a.detail), f"{a.duration_ms:.0f}")
    return Group(head, attempts)


def _left(m: MessageView, now: datetime) -> Text:
    if m.status is MessageStatus.AWAITING_REPLY:
        left_s = (m.reply_due_at - now).total_seconds()
        if m.overdue or left_s < 0:
            return Text(f"overdue\n{_duration(left_s)}", style="bold red")
        return Text(f"{_duration(left_s)}\nleft")
    if m.status is MessageStatus.REPLIED and m.replied_at is not None:
        late = m.replied_at > m.reply_due_at
        return Text("replied\nlate" if late else "replied\nin time", style="red" if late else "green")
    return Text("-", style="dim")


def messages_table(found: MessageList, now: datetime | None = None) -> RenderableType:
    """Soonest reply deadline first: received, the message (id, order, title), status, reply due, time left;
    an overdue one in red. Fits 80 columns."""
    if not found.messages:
        return Text("No buyer messages.")
    now = now or datetime.now(UTC)
    table = _table(caption="Times in UTC.", caption_justify="left")
    table.add_column("received", no_wrap=True)
    table.add_column("message / order", ratio=1, min_width=19)
    table.add_column("status", no_wrap=True)
    table.add_column("reply due", no_wrap=True)
    table.add_column("left", no_wrap=True)
    for m in found.messages:
        cell = Text.assemble((m.message_id, "bold"), "\n", f"order {m.order_id}")
        if m.title:
            cell.append(f"\n{m.title}", style="dim")
        table.add_row(_stacked(m.received_at), cell, Text(m.status.value, style=MESSAGE_STYLE[m.status]),
                      Text(_stacked(m.reply_due_at), style="red" if m.overdue else ""), _left(m, now))
    return table


def message_line(m: MessageView) -> Text:
    """One message after a request: its status and what it means for the clock."""
    line = Text.assemble((m.message_id, "bold"), "  ", (m.status.value, MESSAGE_STYLE[m.status]),
                         f"  order {m.order_id}  received {when(m.received_at)}  reply due {when(m.reply_due_at)}")
    if m.status is MessageStatus.REPLIED and m.replied_at is not None:
        late = m.replied_at > m.reply_due_at
        line.append(f"  replied {when(m.replied_at)} ")
        line.append("after the deadline" if late else "within the deadline", style="red" if late else "green")
    elif m.status is MessageStatus.NO_RESPONSE_NEEDED:
        line.append("  (no response needed: left out of the response-time metric)")
    elif m.overdue:
        line.append("  overdue", style="bold red")
    return line
