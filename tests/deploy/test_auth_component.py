"""deploy/components/auth agrees with `sellerops auth k8s-secrets`: each service mounts the Secret the command
writes for it, where SELLEROPS_NATS_USER_CREDENTIALS points, and NATS mounts the generated auth.conf."""

import base64
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from sellerops.cli.main import build_app
from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES

COMPONENT = Path(__file__).parents[2] / "deploy" / "components" / "auth" / "kustomization.yaml"
SERVICE_NAMES = loader.load(SERVICES).names()


def mounted() -> dict[str, dict]:
    """Per patched workload: its Secret, mount path and credentials variable."""
    found = {}
    for patch in yaml.safe_load(COMPONENT.read_text())["patches"]:
        spec = yaml.safe_load(patch["patch"])["spec"]["template"]["spec"]
        [volume], [container] = spec["volumes"], spec["containers"]
        env = {e["name"]: e["value"] for e in container.get("env", [])}
        found[patch["target"]["name"]] = {"secret": volume["secret"]["secretName"],
                                          "path": container["volumeMounts"][0]["mountPath"], "env": env}
    return found


def test_every_service_mounts_its_own_credentials_where_the_runtime_reads_them():
    patches = mounted()
    for name in SERVICE_NAMES:
        assert patches[name]["secret"] == f"sellerops-{name}-creds"
        assert patches[name]["env"]["SELLEROPS_NATS_USER_CREDENTIALS"] == f"{patches[name]['path']}/user.creds"
    assert patches["nats"] == {"secret": "sellerops-nats-auth", "path": "/etc/nats/auth", "env": {}}


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
