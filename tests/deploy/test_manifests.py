"""The Kubernetes manifests agree with the code: one per service, running `sellerops run <name>`, hardened."""

from pathlib import Path

import pytest
import yaml

from sellerops.plugins import loader
from sellerops.plugins.spec import SERVICES
from sellerops.runtime.settings import RuntimeSettings

DEPLOY = Path(__file__).parents[2] / "deploy"
SERVICE_NAMES = loader.load(SERVICES).names()


def documents(name: str) -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((DEPLOY / "base" / f"{name}.yaml").read_text())}


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_installed_service_has_a_hardened_deployment_that_runs_it(name):
    docs = documents(name)
    assert {"Deployment", "ServiceAccount", "ConfigMap"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["args"] == ["run", name]
    assert pod["securityContext"]["runAsNonRoot"] is True
    hardening = container["securityContext"]
    assert hardening["readOnlyRootFilesystem"] is True and hardening["allowPrivilegeEscalation"] is False
    assert hardening["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_the_configmap_holds_only_settings_the_runtime_reads(name, monkeypatch):
    config = documents(name)["ConfigMap"]["data"]
    for key, value in config.items():
        monkeypatch.setenv(key, value)
    settings = RuntimeSettings()
    assert settings.nats.replicas == 3
    assert len(settings.nats.url) == 3
    assert settings.http_port == int(config["SELLEROPS_HTTP_PORT"])


def test_the_kustomization_lists_every_service():
    kustomization = yaml.safe_load((DEPLOY / "base" / "kustomization.yaml").read_text())
    assert {f"{name}.yaml" for name in SERVICE_NAMES} <= set(kustomization["resources"])
