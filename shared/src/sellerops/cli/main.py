"""`sellerops`: run the system, run one service, watch it, publish and tail events, export AsyncAPI."""

import os
import sys
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Protocol, runtime_checkable

import typer

from sellerops.cli import auth, deadletters, events, ingest, status
from sellerops.cli.common import MODE, JsonOption, NatsUrlOption, console, emit, fail, run_async, services, settings_with
from sellerops.plugins.spec import COMMANDS
from sellerops.runtime.logging import configure_logging


def up(
    data_dir: Path = typer.Option(None, "--data-dir", help="where the embedded NATS keeps its data (default: per-user data folder)"),
    nats_url: str = typer.Option(None, "--nats-url", help="use this NATS server or cluster instead of starting one"),
    port: int = typer.Option(4222, "--port", help="port of the embedded NATS on 127.0.0.1"),
    sync_always: bool = typer.Option(False, "--sync-always",
                                     help="fsync every write before acknowledging it (survives power loss; slower)"),
    dashboard_port: int = typer.Option(8800, "--dashboard-port", min=0, max=65535,
                                       help="port of the dashboard's web pages on 127.0.0.1"),
    auth_dir: Path = typer.Option(None, "--auth-dir", help="run with this authorization (`sellerops auth init`): "
                                  "the embedded NATS enforces it, each service uses its own credentials"),
) -> None:
    """Start NATS (unless --nats-url) and every installed service, supervised, until Ctrl-C."""
    from sellerops.cli.up import run_up

    settings = settings_with(nats_url)
    configure_logging(settings.log_level, settings.log_format)
    run_up(settings, data_dir=data_dir or settings.data_dir, external_url=nats_url, port=port,
           sync_always=sync_always, dashboard_port=dashboard_port, auth_dir=auth_dir)


def run(
    names: list[str] = typer.Argument(..., help="services to run in this process"),
    nats_url: str = NatsUrlOption,
) -> None:
    """Run the named services against NATS (what a Kubernetes pod runs)."""
    from sellerops.runtime.runner import run_apps

    settings = settings_with(nats_url)
    configure_logging(settings.log_level, settings.log_format)
    registry = services(settings)
    unknown = [n for n in names if n not in registry.names()]
    if unknown:
        fail(f"unknown service(s) {', '.join(unknown)}; installed: {', '.join(registry.names()) or 'none'}")
    apps = [registry.get(n).create_app(runtime=settings) for n in names]
    run_async(run_apps(apps))


def asyncapi(out: Path = typer.Option(None, "--out", "-o", help="write to this file instead of stdout"),
             as_json: bool = JsonOption) -> None:
    """Print the AsyncAPI 3.0 document of every installed service (JSON; with -o and --json, what was written)."""
    from sellerops.runtime.asyncapi import asyncapi_json

    docs = [plugin.spec() for plugin in services() if plugin.spec]
    text = asyncapi_json(docs, version=version("sellerops-shared"))
    if out:
        out.write_text(text)
        emit({"file": str(out), "bytes": len(text), "services": len(docs)},
             lambda: console.print(f"wrote {out} ({len(text):,} bytes, {len(docs)} services)"))
    else:
        sys.stdout.write(text + "\n")


def root(debug: bool = typer.Option(False, "--debug", envvar="SELLEROPS_DEBUG",
                                    help="show the full traceback of an unexpected error"),
         creds: Path = typer.Option(None, "--creds", help="NATS user credentials file for every command "
                                    "(default SELLEROPS_NATS_USER_CREDENTIALS)", exists=True, dir_okay=False)) -> None:
    """sellerops: the operations backend of a marketplace seller, over NATS JetStream."""
    MODE["debug"] = debug
    if creds is not None:  # every command reads its settings from the environment
        import os

        os.environ["SELLEROPS_NATS_USER_CREDENTIALS"] = str(creds)


def build_app() -> typer.Typer:
    app = typer.Typer(help="sellerops: the operations backend of a marketplace seller, over NATS JetStream.",
                      no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False)
    app.callback()(root)
    app.command()(up)
    app.command()(run)
    app.command("status")(status.status)
    app.command()(asyncapi)
    app.add_typer(events.app, name="events")
    app.add_typer(deadletters.app, name="deadletters")
    app.add_typer(auth.app, name="auth")
    app.command("ingest")(ingest.ingest)
    for plugin in services():
        if plugin.cli is not None:
            app.add_typer(plugin.cli, name=plugin.name, help=plugin.description)
    for ep in sorted(entry_points(group=COMMANDS), key=lambda e: e.name):  # commands that are not services
        app.command(ep.name)(ep.load())
    return app


def main(args: list[str] | None = None) -> None:
    """The `sellerops` command. Every error ends as one line on stderr (an ErrorReply on stdout with --json)
    and a non-zero exit: 2 for a usage error, 1 otherwise, 130 on Ctrl-C; `--debug` shows tracebacks."""
    args = sys.argv[1:] if args is None else args
    MODE["json"] = "--json" in args  # before parsing, so an option that fails to parse answers in JSON too
    MODE["debug"] = "--debug" in args or os.environ.get("SELLEROPS_DEBUG", "").lower() in ("1", "true", "yes")
    try:
        command = typer.main.get_command(build_app())
        code = command.main(args=args, prog_name="sellerops", standalone_mode=False)
    except typer.Exit as exc:
        code = exc.exit_code
    except _click_exception() as exc:
        assert isinstance(exc, ClickError)  # what _click_exception finds: click's ClickException
        ctx = getattr(exc, "ctx", None)  # a UsageError's context (a plain ClickException has none)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        _fail_quietly(exc.format_message() + where, exc.exit_code, "invalid")
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except Exception as exc:  # the last line of defence: one line, the traceback on request
        if MODE["debug"]:
            raise
        _fail_quietly(f"{type(exc).__name__}: {exc} (run `sellerops --debug ...` for the traceback)", 1, "internal")
    sys.exit(code if isinstance(code, int) else 0)


@runtime_checkable
class ClickError(Protocol):
    """What main reads of click's ClickException (typer vendors click: see _click_exception)."""

    exit_code: int

    def format_message(self) -> str: ...


def _click_exception() -> type[Exception]:
    """The usage errors' base class, ClickException. typer 0.27 vendors click and exports that class only as a
    base of its public `typer.BadParameter` (older typers use click itself, the same way)."""
    return next(base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException")


def _fail_quietly(message: str, code: int, error: str) -> None:
    try:
        fail(message, code, error=error)
    except typer.Exit:
        sys.exit(code)


if __name__ == "__main__":
    main()
