"""Helpers every `sellerops` command uses: settings, plugins, a NATS connection, errors, output.

The rules they keep, so each command does not have to:
- an error is one line on stderr (or, with `--json`, an ErrorReply on stdout) and a non-zero exit;
  a traceback only with `sellerops --debug ...` (see `sellerops.cli.main.main`);
- `--json` (JsonOption) prints the service's answer as JSON: `emit(value, human_view)`;
- tables fit the terminal, 80 columns when piped: `table(...)` wraps the text columns and never cuts an id;
- progress is a bar on a terminal and a few plain lines when piped: `progress(...)`.
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import nats
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES, Registry, ServicePlugin
from sellerops.runtime.settings import RuntimeSettings

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)

NatsUrlOption = typer.Option(None, "--nats-url", help="NATS server or cluster (comma-separated); default SELLEROPS_NATS_URL")

# How the current command answers: set by the --json option's callback and by `sellerops --debug`.
MODE = {"json": False, "debug": False}


def _json_mode(value: bool) -> bool:
    MODE["json"] = bool(value)  # called on every run of a command (with the default too): no state carries over
    return value


JsonOption = typer.Option(False, "--json", callback=_json_mode,
                          help="print the answer as JSON (an error as an ErrorReply: code, message, field)")
CONNECT_TIMEOUT_S = 2.0

# Queries that read a seller's facts: asked for a seller no stream has an event of, the answer would be an
# empty table or a spotless report, the same as for a real seller with nothing to show; the CLI says
# "unknown seller" instead. (Settings reads, and everything that creates something, work for a new seller.)
FACT_QUERIES = frozenset({
    "list_orders", "list_at_risk", "get_account_health", "list_returns", "list_claims", "open_work", "list_cases",
    "list_inbound_shipments", "list_shipments", "list_inventory", "get_inventory", "check_ledger", "list_messages",
    "list_deliveries",
})


def settings_with(nats_url: str | None) -> RuntimeSettings:
    settings = RuntimeSettings()
    if nats_url:
        settings.nats.url = [u.strip() for u in nats_url.split(",") if u.strip()]
    return settings


def services(settings: RuntimeSettings | None = None) -> Registry[ServicePlugin]:
    allow = (settings or RuntimeSettings()).plugins_allow
    return loader.load(SERVICES, allow=allow)


def fail(message: str, code: int = 1, *, error: str = "invalid", field: str | None = None) -> NoReturn:
    """Stop the command: one line on stderr, or the ErrorReply on stdout with --json; exit `code`."""
    from sellerops.contracts.requests import ErrorReply

    fail_with(ErrorReply(code=error, message=message, field=field), exit_code=code)


def fail_with(reply: Any, exit_code: int = 1) -> NoReturn:
    """Stop the command with a service's (or our own) ErrorReply."""
    if MODE["json"]:
        print_json(reply)
    else:
        where = f" (field {reply.field})" if reply.field and reply.field not in reply.message else ""
        errors.print(f"[red]error:[/red] {escape(' '.join(reply.message.split()))}{escape(where)}",
                     soft_wrap=True, highlight=False)
    raise typer.Exit(exit_code)


async def _quiet(_exc: Exception) -> None:
    """nats-py's default error callback logs each failed attempt with its traceback; `fail` says it once."""


async def connect(settings: RuntimeSettings) -> Any:
    """A NATS connection, or a one-line error within CONNECT_TIMEOUT_S per server when none answers."""
    urls = ", ".join(settings.nats.url)
    creds = settings.nats.user_credentials
    try:
        return await nats.connect(settings.nats.url, connect_timeout=CONNECT_TIMEOUT_S, max_reconnect_attempts=1,
                                  allow_reconnect=False, error_cb=_quiet,
                                  **({"user_credentials": str(creds)} if creds else {}))
    except Exception as exc:  # noqa: BLE001  (refused, timed out, bad URL, bad credentials: one line each)
        reason = str(exc) or type(exc).__name__
        fail(f"cannot reach NATS at {urls}: {reason} (is `sellerops up` running? set SELLEROPS_NATS_URL or "
             "--nats-url to the URL `sellerops up` printed)", error="unavailable")


