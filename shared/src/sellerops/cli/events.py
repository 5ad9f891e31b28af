"""`sellerops events publish|tail`: put JSON-lines events on their subjects, watch events flow."""

import asyncio
import re
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import typer

from sellerops.cli.common import (
    JsonOption, NatsUrlOption, console, emit, errors, fail, progress, run_async, settings_with, with_nats,
)
from sellerops.contracts.catalog import decode_event, encode, event_types
from sellerops.contracts.envelope import Event
from sellerops.contracts.streams import DEAD_LETTER, SOURCES
from sellerops.contracts.subjects import stream_subjects
from sellerops.runtime.broker import declare_streams
from sellerops.runtime.publisher import JetStreamPublisher
from sellerops.runtime.settings import RuntimeSettings

app = typer.Typer(help="Publish events from JSON lines, or watch them flow.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
LINES_NAMESPACE = uuid.UUID("0b5d8c1e-2f3a-5e4b-8c6d-7a9e0f1b2c3d")
CHUNK = 500


class LineError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_line(number: int, text: str, now: datetime) -> Event:
    """One JSON object with its `type` tag. A missing event_id is derived from the line's text (so
    publishing the same file twice is deduplicated); a missing occurred_at is now."""
    try:
        raw: Any = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise LineError(number, f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise LineError(number, "expected a JSON object")
    tag = raw.get("type")
    if tag is None:
        raise LineError(number, "missing field `type` (the event type tag, e.g. market.order_placed.v1)")
    if tag not in event_types():
        raise LineError(number, f"unknown event type {tag!r}; known: {', '.join(sorted(event_types()))}")
    raw.setdefault("event_id", str(uuid.uuid5(LINES_NAMESPACE, text.strip())))
    raw.setdefault("occurred_at", now.isoformat())
    try:
        return decode_event(encode(raw))
    except msgspec.ValidationError as exc:
        raise LineError(number, str(exc)) from None


# an RFC 3339 date-time (optional fraction, Z or an offset), or a bare date
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def shift_to_now(events: list[Event], now: datetime) -> list[Event]:
    """The events with every date-time moved by the same amount, so the latest `occurred_at` is `now`: an
    example dated once stays inside today's windows and deadlines. Bare dates (a ship date) move by the
    same whole days. Event ids are kept, so publishing the file again is still deduplicated."""
    if not events:
        return events
    shift = now - max(e.occurred_at for e in events)
    days = timedelta(days=round(shift / timedelta(days=1)))

    def moved(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: moved(item) for key, item in value.items()}
        if isinstance(value, list):
            return [moved(item) for item in value]
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            return (datetime.fromisoformat(value.replace("Z", "+00:00")) + shift).isoformat()
        if isinstance(value, str) and _DATE.fullmatch(value):
            return (date.fromisoformat(value) + days).isoformat()
        return value

    return [decode_event(encode(moved(msgspec.to_builtins(e)))) for e in events]


def read_events(source: str, now: datetime) -> tuple[list[Event], list[LineError]]:
    text = sys.stdin.read() if source == "-" else Path(source).read_text()
    good, bad = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            good.append(parse_line(number, line, now))
        except LineError as exc:
            bad.append(exc)
    return good, bad


async def _publish_all(nc: Any, events: list[Event], settings: RuntimeSettings,
                       show_progress: bool = True) -> tuple[int, int]:
    js = nc.jetstream()
    if settings.nats.user_credentials is None:  # with credentials, the services (allowed to) declare them
        await declare_streams(js, settings.nats)  # an integration may publish before any service ran
    publisher = JetStreamPublisher(js, timeout=settings.nats.publish_timeout_s)
    new = 0
    # a bar on a terminal, a line per tenth on a pipe; a file of one chunk publishes too fast to need any
    with progress("publishing", len(events) if show_progress and len(events) > CHUNK else 0) as advance:
        for start in range(0, len(events), CHUNK):
            chunk = events[start : start + CHUNK]
            new += sum(await publisher.publish_many(chunk))
            advance(len(chunk))
    return new, len(events) - new


@app.command()
def publish(
    file: str = typer.Argument(..., help="JSON-lines file, or - for standard input"),
    nats_url: str = NatsUrlOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="validate every line, publish nothing"),
    shift: bool = typer.Option(False, "--shift-to-now",
                               help="move every date in the file by the same amount so its latest occurred_at is now "
                                    "(an example dated once, replayed any day)"),
    as_json: bool = JsonOption,
) -> None:
    """Publish JSON-lines events (each with its `type` tag) to their subjects; bad lines are reported."""
    if file != "-" and not Path(file).is_file():
        fail(f"no such file: {file}", code=2, field="file")
    now = datetime.now(UTC)
    good, bad = read_events(file, now)
    if shift:
        good = shift_to_now(good, now)
    for error in bad:
        errors.print(f"[red]rejected[/red] {error}", highlight=False, soft_wrap=True)
    new = duplicates = 0
    if not dry_run and good:
        settings = settings_with(nats_url)
        new, duplicates = run_async(with_nats(settings, lambda nc: _publish_all(nc, good, settings)))
        summary = f"published {new}, already there (deduplicated) {duplicates}, rejected {len(bad)}"
    else:
        summary = (f"valid {len(good)}, rejected {len(bad)} (dry run: nothing published)" if dry_run
                   else f"nothing to publish; rejected {len(bad)}")
    emit({"dry_run": dry_run, "valid": len(good), "published": new, "deduplicated": duplicates,
          "rejected": [{"line": e.line, "message": str(e)} for e in bad]},
         lambda: console.print(summary, highlight=False))
    if bad:
        raise typer.Exit(1)


def default_subjects() -> list[str]:
    return [stream_subjects(source) for source in SOURCES] + list(DEAD_LETTER.subjects)


async def _tail(nc: Any, subjects: list[str], count: int | None, as_json: bool) -> None:
    done = asyncio.Event()
    seen = 0

    async def show(msg: Any) -> None:
        nonlocal seen
        if count and seen >= count:
            return
        if as_json:
            sys.stdout.write(encode({"subject": msg.subject, "headers": msg.headers or {},
                                     "event": msgspec.json.decode(msg.data)}).decode() + "\n")
            sys.stdout.flush()
        else:
            reason = (msg.headers or {}).get("Sellerops-Dead-Reason")
            console.print(f"[cyan]{msg.subject}[/cyan]" + (f" [red]{reason}[/red]" if reason else ""),
                          msg.data.decode(errors="replace"), highlight=False, soft_wrap=True)
        seen += 1
        if count and seen >= count:
            done.set()

    for subject in subjects:
        await nc.subscribe(subject, cb=show)
    await nc.flush()
    errors.print(f"tailing {', '.join(subjects)} (Ctrl-C to stop)")
    await done.wait()


@app.command()
def tail(
    subject: list[str] = typer.Argument(None, help="subjects to watch (default: every event stream and dead letters)"),
    nats_url: str = NatsUrlOption,
    count: int = typer.Option(None, "--count", "-n", help="stop after this many events"),
    as_json: bool = typer.Option(False, "--json", callback=JsonOption.callback,
                                 help="one JSON object per line: subject, headers, event"),
) -> None:
    """Print events as they flow."""
    try:
        run_async(with_nats(settings_with(nats_url), lambda nc: _tail(nc, subject or default_subjects(), count, as_json)))
    except KeyboardInterrupt:
        pass
