"""deploy/overlays/prod agrees with `sellerops auth k8s-secrets`: each service mounts the Secret the command
writes for it, where SELLEROPS_NATS_USER_CREDENTIALS points, and NATS mounts the generated auth.conf."""

import base64
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES

CREDENTIALS = Path(__file__).parents[2] / "deploy" / "overlays" / "prod" / "credentials.yaml"
SERVICE_NAMES = loader.load(SERVICES).names()


def mounted() -> dict[str, dict]:
    """Per patched workload: its Secret, mount path and credentials variable."""
    found = {}
    for patch in yaml.safe_load_all(CREDENTIALS.read_text()):
        spec = patch["spec"]["template"]["spec"]
        [volume] = [v for v in spec["volumes"] if "secret" in v]
        containers = spec.get("containers", [])
        env = {e["name"]: e["value"] for c in containers for e in c.get("env", [])}
        mounts = [m["mountPath"] for c in containers for m in c.get("volumeMounts", [])]
        found[patch["metadata"]["name"]] = {"secret": volume["secret"]["secretName"],
                                            "path": mounts[0] if mounts else None, "env": env}
    return found


def test_every_service_mounts_its_own_credentials_where_the_runtime_reads_them():
    patches = mounted()
    for name in SERVICE_NAMES:
        assert patches[name]["secret"] == f"sellerops-{name}-creds"
        assert patches[name]["env"]["SELLEROPS_NATS_USER_CREDENTIALS"] == f"{patches[name]['path']}/user.creds"
    assert patches["nats"]["secret"] == "sellerops-nats-auth"  # the base mounts it at /etc/nats/auth


def test_k8s_secrets_writes_the_secrets_the_component_mounts(tmp_path):
    runner = CliRunner()
    app = build_app()
    made = runner.invoke(app, ["auth", "init", str(tmp_path / "auth")])
    assert made.exit_code == 0, made.output
    written = runner.invoke(app, ["auth", "k8s-secrets", str(tmp_path / "auth"), "--out", str(tmp_path / "s.json")])
    assert written.exit_code == 0, written.output
    secrets = {item["metadata"]["name"]: item for item in json.loads((tmp_path / "s.json").read_text())["items"]}
    assert {p["secret"] for p in mounted().values()} <= set(secrets)
    conf = base64.b64decode(secrets["sellerops-nats-auth"]["data"]["auth.conf"]).decode()
    assert conf.startswith("# sellerops authorization") and 'dir: "/data/jwt"' in conf
    creds = base64.b64decode(secrets["sellerops-orders-creds"]["data"]["user.creds"]).decode()
    assert creds == (tmp_path / "auth" / "services" / "orders.creds").read_text()
    assert (tmp_path / "s.json").stat().st_mode & 0o077 == 0
