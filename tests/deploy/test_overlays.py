"""Every kustomize overlay renders (`kubectl kustomize`), every object is valid against the Kubernetes schemas
(kubernetes-validate), the KEDA and Prometheus Operator kinds carry their required fields, and the rendered
system has what an operator relies on: NATS as a 3-node JetStream StatefulSet configured by the loopback
template, per service probes, spread, a disruption budget, a network policy, scraping, scaling on every
consumer's lag, and (prod) credentials from Secrets as agreed with the tenants' deploy."""

import importlib
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES

DEPLOY = Path(__file__).parents[2] / "deploy"
OVERLAYS = ["base", "overlays/dev", "overlays/prod"]
SERVICE_NAMES = loader.load(SERVICES).names()
KUBERNETES = "1.32"  # the schemas validated against: the oldest minor version the manifests target
KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (it renders the overlays with "
                                "`kubectl kustomize`; this machine's image has it; Debian's kubernetes-client 1.20 "
                                "bundles a kustomize too old for these overlays)")

# The custom resources' own schemas are not in kubernetes-validate: their required fields, checked here.
CRD_SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): {
        "type": "object", "required": ["metadata", "spec"],
        "properties": {"spec": {
            "type": "object", "required": ["scaleTargetRef", "triggers"],
            "properties": {
                "scaleTargetRef": {"type": "object", "required": ["name"]},
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "triggers": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["type", "metadata"],
                    "properties": {"metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}},
            }}},
    },
    ("monitoring.coreos.com/v1", "ServiceMonitor"): {
        "type": "object", "required": ["metadata", "spec"],
        "properties": {"spec": {
            "type": "object", "required": ["selector", "endpoints"],
            "properties": {"endpoints": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["port"], "properties": {"path": {"type": "string"}}}}}}},
    },
}
NATS_JETSTREAM_TRIGGER = {"natsServerMonitoringEndpoint", "account", "stream", "consumer", "lagThreshold"}


