"""Helpers shared by the command-line modules: settings, plugins, a NATS connection, errors."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import nats
import typer
from rich.console import Console

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
                                allow_reconnect=False)
    except Exception as exc:  # noqa: BLE001
        fail(f"cannot reach NATS at {', '.join(settings.nats.url)}: {exc or type(exc).__name__}"
             " (is `sellerops up` running, or is --nats-url right?)")
    try:
        return await work(nc)
    finally:
        await nc.close()


def run_async(coro: Awaitable[T]) -> T:
    return asyncio.run(coro)  # type: ignore[arg-type]
