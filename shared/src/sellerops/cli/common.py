"""Helpers shared by the command-line modules: settings, plugins, a NATS connection, errors."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import nats
import typer
from rich.console import Console

from sellerops.auth.connect import connect_options, tls_options
from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES, Registry, ServicePlugin
from sellerops.runtime.settings import RuntimeSettings

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)

NatsUrlOption = typer.Option(None, "--nats-url", help="NATS server or cluster (comma-separated); default SELLEROPS_NATS_URL")


def settings_with(nats_url: str | None) -> RuntimeSettings:
    settings = RuntimeSettings()
    if nats_url:
        settings.nats.url = [u.strip() for u in nats_url.split(",") if u.strip()]
    return settings


def services(settings: RuntimeSettings | None = None) -> Registry[ServicePlugin]:
    allow = (settings or RuntimeSettings()).plugins_allow
    return loader.load(SERVICES, allow=allow)


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


async def with_nats(settings: RuntimeSettings, work: Callable[[Any], Awaitable[T]]) -> T:
    try:
        nc = await nats.connect(settings.nats.url, connect_timeout=3, max_reconnect_attempts=1,
                                allow_reconnect=False, **connect_options(settings.nats.user_credentials),
                                **tls_options(settings.nats))
    except Exception as exc:  # noqa: BLE001
        fail(f"cannot reach NATS at {', '.join(settings.nats.url)}: {exc or type(exc).__name__}"
             " (is `sellerops up` running, or is --nats-url right?)")
    try:
        return await work(nc)
    finally:
        await nc.close()


def run_async(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]


def with_service(service: str, nats_url: str | None, work: Callable[[Any], Awaitable[T]], hint: str = "") -> T:
    """Run `work(nc)` against a service; a refusal (with `hint` after it) or no answer exits with the reason."""
    from nats.errors import NoRespondersError

    from sellerops.runtime.requests import RequestFailed

    try:
        return run_async(with_nats(settings_with(nats_url), work))
    except RequestFailed as exc:
        fail(f"{exc}{hint}")
    except (TimeoutError, NoRespondersError):
        fail(f"no answer from the {service} service (is it running? try `sellerops status`)")


def ask_service(service: str, nats_url: str | None, seller: str, verb: str, request: Any, reply_type: type,
                timeout: float = 10.0) -> Any:
    """One request to a service; a refusal or no answer exits with the reason."""
    from sellerops.runtime.requests import call

    async def work(nc: Any) -> Any:
        return await call(nc, service, seller, verb, request, reply_type, timeout=timeout)

    return with_service(service, nats_url, work)


def read_request(file: Any, request_type: type) -> Any:
    """A request from a JSON file; a bad file exits with code 2 and names the field."""
    import msgspec

    from sellerops.contracts.requests import validation_error

    try:
        return msgspec.json.decode(file.read_bytes(), type=request_type)
    except OSError as exc:
        fail(f"cannot read {file}: {exc}", code=2)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        fail(f"{file}: {validation_error(exc).reply.message}", code=2)


def print_json(value: Any) -> None:
    import sys

    import msgspec

    from sellerops.contracts.catalog import encode

    sys.stdout.write(msgspec.json.format(encode(value)).decode() + "\n")