def render(overlay: str) -> list[dict]:
    result = subprocess.run([KUBECTL, "kustomize", str(DEPLOY / overlay)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"kubectl kustomize {overlay}: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {overlay: render(overlay) for overlay in OVERLAYS}


def find(docs: list[dict], kind: str, name: str) -> dict:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_every_overlay_is_valid_against_its_schema(rendered, overlay):
    for doc in rendered[overlay]:
        name = f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"
        schema = CRD_SCHEMAS.get((doc["apiVersion"], doc["kind"]))
        try:
            if schema is not None:
                jsonschema.validate(doc, schema)
            else:
                kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
            pytest.fail(f"{name} is invalid: {exc}")
        except kubernetes_validate.SchemaNotFoundError:
            pytest.fail(f"{name}: no schema (a custom resource without one in CRD_SCHEMAS?)")


def test_the_crd_schemas_refuse_an_object_missing_a_required_field():
    scaled = {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "x"},
              "spec": {"scaleTargetRef": {"name": "x"}}}
    with pytest.raises(jsonschema.ValidationError, match="triggers"):
        jsonschema.validate(scaled, CRD_SCHEMAS[("keda.sh/v1alpha1", "ScaledObject")])


@pytest.mark.parametrize("overlay", ["overlays/dev", "overlays/prod"])
def test_nats_is_a_three_node_jetstream_statefulset_configured_by_the_loopback_clusters_template(rendered, overlay):
    docs = rendered[overlay]
    nats = find(docs, "StatefulSet", "nats")
    assert nats["spec"]["replicas"] == 3 and nats["spec"]["serviceName"] == "nats"
    assert find(docs, "Service", "nats")["spec"]["clusterIP"] == "None"
    [claim] = nats["spec"]["volumeClaimTemplates"]
    pod = nats["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]}[claim["metadata"]["name"]] == "/data"
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["NATS_STORE_DIR"] == "/data"
    assert _bytes(env["NATS_MAX_FILE_STORE"]) < _bytes(claim["spec"]["resources"]["requests"]["storage"])
    assert env["NATS_ROUTES"].count("nats-route://") == 3
    config_name = next(v["configMap"]["name"] for v in pod["volumes"] if v["name"] == "config")
    config = find(docs, "ConfigMap", config_name)["data"]["nats-server.conf"]
    assert config == (DEPLOY / "base" / "nats-server.conf").read_text()
    assert {"startupProbe", "readinessProbe", "livenessProbe"} <= set(container)
    assert find(docs, "PodDisruptionBudget", "nats")["spec"]["maxUnavailable"] == 1


@pytest.mark.parametrize("overlay", ["overlays/dev", "overlays/prod"])
@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_service_has_probes_spread_a_disruption_budget_and_a_policy_open_to_nats_and_the_scraper_only(
        rendered, overlay, name):
    docs = rendered[overlay]
    deployment = find(docs, "Deployment", name)
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {c["topologyKey"] for c in pod["topologySpreadConstraints"]} == {"kubernetes.io/hostname",
                                                                          "topology.kubernetes.io/zone"}
    assert find(docs, "PodDisruptionBudget", name)["spec"]["maxUnavailable"] == 1
    policy = find(docs, "NetworkPolicy", name)["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    scraper = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    [metrics, *others] = policy["ingress"]
    assert metrics["ports"] == [{"port": 8080}] and scraper in metrics["from"]
    assert others == ([{"ports": [{"port": 8800}]}] if name == "dashboard" else []), "the dashboard's pages only"
    to_nats = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "nats"}}}
    assert {"to": [to_nats], "ports": [{"port": 4222}]} in policy["egress"]
    internet = [rule for rule in policy["egress"] if any("ipBlock" in peer for peer in rule["to"])]
    assert bool(internet) == (name == "notifications"), "only notifications reaches out (webhooks, SMTP)"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_in_prod_every_service_is_scraped_and_scaled_on_the_lag_of_each_of_its_consumers(rendered, name):
    docs = rendered["overlays/prod"]
    monitor = find(docs, "ServiceMonitor", name)["spec"]
    service = find(docs, "Service", name)
    assert monitor["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
    scaled = find(docs, "ScaledObject", name)["spec"]
    assert scaled["scaleTargetRef"]["name"] == name
    assert scaled["maxReplicaCount"] > scaled["minReplicaCount"] >= (1 if name == "dashboard" else 2)
    assert all(t["type"] == "nats-jetstream" and set(t["metadata"]) >= NATS_JETSTREAM_TRIGGER
               for t in scaled["triggers"])
    consumers = importlib.import_module(f"sellerops.{name}.app").service_info().consumers
    assert {(t["metadata"]["stream"], t["metadata"]["consumer"]) for t in scaled["triggers"]} == {
        (c.source.upper(), c.durable) for c in consumers}


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_in_prod_every_service_reads_its_nats_credentials_from_its_own_secret(rendered, name):
    pod = find(rendered["overlays/prod"], "Deployment", name)["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    assert env["SELLEROPS_NATS_USER_CREDENTIALS"] == "/etc/sellerops/creds/user.creds"
    assert _mounted_secret(pod, container, "/etc/sellerops/creds") == (f"sellerops-{name}-creds", "user.creds")


def test_in_prod_nats_includes_the_auth_secret_and_in_dev_an_empty_file(rendered):
    for overlay, expected in (("overlays/prod", ("sellerops-nats-auth", "auth.conf")), ("overlays/dev", None)):
        pod = find(rendered[overlay], "StatefulSet", "nats")["spec"]["template"]["spec"]
        assert _mounted_secret(pod, pod["containers"][0], "/etc/nats/auth") == expected
    assert "include ./auth/auth.conf" in (DEPLOY / "base" / "nats-server.conf").read_text()
    dev = find(rendered["overlays/dev"], "ConfigMap", "nats-auth-open")
    assert dev["data"]["auth.conf"] == ""


def test_dev_applies_to_a_bare_cluster_without_the_keda_and_prometheus_operator_kinds(rendered):
    assert not {d["kind"] for d in rendered["overlays/dev"]} & {"ScaledObject", "ServiceMonitor"}


def _mounted_secret(pod: dict, container: dict, path: str) -> tuple[str, str] | None:
    [mount] = [m for m in container["volumeMounts"] if m["mountPath"] == path]
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    if "secret" not in volume:
        return None
    return volume["secret"]["secretName"], volume["secret"]["items"][0]["key"]


def _bytes(size: str) -> int:
    units = {"G": 10**9, "Gi": 2**30, "M": 10**6, "Mi": 2**20}
    number = size.rstrip("GMi")
    return int(number) * units[size[len(number):]]
