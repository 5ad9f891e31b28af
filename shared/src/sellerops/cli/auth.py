"""`sellerops auth`: issue, rotate and revoke credentials, and the server's authorization (see sellerops.auth)."""

import json
from base64 import b64encode
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from sellerops.cli.common import JsonOption, console, emit, fail, run_async, services, settings_with

if TYPE_CHECKING:
    from sellerops.auth.material import AuthDir

app = typer.Typer(help="Credentials per seller, service and operator; the NATS server's authorization.",
                  no_args_is_help=True)
DirArgument = typer.Argument(None, help="the authorization folder (default: <data dir>/auth)")
DirOption = typer.Option(None, "--dir", help="the authorization folder (default: <data dir>/auth)")


def default_dir(folder: Path | None) -> Path:
    return folder or settings_with(None).data_dir / "auth"


def service_scopes() -> list:
    from sellerops.auth.roles import scope_of

    scopes = []
    for plugin in services():
        if plugin.info is None or plugin.spec is None:
            fail(f"service {plugin.name} does not say what it touches (its plugin has no info/spec): "
                 "it cannot be given least-privilege credentials")
        scopes.append(scope_of(plugin.info(), plugin.spec().endpoints))
    return scopes


@app.command()
def init(folder: Path = DirArgument,
         resolver_dir: str = typer.Option("/data/jwt", "--resolver-dir",
                                          help="where the NATS server keeps account JWTs (on its own volume)"),
         as_json: bool = JsonOption) -> None:
    """Make the keys and every role's credentials, and the server's authorization (server/auth.conf)."""
    from sellerops.auth.material import AuthError, init as make

    folder = default_dir(folder)
    try:
        auth = make(folder, service_scopes(), resolver_dir=resolver_dir)
    except AuthError as exc:
        fail(str(exc))

    def human() -> None:
        console.print(f"wrote {auth.server_conf} (include it in the NATS server configuration)")
        console.print(f"wrote {auth.operator}, {auth.readonly} and {auth.root / 'services'}/<service>.creds")
        console.print(f"next: sellerops auth seller SELLER --dir {folder}   (one credentials file per seller)")

    emit({"server_conf": str(auth.server_conf), "operator": str(auth.operator), "readonly": str(auth.readonly),
          "services": sorted(str(p) for p in (auth.root / "services").glob("*.creds"))}, human)


@app.command()
def seller(name: str = typer.Argument(..., help="the seller id (as in subjects: letters, digits, '-', '_')"),
           folder: Path = DirOption,
           revoke: bool = typer.Option(False, "--revoke", help="revoke the seller's credentials"),
           rotate: bool = typer.Option(False, "--rotate", help="issue new credentials and revoke the old ones"),
           nats_url: str = typer.Option(None, "--nats-url", help="the server to tell about a revocation "
                                        "(default SELLEROPS_NATS_URL)"),
           as_json: bool = JsonOption) -> None:
    """Write DIR/sellers/SELLER.creds for that seller's integrations; --revoke or --rotate revoke live."""
    from sellerops.auth.material import AuthDir, AuthError, issue_seller, revoke_seller
    from sellerops.contracts.subjects import InvalidToken

    auth = AuthDir(default_dir(folder))
    try:
        if revoke:
            revoke_seller(auth, name)
            path = None
        else:
            path = issue_seller(auth, name, service_scopes(), rotate=rotate)
    except (AuthError, InvalidToken) as exc:
        fail(str(exc))
    told = _tell_server(auth, nats_url) if revoke or rotate else None

    def human() -> None:
        if path is None:
            console.print(f"revoked the credentials of seller {name}")
        else:
            console.print(f"wrote {path}" + (" (the previous credentials are revoked)" if rotate else ""))
        if told:
            console.print(told)

    emit({"seller": name, "creds": str(path) if path else None, "revoked": revoke or rotate, "server": told}, human)


def _tell_server(auth: "AuthDir", nats_url: str | None) -> str:
    from sellerops.auth.live import push_account
    from sellerops.auth.material import account_jwt

    urls = settings_with(nats_url).nats.url
    try:
        answer = run_async(push_account(urls, auth.system, account_jwt(auth)))
    except Exception as exc:  # noqa: BLE001
        fail(f"{auth.server_conf} is updated, but the server at {', '.join(urls)} was not told ({exc or type(exc).__name__}):"
             " run this again with --nats-url, or restart the server with the new auth.conf")
    return f"the server at {', '.join(urls)} took the new account ({answer}): it refuses the old credentials now"


@app.command("k8s-secrets")
def k8s_secrets(folder: Path = DirArgument,
                out: Path = typer.Option(None, "--out", "-o", help="write to this file instead of stdout"),
                namespace: str = typer.Option("sellerops", "--namespace", help="the namespace the Secrets are for"),
                as_json: bool = JsonOption) -> None:
    """The Kubernetes Secrets for deploy/ (kubectl apply -f): NATS's auth.conf and each service's credentials."""
    from sellerops.auth.material import AuthDir

    auth = AuthDir(default_dir(folder))
    if not auth.server_conf.exists():
        fail(f"{auth.root} has no server/auth.conf: run `sellerops auth init {auth.root}` first")
    files = {"sellerops-nats-auth": ("auth.conf", auth.server_conf),
             "sellerops-operator-creds": ("user.creds", auth.operator),
             "sellerops-readonly-creds": ("user.creds", auth.readonly)}
    for path in sorted((auth.root / "services").glob("*.creds")):
        files[f"sellerops-{path.stem}-creds"] = ("user.creds", path)
    items = [{"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": name, "namespace": namespace, "labels": {"app.kubernetes.io/part-of": "sellerops"}},
              "data": {key: b64encode(path.read_bytes()).decode()}} for name, (key, path) in files.items()]
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=1) + "\n"  # JSON is YAML too
    if out is None:
        typer.echo(text, nl=False)
        return
    from sellerops.auth.material import write_private

    write_private(out, text)
    emit({"wrote": str(out), "secrets": len(items)}, lambda: console.print(f"wrote {out} ({len(items)} secrets)"))
