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


def _print_ready(supervisor: Supervisor, data_dir: Path | None, dashboard_port: int | None = None) -> None:
    table = Table(title="sellerops is up", show_header=True)
    table.add_column("what")
    table.add_column("where")
    table.add_column("state")
    table.add_row("nats", supervisor.nats_url, f"data in {data_dir}" if data_dir else "external")
    for child in supervisor.children:
        pid = child.process.pid if child.process else "-"
        http = child.env.get("SELLEROPS_HTTP_PORT")
        table.add_row(child.service, f"pid {pid}" + (f", http://127.0.0.1:{http}/metrics" if http else ""), "[green]ready[/green]" if child.ready else "[yellow]starting[/yellow]")
    console.print(table)
    # every other command finds NATS through this variable (or --nats-url): the exact line to paste elsewhere
    console.print(export_line(supervisor.nats_url), highlight=False, markup=False, soft_wrap=True)
    if dashboard_port is not None and any(c.service == "dashboard" for c in supervisor.children):
        console.print(f"dashboard: {dashboard_url(dashboard_port)}")
    console.print("Try: sellerops status   |   sellerops events tail   |   Ctrl-C stops everything")


def export_line(url: str) -> str:
    """The shell line that points later commands (in another terminal) at this system's NATS."""
    import shlex

    return f"export SELLEROPS_NATS_URL={shlex.quote(url)}"


def run_up(settings: RuntimeSettings, *, data_dir: Path, external_url: str | None, port: int,
           sync_always: bool = False, dashboard_port: int | None = None) -> None:
    names = services(settings).names()
    if not names:
        fail("no services installed (entry-point group sellerops.services is empty)")
    server = None
    if external_url is None:
        try:
            server = EmbeddedNats(Path(data_dir) / "nats", port=port, sync_always=sync_always).start()
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
                            on_ready=lambda s: _print_ready(s, ready_data, dashboard_port),
                            nats_server=server)
    try:
        asyncio.run(supervisor.run())
    finally:
        if server is not None:
            server.stop()
            console.print("nats stopped; data kept in", str(ready_data))
    if supervisor.failure:
        fail(f"stopped everything: {supervisor.failure}")
