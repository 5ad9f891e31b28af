"""`sellerops up`: the embedded default, or every service against an existing NATS."""

import asyncio
from pathlib import Path

from rich.table import Table

from sellerops.cli.common import console, fail, services
from sellerops.runtime.embedded import EmbeddedNats, NatsServerNotFound
from sellerops.runtime.settings import RuntimeSettings
from sellerops.runtime.supervisor import Supervisor


def _print_ready(supervisor: Supervisor, data_dir: Path | None, auth_dir: Path | None = None) -> None:
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
    creds = f"--creds {Path(auth_dir) / 'operator.creds'} " if auth_dir else ""
    console.print(f"Try: sellerops {creds}status   |   sellerops {creds}events tail   |   Ctrl-C stops everything")


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


def run_up(settings: RuntimeSettings, *, data_dir: Path, external_url: str | None, port: int,
           sync_always: bool = False, auth_dir: Path | None = None) -> None:
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
    supervisor = Supervisor(names, url, env={"SELLEROPS_NATS_URL": url}, http_port=settings.http_port,
                            on_ready=lambda s: _print_ready(s, ready_data, auth_dir), service_env=service_env,
                            nats_options=operator)
    try:
        asyncio.run(supervisor.run())
    finally:
        if server is not None:
            server.stop()
            console.print("nats stopped; data kept in", str(ready_data))
