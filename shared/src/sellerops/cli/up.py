"""`sellerops up`: the embedded default, or every service against an existing NATS."""

import asyncio
from pathlib import Path

from rich.table import Table

from sellerops.cli.common import console, fail, services
from sellerops.runtime.embedded import EmbeddedNats, NatsServerNotFound
from sellerops.runtime.settings import RuntimeSettings
from sellerops.runtime.supervisor import Supervisor


def dashboard_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/"


def _print_ready(supervisor: Supervisor, data_dir: Path | None, dashboard_port: int | None = None,
                 auth_dir: Path | None = None) -> None:
    table = Table(title="sellerops is up", show_header=True)
    table.add_column("what")
    table.add_column("where")
    table.add_column("state")
    table.add_row("nats", supervisor.nats_url, f"data in {data_dir}" if data_dir else "external")
    for child in supervisor.children:
        pid = child.process.pid if child.process else "-"
        http = child.env.get("SELLEROPS_HTTP_PORT")
        table.add_row(child.service, f"pid {pid}" + (f", http://127.0.0.1:{http}/metrics" if http else ""),
                      "[green]ready[/green]" if child.ready else "[yellow]starting[/yellow]")
    console.print(table)
    # every other command finds NATS through this variable (or --nats-url): the exact line to paste elsewhere
    console.print(export_line(supervisor.nats_url), highlight=False, markup=False, soft_wrap=True)
    if auth_dir:
        console.print(f"export SELLEROPS_NATS_USER_CREDENTIALS={Path(auth_dir) / 'operator.creds'}",
                      highlight=False, markup=False, soft_wrap=True)
    if dashboard_port is not None and any(c.service == "dashboard" for c in supervisor.children):
        console.print(f"dashboard: {dashboard_url(dashboard_port)}")
    console.print("Try: sellerops status   |   sellerops events tail   |   Ctrl-C stops everything")


def _authorization(auth_dir: Path | None, names: list[str], nats_dir: Path) -> tuple[str | None, dict, dict]:
    """With an authorization folder: the embedded server's fragment (its resolver under its own data), each
    service's credentials variable, and the operator's connect options for the supervisor."""
    if auth_dir is None:
        return None, {}, {}
    from sellerops.auth.connect import connect_options
    from sellerops.auth.material import AuthDir, AuthError, server_fragment, service_creds

    auth = AuthDir(Path(auth_dir))
    try:
        creds = service_creds(auth, names)
        fragment = server_fragment(auth, resolver_dir=str(nats_dir / "jwt"))
    except AuthError as exc:
        fail(str(exc))
    env = {name: {"SELLEROPS_NATS_USER_CREDENTIALS": str(path)} for name, path in creds.items()}
    return fragment, env, connect_options(auth.operator)


def export_line(url: str) -> str:
    """The shell line that points later commands (in another terminal) at this system's NATS."""
    import shlex

    return f"export SELLEROPS_NATS_URL={shlex.quote(url)}"


def run_up(settings: RuntimeSettings, *, data_dir: Path, external_url: str | None, port: int,
           sync_always: bool = False, dashboard_port: int | None = None, auth_dir: Path | None = None) -> None:
    names = services(settings).names()
    if not names:
        fail("no services installed (entry-point group sellerops.services is empty)")
    fragment, service_env, operator = _authorization(auth_dir, names, Path(data_dir) / "nats")
    server = None
    if external_url is None:
        try:
            server = EmbeddedNats(Path(data_dir) / "nats", port=port, sync_always=sync_always, extra=fragment).start()
        except (RuntimeError, TimeoutError, NatsServerNotFound) as exc:
            fail(f"cannot start the embedded NATS: {exc}")
        url = server.url
    else:
        url = ",".join(settings.nats.url)
    ready_data = None if server is None else Path(data_dir) / "nats"
    env = {"SELLEROPS_NATS_URL": url}
    if dashboard_port is not None:  # the dashboard's pages stay on loopback under `up`
        env |= {"SELLEROPS_DASHBOARD_PORT": str(dashboard_port), "SELLEROPS_DASHBOARD_HOST": "127.0.0.1"}
    supervisor = Supervisor(names, url, env=env, http_port=settings.http_port,
                            on_ready=lambda s: _print_ready(s, ready_data, dashboard_port, auth_dir),
                            nats_server=server, service_env=service_env, nats_options=operator)
    try:
        asyncio.run(supervisor.run())
    finally:
        if server is not None:
            server.stop()
            console.print("nats stopped; data kept in", str(ready_data))
    if supervisor.failure:
        fail(f"stopped everything: {supervisor.failure}")
