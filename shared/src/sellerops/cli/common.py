"""Helpers every `sellerops` command uses: settings, plugins, a NATS connection, errors, output.

The rules they keep, so each command does not have to:
- an error is one line on stderr (or, with `--json`, an ErrorReply on stdout) and a non-zero exit;
  a traceback only with `sellerops --debug ...` (see `sellerops.cli.main.main`);
- `--json` (JsonOption) prints the service's answer as JSON: `emit(value, human_view)`;
- tables fit the terminal, 80 columns when piped: `table(...)` wraps the text columns and never cuts an id;
- progress is a bar on a terminal and a few plain lines when piped: `progress(...)` (both in cli/output.py).
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import msgspec
import nats
import typer
from rich.console import Console
from rich.markup import escape

from sellerops.auth.connect import connect_options, tls_options
from sellerops.cli.output import FitTable, LineProgress, fit_widths, progress, table  # noqa: F401  (the helpers)
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
    try:
        return await nats.connect(settings.nats.url, connect_timeout=CONNECT_TIMEOUT_S, max_reconnect_attempts=1,
                                  allow_reconnect=False, error_cb=_quiet,
                                  **connect_options(settings.nats.user_credentials), **tls_options(settings.nats))
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
        error = exc.error  # frozen: the hint goes on a copy
        if hint and not MODE["json"]:
            error = msgspec.structs.replace(error, message=error.message + hint)
        fail_with(error)
    except InvalidToken as exc:
        fail(str(exc), code=2, field=exc.field)
    except (TimeoutError, NoRespondersError):
        fail(f"no answer from the {service} service (is it running? try `sellerops status`)", error="unavailable")


def ask_service(service: str, nats_url: str | None, seller: str, verb: str, request: Any, reply_type: type,
                timeout: float = 10.0, *, every_page_of: str | None = None) -> Any:
    """One request to a service; a refusal, an unknown seller or no answer exits with the reason. With
    `every_page_of` (the reply's list field) a paged list is asked page after page and answered whole."""
    from sellerops.runtime.requests import RequestFailed, call, call_every_page

    check_seller(seller)

    async def work(nc: Any) -> Any:
        if verb in FACT_QUERIES and not await seller_known(nc, seller):
            unknown_seller(seller)
        try:
            if every_page_of:
                return await call_every_page(nc, service, seller, verb, request, reply_type, items=every_page_of,
                                             timeout=timeout)
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