async def with_nats(settings: RuntimeSettings, work: Callable[[Any], Awaitable[T]]) -> T:
    nc = await connect(settings)
    try:
        return await work(nc)
    finally:
        await nc.close()


def run_async(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


def check_seller(seller: str) -> str:
    """The seller id as given, or a one-line error naming what a seller id may hold (exit 2)."""
    from sellerops.contracts.subjects import InvalidToken, seller_token

    try:
        return seller_token(seller)
    except InvalidToken as exc:
        fail(f"invalid seller id: {exc}", code=2, field="seller")


async def seller_known(nc: Any, seller: str) -> bool:
    """Whether any event stream holds an event of `seller` (its subjects are `<source>.<seller>.>`)."""
    from sellerops.contracts.streams import SOURCES, stream_name

    js = nc.jetstream()
    for source in SOURCES:
        try:
            info = await js.stream_info(stream_name(source), subjects_filter=f"{source}.{seller}.>")
        except Exception:  # noqa: BLE001, S112  (a stream not declared yet holds nothing)
            continue
        if info.state.subjects:
            return True
    return False


def unknown_seller(seller: str) -> NoReturn:
    fail(f"unknown seller {seller!r}: no stream holds an event of it (check the id; `sellerops events publish` "
         "or `sellerops ingest` brings a seller's facts)", error="not_found", field="seller")


def with_service(service: str, nats_url: str | None, work: Callable[[Any], Awaitable[T]], hint: str = "") -> T:
    """Run `work(nc)` against a service; a refusal (with `hint` after it) or no answer exits with the reason."""
    from nats.errors import NoRespondersError

    from sellerops.contracts.subjects import InvalidToken
    from sellerops.runtime.requests import RequestFailed

    try:
        return run_async(with_nats(settings_with(nats_url), work))
    except RequestFailed as exc:
        if hint and not MODE["json"]:
            exc.error.message += hint
        fail_with(exc.error)
    except InvalidToken as exc:
        fail(str(exc), code=2, field=exc.field)
    except (TimeoutError, NoRespondersError):
        fail(f"no answer from the {service} service (is it running? try `sellerops status`)", error="unavailable")


def ask_service(service: str, nats_url: str | None, seller: str, verb: str, request: Any, reply_type: type,
                timeout: float = 10.0) -> Any:
    """One request to a service; a refusal, an unknown seller or no answer exits with the reason."""
    from sellerops.runtime.requests import RequestFailed, call

    check_seller(seller)

    async def work(nc: Any) -> Any:
        if verb in FACT_QUERIES and not await seller_known(nc, seller):
            unknown_seller(seller)
        try:
            return await call(nc, service, seller, verb, request, reply_type, timeout=timeout)
        except RequestFailed as exc:
            if exc.error.code == "not_found" and not await seller_known(nc, seller):
                unknown_seller(seller)
            raise

    return with_service(service, nats_url, work)


def read_request(file: Any, request_type: type) -> Any:
    """A request from a JSON file; a bad file exits with code 2 and names the field."""
    import msgspec

    from sellerops.contracts.requests import validation_error

    try:
        return msgspec.json.decode(file.read_bytes(), type=request_type)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", code=2)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        reply = validation_error(exc).reply
        fail(f"{file}: {reply.message}", code=2, field=reply.field)


def print_json(value: Any) -> None:
    import msgspec

    from sellerops.contracts.catalog import encode

    sys.stdout.write(msgspec.json.format(encode(value)).decode() + "\n")


def emit(value: Any, human: Callable[[], Any] | None = None) -> None:
    """The command's answer: `value` as JSON under --json, else what `human()` prints (or the JSON)."""
    if MODE["json"] or human is None:
        print_json(value)
    else:
        human()


class FitTable(Table):
    """A Table that, when too wide for the screen, sets each column's width itself: an id column keeps its
    longest cell, a text column gets at least its longest word (up to WORD_LIMIT) and a share of the room
    left in proportion to what it would need on one line. (rich alone shrinks every column evenly, so an id
    or a status is cut while a long text column keeps its width.)"""

    WORD_LIMIT = 24

    def __init__(self, *args: Any, ids: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ids = ids

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        wanted, least, floor = [], [], []
        for column in self.columns:
            cells = [Text.from_markup(c).plain if isinstance(c, str) else getattr(c, "plain", "") for c in column._cells]
            lines = [line for cell in [str(column.header), *cells] for line in cell.splitlines() or [""]]
            natural = max((len(line) for line in lines), default=1)
            word = max((len(w) for line in lines for w in line.split()), default=1)
            cell_word = max((len(w) for cell in cells for w in cell.split()), default=1)
            is_id = column.header in self.ids
            wanted.append(natural)
            least.append(natural if is_id else min(word, self.WORD_LIMIT, natural))
            # what a column gives up last: an id nothing, a text column its longest word in the cells (a
            # header may wrap first), then down to 4
            floor.append(natural if is_id else min(cell_word, self.WORD_LIMIT, natural))
        padding = sum(self._get_padding_width(i) for i in range(len(self.columns)))
        room = options.max_width - self._extra_width - padding
        if sum(wanted) > room:
            is_id = [column.header in self.ids for column in self.columns]
            for column, width in zip(self.columns, fit_widths(wanted, least, floor, is_id, room), strict=True):
                column.width = width
        return super().__rich_console__(console, options)


def fit_widths(wanted: list[int], least: list[int], floor: list[int], is_id: list[bool], room: int) -> list[int]:
    """Column widths summing to at most `room` where they can: each its `least`; when even those do not fit,
    the widest column above its `floor` gives up a character first, then (still too wide) the widest text
    column above 4 (an id never); the room left is shared in proportion to what each still wants."""
    widths = list(least)
    for limit in (floor, [w if id_ else min(4, f) for w, f, id_ in zip(wanted, floor, is_id, strict=True)]):
        while sum(widths) > room:
            above = [i for i, w in enumerate(widths) if w > limit[i]]
            if not above:
                break
            widths[max(above, key=lambda i: widths[i])] -= 1
    spare, need = room - sum(widths), [w - got for w, got in zip(wanted, widths, strict=True)]
    if spare > 0 and sum(need) > 0:
        total = sum(need)
        widths = [got + min(n, spare * n // total) for got, n in zip(widths, need, strict=True)]
    return widths


def table(*columns: str, ids: tuple[str, ...] = (), **options: Any) -> Table:
    """A table that fits the width (80 columns when piped): the `ids` columns are never cut or wrapped, the
    others wrap between words (folding only a word longer than the column) instead of ending in an ellipsis."""
    from rich import box

    style = {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "padding": (0, 1, 0, 0)}
    grid = FitTable(ids=ids, **{**style, **options})
    for name in columns:
        grid.add_column(name, no_wrap=name in ids, overflow="fold")
    return grid


def empty_note(rows: int, what: str) -> None:
    """A line saying the table is empty, so an empty answer is not a blank screen."""
    if rows == 0 and not MODE["json"]:
        console.print(f"no {what}", highlight=False)


class LineProgress:
    """Progress as plain lines (when stderr is not a terminal): one at the start, every 10 %, one at the end."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self.tenths = label, total, 0, 0
        errors.print(f"{label}: 0 of {total}", highlight=False, soft_wrap=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        tenths = self.done * 10 // self.total if self.total else 10
        if tenths > self.tenths:
            self.tenths = tenths
            errors.print(f"{self.label}: {self.done} of {self.total}", highlight=False, soft_wrap=True)


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """`advance(n)`: a transient bar on a terminal, a few plain lines on a pipe, nothing under --json."""
    if MODE["json"] or total == 0:
        yield lambda n=1: None
        return
    if not errors.is_terminal:
        yield LineProgress(label, total).advance
        return
    from rich.progress import Progress

    with Progress(console=errors, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)
